package io.voxgate.certs.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A manufacturer's root CA as the tests make it: it issues factory certificates naming a MAC the way vendors do. */
public final class StandInVendorCa {

    /** A phone's key with its certificate. */
    public record FactoryCertificate(PrivateKey key, X509Certificate certificate) {
    }

    private final KeyPair keys;
    private final X509Certificate root;
    private long serial = 1;

    public StandInVendorCa(String name) throws Exception {
        keys = ecKeys();
        X500Name subject = new X500Name("CN=" + name + ",O=Stand-in Phones Inc.");
        var builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(serial++), Date.from(Instant.now().minusSeconds(3600)),
                Date.from(Instant.now().plusSeconds(86_400L * 3650)), subject, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        root = sign(builder);
    }

    public X509Certificate root() {
        return root;
    }

    /** A factory certificate whose CN is {@code commonName} (e.g. the bare MAC), valid between the two instants. */
    public FactoryCertificate issue(String commonName, Instant notBefore, Instant notAfter) throws Exception {
        KeyPair phone = ecKeys();
        var builder = new JcaX509v3CertificateBuilder(X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                BigInteger.valueOf(serial++), Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + commonName),
                phone.getPublic());
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        return new FactoryCertificate(phone.getPrivate(), sign(builder));
    }

    public FactoryCertificate issueValid(String commonName) throws Exception {
        return issue(commonName, Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400L * 365));
    }

    private X509Certificate sign(JcaX509v3CertificateBuilder builder) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** PKCS#8, the form every TLS client reads (curl's OpenSSL included). */
    public static String pkcs8(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    public static String pem(Object... objects) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        }
        return out.toString();
    }
}
