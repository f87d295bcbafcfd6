package io.voxgate.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.voxgate.provisioning.template.Vendor;

class ProvisioningFileTest {

    @Test
    void eachVendorsFileNameGivesTheMacAndWhoAsksForIt() {
        assertThat(ProvisioningFile.parse("/001565ABCDEF.cfg")).hasValueSatisfying(f -> {
            assertThat(f.mac()).isEqualTo("001565abcdef");
            assertThat(f.isFor(Vendor.YEALINK)).isTrue();
            assertThat(f.isFor(Vendor.POLY)).isTrue();
            assertThat(f.isFor(Vendor.CISCO)).isFalse();
        });
        assertThat(ProvisioningFile.parse("/0004f2abcdef-phone.cfg")).hasValueSatisfying(f -> assertThat(f.vendors()).containsOnly(Vendor.POLY));
        assertThat(ProvisioningFile.parse("/SEP00AABBCCDDEE.cnf.xml")).hasValueSatisfying(f -> {
            assertThat(f.mac()).isEqualTo("00aabbccddee");
            assertThat(f.vendors()).containsOnly(Vendor.CISCO);
        });
        assertThat(ProvisioningFile.parse("/cfg000b82123456.xml")).hasValueSatisfying(f -> assertThat(f.vendors()).containsOnly(Vendor.GRANDSTREAM));
        assertThat(ProvisioningFile.parse("/02aabbccddee.json")).hasValueSatisfying(f -> assertThat(f.vendors()).containsOnly(Vendor.SOFTPHONE));
    }

    @Test
    void anythingElseIsNoPhonesFile() {
        assertThat(ProvisioningFile.parse("/y000000000044.cfg")).isEmpty(); // Yealink's common file
        assertThat(ProvisioningFile.parse("/dir/001565abcdef.cfg")).isEmpty();
        assertThat(ProvisioningFile.parse("/../001565abcdef.cfg")).isEmpty();
        assertThat(ProvisioningFile.parse("001565abcdef.cfg")).isEmpty();
        assertThat(ProvisioningFile.parse("/001565abcde.cfg")).isEmpty();
        assertThat(ProvisioningFile.parse("/001565abcdefg.cfg")).isEmpty();
        assertThat(ProvisioningFile.parse("/001565abcdef.cfg.bak")).isEmpty();
        assertThat(ProvisioningFile.parse(null)).isEmpty();
    }
}
