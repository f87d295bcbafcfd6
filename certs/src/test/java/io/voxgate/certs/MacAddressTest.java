package io.voxgate.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"00:15:65:AB:CD:EF", "00-15-65-ab-cd-ef", "0015.65ab.cdef", "001565ABCDEF",
            "00:15:65:ab:CD:ef", "  001565abcdef\n"})
    void everyUsualNotationParsesToLowerCaseHexWithoutSeparators(String notation) {
        // when
        MacAddress mac = MacAddress.parse(notation);

        // then
        assertThat(mac.canonical()).isEqualTo("001565abcdef");
    }

    @Test
    void urnIsTheRfc9039MacUrn() {
        // given
        MacAddress mac = MacAddress.parse("00:15:65:AB:CD:EF");

        // when / then
        assertThat(mac.asUrn()).isEqualTo("urn:dev:mac:001565abcdef");
    }

    @Test
    void printsAsItsCanonicalForm() {
        assertThat(MacAddress.parse("00-15-65-AB-CD-EF")).hasToString("001565abcdef");
    }

    @Test
    void notationsOfTheSameAddressAreEqual() {
        assertThat(MacAddress.parse("0015.65ab.cdef")).isEqualTo(MacAddress.parse("00:15:65:AB:CD:EF"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {"00:15:65:AB:CD", "00:15:65:AB:CD:EF:01", "00:15:65:AB:CD:EG", "00:15-65:AB:CD:EF",
            "0:15:65:AB:CD:EF", "0015.65ab.cde", "0015:65ab:cdef", "001565ABCDEF0", "00 15 65 AB CD EF"})
    void malformedInputIsRejectedQuotingItAndNamingTheAcceptedForms(String input) {
        assertThatThrownBy(() -> MacAddress.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + input + "'")
                .hasMessageContaining("expected 12 hex digits")
                .hasMessageContaining("00:15:65:AB:CD:EF");
    }

    @Test
    void constructorAcceptsOnlyTheCanonicalForm() {
        assertThatThrownBy(() -> new MacAddress("00:15:65:AB:CD:EF"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 lower-case hex digits");
    }
}
