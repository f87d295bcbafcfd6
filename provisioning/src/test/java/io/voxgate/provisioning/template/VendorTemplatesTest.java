package io.voxgate.provisioning.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.voxgate.provisioning.template.PhoneConfig.Account;
import io.voxgate.provisioning.template.PhoneConfig.LineKey;

/**
 * The built-in templates against golden files: one fixed {@link PhoneConfig} (documentation
 * addresses, Europe/Berlin) rendered for each vendor must equal
 * {@code src/test/resources/golden/<vendor-id>.<ext>} byte for byte. After a deliberate change to a
 * template, rewrite the golden files with
 * {@code ./mvnw -o -pl provisioning verify -Dtest=VendorTemplatesTest -Dgolden.update=true}
 * (run from the repository root) and review the diff before committing it.
 */
class VendorTemplatesTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final String PASSWORD = "s3cret-Pass-9";
    private static final String CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBhTCCASugAwIBAgIUVm94Z2F0ZSBkb2N1bWVudGF0aW9uIENBMAoGCCqGSM49
            BAMCMBgxFjAUBgNVBAMMDVZveGdhdGUgUm9vdCBDQTAeFw0yNjAxMDEwMDAwMDBa
            -----END CERTIFICATE-----
            """;

    private final VendorTemplates templates = new VendorTemplates(null);

    private static PhoneConfig phone(Vendor vendor) {
        return phone(vendor, ZoneId.of("Europe/Berlin"), new Account("Alice Example", "201", "201", PASSWORD, "example.com"));
    }

    private static PhoneConfig phone(Vendor vendor, ZoneId zone, Account account) {
        return new PhoneConfig("001565a1b2c3", vendor, null, account, "sip.example.com", 5061,
                "https://192.0.2.10:8444/", CA_PEM, "192.0.2.123", zone,
                List.of(new LineKey(1, "line", "", "201"),
                        new LineKey(2, "speed-dial", "+4930123456", "Office"),
                        new LineKey(3, "blf", "202", "Bob")),
                "[2-9]xx|0[1-9]xx.T|00xx.T|*xx", Duration.ofHours(1));
    }

    private String rendered(Vendor vendor, PhoneConfig config) {
        return new String(templates.render("acme", config), StandardCharsets.UTF_8);
    }

    private static String goldenName(Vendor vendor) {
        return vendor.id() + switch (vendor) {
            case YEALINK, POLY -> ".cfg";
            case CISCO, GRANDSTREAM -> ".xml";
            case SOFTPHONE -> ".json";
        };
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void builtInTemplateRendersTheGoldenFile(Vendor vendor) throws Exception {
        byte[] actual = templates.render("acme", phone(vendor));
        Path golden = GOLDEN.resolve(goldenName(vendor));

        if (Boolean.getBoolean("golden.update")) {
            Files.write(golden, actual);
        }

        assertThat(new String(actual, StandardCharsets.UTF_8)).isEqualTo(Files.readString(golden));
        assertThat(actual).isEqualTo(Files.readAllBytes(golden));
    }

    @ParameterizedTest
    @EnumSource(value = Vendor.class, names = {"POLY", "CISCO", "GRANDSTREAM"})
    void xmlOutputParsesAndCarriesPasswordWithMarkupCharactersIntact(Vendor vendor) throws Exception {
        String password = "p&<>\"'w";
        String xml = rendered(vendor, phone(vendor, ZoneId.of("Europe/Berlin"),
                new Account("Alice & <Bob>", "201", "201", password, "example.com")));

        Document document = parse(xml);

        assertThat(xml).doesNotContain(password);
        assertThat(xml).contains("p&amp;&lt;&gt;&quot;&apos;w");
        assertThat(passwordIn(vendor, document)).isEqualTo(password);
    }

    @Test
    void polyAndGrandstreamEmbedTheCaCertificateWithItsLineBreaks() throws Exception {
        Element device = (Element) parse(rendered(Vendor.POLY, phone(Vendor.POLY))).getElementsByTagName("device").item(0);
        Document grandstream = parse(rendered(Vendor.GRANDSTREAM, phone(Vendor.GRANDSTREAM)));

        assertThat(device.getAttribute("device.sec.TLS.customCaCert1")).isEqualTo(CA_PEM);
        assertThat(grandstream.getElementsByTagName("P8433").item(0).getTextContent()).isEqualTo(CA_PEM);
    }

    @Test
    void softphoneJsonParsesAndCarriesPasswordAndCertificateIntact() throws Exception {
        String password = "p&<>\"'\\w";
        String json = rendered(Vendor.SOFTPHONE, phone(Vendor.SOFTPHONE, ZoneId.of("Europe/Berlin"),
                new Account("Alice", "201", "201", password, "example.com")));

        JsonNode root = new ObjectMapper().readTree(json);

        assertThat(root.path("account").path("password").asText()).isEqualTo(password);
        assertThat(json).contains("p&<>\\\"'\\\\w");
        assertThat(root.path("trust").path("caCertificatePem").asText()).isEqualTo(CA_PEM);
        assertThat(root.path("sip").path("port").asInt()).isEqualTo(5061);
        assertThat(root.path("lineKeys")).hasSize(3);
        assertThat(root.path("lineKeys").get(2).path("type").asText()).isEqualTo("blf");
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void passwordWithNewlineIsRefusedNamingTheFieldAndNotShowingIt(Vendor vendor) {
        String password = "secret\nlinekey.1.type = 0";
        PhoneConfig config = phone(vendor, ZoneId.of("Europe/Berlin"), new Account("Alice", "201", "201", password, "example.com"));

        assertThatThrownBy(() -> templates.render("acme", config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("account.password")
                .hasMessageNotContaining("secret")
                .hasMessageNotContaining("linekey");
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void displayNameWithCarriageReturnIsRefusedNamingTheField(Vendor vendor) {
        PhoneConfig config = phone(vendor, ZoneId.of("Europe/Berlin"), new Account("Alice\rEve", "201", "201", PASSWORD, "example.com"));

        assertThatThrownBy(() -> templates.render("acme", config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("account.displayName")
                .hasMessageNotContaining("Eve");
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void zoneWithoutDaylightSavingIsWrittenInEachVendorsForm(Vendor vendor) {
        String text = rendered(vendor, phone(vendor, ZoneId.of("Asia/Kolkata"), new Account("A", "201", "201", PASSWORD, "example.com")));

        List<String> expected = switch (vendor) {
            case YEALINK -> List.of("local_time.time_zone = +5:30\n", "local_time.time_zone_name = India(Calcutta)\n",
                    "local_time.summer_time = 0\n");
            case POLY -> List.of("tcpIpApp.sntp.gmtOffset=\"19800\"", "tcpIpApp.sntp.daylightSavings.enable=\"0\"");
            case CISCO -> List.of("<Time_Zone ua=\"na\">GMT+05:30</Time_Zone>",
                    "<Daylight_Saving_Time_Enable ua=\"na\">No</Daylight_Saving_Time_Enable>");
            case GRANDSTREAM -> List.of("<P64>customize</P64>", "<P246>IST-5:30</P246>");
            case SOFTPHONE -> List.of("\"timeZone\": \"Asia/Kolkata\"", "\"posix\": \"IST-5:30\"");
        };
        assertThat(text).contains(expected);
        assertThat(text).doesNotContain("dst_time_type", "daylightSavings.start");
    }

    @Test
    void berlinBecomesThePosixStringGrandstreamDocuments() {
        assertThat(PosixTimeZone.of(ZoneTime.of(ZoneId.of("Europe/Berlin"))))
                .isEqualTo("CET-1CEST-2,M3.5.0/02:00:00,M10.5.0/03:00:00");
    }

    @Test
    void contentTypeFollowsTheVendorsFormat() {
        assertThat(VendorTemplates.contentType(Vendor.YEALINK)).isEqualTo("text/plain");
        assertThat(VendorTemplates.contentType(Vendor.POLY)).isEqualTo("application/xml");
        assertThat(VendorTemplates.contentType(Vendor.CISCO)).isEqualTo("application/xml");
        assertThat(VendorTemplates.contentType(Vendor.GRANDSTREAM)).isEqualTo("application/xml");
        assertThat(VendorTemplates.contentType(Vendor.SOFTPHONE)).isEqualTo("application/json");
    }

    @Test
    void tenantOverrideIsUsedForThatTenantOnly(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("acme"));
        Files.writeString(root.resolve("acme/yealink.mustache"), "#!version:1.0.0.1\naccount.1.user_name = {{account.username}}\n");
        VendorTemplates withOverrides = new VendorTemplates(root);

        String acme = new String(withOverrides.render("acme", phone(Vendor.YEALINK)), StandardCharsets.UTF_8);
        String other = new String(withOverrides.render("other", phone(Vendor.YEALINK)), StandardCharsets.UTF_8);

        assertThat(acme).isEqualTo("#!version:1.0.0.1\naccount.1.user_name = 201\n");
        assertThat(other).isEqualTo(rendered(Vendor.YEALINK, phone(Vendor.YEALINK)));
    }

    @Test
    void overrideEditedOnDiskIsPickedUpWithoutARestart(@TempDir Path root) throws Exception {
        Path file = Files.createDirectories(root.resolve("acme")).resolve("softphone.mustache");
        Files.writeString(file, "{\"before\": \"{{account.username}}\"}");
        VendorTemplates withOverrides = new VendorTemplates(root);
        String before = new String(withOverrides.render("acme", phone(Vendor.SOFTPHONE)), StandardCharsets.UTF_8);

        Files.writeString(file, "{\"after\": \"{{account.username}}\"}");
        // Some file systems keep modification times to the second: make the edit visibly later.
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        String after = new String(withOverrides.render("acme", phone(Vendor.SOFTPHONE)), StandardCharsets.UTF_8);

        assertThat(before).isEqualTo("{\"before\": \"201\"}");
        assertThat(after).isEqualTo("{\"after\": \"201\"}");
    }

    @Test
    void templateThatFailsToCompileNamesTheFileAndTheLine(@TempDir Path root) throws Exception {
        Path file = Files.createDirectories(root.resolve("acme")).resolve("poly.mustache");
        Files.writeString(file, "<polycomConfig>\n<reg\n{{#lineKeys}}\n reg.1.label=\"x\"/>\n</polycomConfig>\n");

        assertThatThrownBy(() -> new VendorTemplates(root).render("acme", phone(Vendor.POLY)))
                .isInstanceOfSatisfying(InvalidTemplateException.class, e -> {
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.line()).isPositive();
                    assertThat(e.getMessage()).startsWith(file + ":" + e.line() + ": ");
                });
    }

    @Test
    void unknownVariableIsAnErrorNamingTheFileAndTheLine(@TempDir Path root) throws Exception {
        Path file = Files.createDirectories(root.resolve("acme")).resolve("yealink.mustache");
        Files.writeString(file, "#!version:1.0.0.1\n\naccount.1.password = {{acount.password}}\n");

        assertThatThrownBy(() -> new VendorTemplates(root).render("acme", phone(Vendor.YEALINK)))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageStartingWith(file + ":3: ")
                .hasMessageContaining("acount.password")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void templatesCannotWriteUnescapedValuesIncludeFilesOrCallMethods(@TempDir Path root) throws Exception {
        Path file = Files.createDirectories(root.resolve("acme")).resolve("grandstream.mustache");
        VendorTemplates withOverrides = new VendorTemplates(root);
        Map<String, String> refusals = Map.of(
                "<P34>{{{account.password}}}</P34>", "unescaped value 'account.password'",
                "<P34>{{&account.password}}</P34>", "unescaped value 'account.password'",
                "{{> /etc/passwd}}", "templates cannot include other files",
                "{{mac.getClass}}", "unknown variable 'mac.getClass'",
                "{{mac.bytes}}", "unknown variable 'mac.bytes'");

        int edit = 0;
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            Files.writeString(file, refusal.getKey());
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(++edit * 10L)));

            assertThatThrownBy(() -> withOverrides.render("acme", phone(Vendor.GRANDSTREAM)))
                    .as(refusal.getKey())
                    .isInstanceOf(InvalidTemplateException.class)
                    .hasMessageContaining(refusal.getValue());
        }
    }

    @Test
    void tenantSlugThatCouldLeaveTheOverrideDirectoryIsRefused(@TempDir Path root) {
        assertThatThrownBy(() -> new VendorTemplates(root).render("../acme", phone(Vendor.YEALINK)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tenant slug");
    }

    @Test
    void digitMapBecomesAGrandstreamDialPlan() {
        assertThat(GrandstreamDialPlan.of("[2-9]xx|0[1-9]xx.T|00xx.T|*xx"))
                .isEqualTo("{ [2-9]xx | 0[1-9]x+ | 00x+ | *xx }");
    }

    private static String passwordIn(Vendor vendor, Document document) {
        return switch (vendor) {
            case POLY -> ((Element) document.getElementsByTagName("reg").item(0)).getAttribute("reg.1.auth.password");
            case CISCO -> document.getElementsByTagName("Password_1_").item(0).getTextContent();
            case GRANDSTREAM -> document.getElementsByTagName("P34").item(0).getTextContent();
            default -> throw new IllegalArgumentException(vendor + " is not XML");
        };
    }

    /** The JDK's parser with DTDs and external entities off (OWASP XXE prevention). */
    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        return builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
