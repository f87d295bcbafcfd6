package io.voxgate.certs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.cert.X509Extension;
import java.util.List;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/** The switch every test sets up: one organisation, two names, an IPv4 and an IPv6 address. */
final class TestPkis {
    static final char[] PASSWORD = "correct horse battery staple".toCharArray();
    static final String ORGANISATION = "Example Telecom";
    static final List<String> DNS_NAMES = List.of("sip.example.net", "voxgate.example.net");
    static final List<InetAddress> IP_ADDRESSES = List.of(ip("192.0.2.10"), ip("2001:db8::10"));
    static final MacAddress PHONE = MacAddress.parse("00:15:65:AB:CD:EF");
    static final MacAddress OTHER_PHONE = MacAddress.parse("00:04:13:12:34:56");

    private TestPkis() {}

    static SwitchPki initialised(Path directory, KeyAlgorithm algorithm) {
        SwitchPki pki = SwitchPki.open(directory, PASSWORD);
        pki.init(algorithm, ORGANISATION, DNS_NAMES, IP_ADDRESSES);
        return pki;
    }

    /** One certificate per file, as {@code openssl verify} reads only the first one of a file. */
    static Path pem(Path file, X509Certificate certificate) {
        PemFiles.writeCertificates(file, List.of(certificate));
        return file;
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal never triggers a DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static byte[] subjectKeyId(X509Certificate certificate) throws IOException {
        return SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
                certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId()))).getKeyIdentifier();
    }

    /** The issuer key a certificate or CRL names; both carry the same extension. */
    static byte[] authorityKeyId(X509Extension certificateOrCrl) throws IOException {
        return AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(
                certificateOrCrl.getExtensionValue(Extension.authorityKeyIdentifier.getId()))).getKeyIdentifierOctets();
    }
}
