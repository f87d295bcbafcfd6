package io.voxgate.server.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import io.voxgate.provisioning.Pem;
import io.voxgate.server.settings.VoxgateSettings;

/** The manufacturer root CAs of {@code provisioning.manufacturer-cas}, whose factory certificates identify phones. */
public final class ManufacturerCas {

    private ManufacturerCas() {
    }

    public static List<X509Certificate> load(VoxgateSettings settings) {
        List<X509Certificate> roots = new ArrayList<>();
        List<String> files = settings.provisioning().manufacturerCas();
        for (int i = 0; i < files.size(); i++) {
            try {
                roots.addAll(Pem.certificates(Files.readAllBytes(Path.of(files.get(i)))));
            } catch (IOException | CertificateException e) {
                throw settings.error("provisioning.manufacturer-cas[" + i + "]", "cannot read a CA certificate from '" + files.get(i)
                        + "': " + e.getMessage());
            }
        }
        return roots;
    }
}
