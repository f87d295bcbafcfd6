package io.voxgate.certs;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * Public PKI objects as PEM, the form {@code openssl}, web servers and phone provisioning tools
 * read. Only public material passes through here: private keys go to {@link Pkcs12Files}.
 */
final class PemFiles {
    private PemFiles() {}

    static void writeCertificates(Path file, List<X509Certificate> certificates) {
        AtomicFileWriter.writeWorldReadable(file, encode(certificates));
    }

    static void writeCrl(Path file, X509CRL crl) {
        AtomicFileWriter.writeWorldReadable(file, encode(List.of(crl)));
    }

    static String encodeCertificates(List<X509Certificate> certificates) {
        return new String(encode(certificates), StandardCharsets.US_ASCII);
    }

    static List<X509Certificate> readCertificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = x509().generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (certificates.isEmpty()) {
                throw new PkiException(file + " holds no certificate");
            }
            return certificates;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (CertificateException e) {
            throw new PkiException(file + " is not a PEM certificate file", e);
        }
    }

    static X509CRL readCrl(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509CRL) x509().generateCRL(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (CRLException e) {
            throw new PkiException(file + " is not a PEM CRL file", e);
        }
    }

    private static byte[] encode(List<?> objects) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                pem.writeObject(object);
            }
        } catch (IOException e) {
            throw new PkiException("cannot PEM-encode " + objects, e);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static CertificateFactory x509() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new PkiException("the JDK has no X.509 certificate factory", e);
        }
    }
}
