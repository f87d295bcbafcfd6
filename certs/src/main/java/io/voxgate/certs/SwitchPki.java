package io.voxgate.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch's PKI in one directory: a root CA the phones trust, the SIP/TLS server certificate it
 * signs, a device CA that signs the phones' client certificates, and that CA's CRL.
 *
 * <p>Every private key is stored only in a PKCS#12 file encrypted with the keystore password;
 * device private keys are not stored at all. The CRL is valid for {@link #CRL_VALIDITY}: call
 * {@link #regenerateCrl()} well within that, e.g. daily.
 *
 * <p>The running switch and {@code voxgate certs} commands in other processes may share a directory.
 * Methods are synchronised on this object, and every change also holds the directory's
 * {@link PkiDirectoryLock} (always taken second) and re-reads from disk what it builds on, so
 * issuance, revocation and CRL numbering never interleave, even between processes.
 */
public final class SwitchPki {
    public static final Duration CRL_VALIDITY = CrlIssuer.VALIDITY;

    private static final Logger log = LoggerFactory.getLogger(SwitchPki.class);
    private static final String ROOT_CA_ALIAS = "root-ca";
    private static final String DEVICE_CA_ALIAS = "device-ca";
    private static final String SERVER_ALIAS = "server";

    private final PkiLayout layout;
    private final char[] keystorePassword;
    private final Clock clock;
    private final CertificateIssuer certificateIssuer;
    private final CrlIssuer crlIssuer;
    private final RevocationFile revocationFile;

    // Guarded by this; all null until the PKI is initialised.
    private Credential rootCa;
    private Credential deviceCa;
    private Credential server;
    private X509CRL crl;
    // Guarded by this: the version of device-ca.crl last compared with crl; null before the first look.
    private StoredCrlVersion storedCrlSeen;

    private SwitchPki(Path directory, char[] keystorePassword, Clock clock) {
        this.layout = new PkiLayout(directory);
        this.keystorePassword = keystorePassword.clone();
        this.clock = clock;
        this.certificateIssuer = new CertificateIssuer(clock);
        this.crlIssuer = new CrlIssuer(clock);
        this.revocationFile = new RevocationFile(layout.revocationList());
    }

    /**
     * Opens the PKI in {@code directory}, loading it if it was initialised before. The password is
     * copied, so the caller may wipe its array afterwards.
     *
     * @throws WrongKeystorePasswordException if the password does not open the stored keystores
     */
    public static SwitchPki open(Path directory, char[] keystorePassword) {
        return open(directory, keystorePassword, Clock.systemUTC());
    }

    static SwitchPki open(Path directory, char[] keystorePassword, Clock clock) {
        Pkcs12Files.requirePassword(keystorePassword);
        SwitchPki pki = new SwitchPki(directory, keystorePassword, clock);
        if (Files.exists(pki.layout.rootCaKeystore())) {
            pki.load();
        }
        return pki;
    }

    public synchronized boolean isInitialised() {
        return rootCa != null;
    }

    /**
     * Creates the root CA, the device CA, the server certificate and an empty CRL.
     *
     * @param algorithm key type of the CAs and the server, and so the signature algorithm phones must verify
     * @param dnsNames names phones use to reach the switch; with {@code ipAddresses} at least one is required
     * @throws IllegalStateException if the PKI already exists: replacing a root CA strands every phone
     */
    public synchronized void init(KeyAlgorithm algorithm, String organisation, List<String> dnsNames, List<InetAddress> ipAddresses) {
        if (!initIfAbsent(algorithm, organisation, dnsNames, ipAddresses)) {
            throw new IllegalStateException("the PKI in " + layout.directory() + " is already initialised ("
                    + layout.rootCaKeystore() + " exists); refusing to replace the root CA the phones trust");
        }
    }

    /**
     * {@link #init} unless the PKI already exists; returns whether it created one. If another
     * process created it since this one was opened, that PKI is loaded instead.
     */
    public synchronized boolean initIfAbsent(KeyAlgorithm algorithm, String organisation, List<String> dnsNames, List<InetAddress> ipAddresses) {
        if (isInitialised()) {
            return false;
        }
        // Keys are generated before locking: RSA key generation can take a while.
        Credential newRootCa = certificateIssuer.rootCa(algorithm, organisation);
        Credential newDeviceCa = certificateIssuer.deviceCa(newRootCa, algorithm);
        Credential newServer = certificateIssuer.server(newRootCa, algorithm, List.copyOf(dnsNames), List.copyOf(ipAddresses));

        AtomicFileWriter.createDirectories(layout.directory());
        try (var _ = PkiDirectoryLock.acquire(layout)) {
            if (Files.exists(layout.rootCaKeystore())) {
                load();
                return false;
            }
            AtomicFileWriter.createDirectories(layout.devicesDirectory());
            Pkcs12Files.write(layout.deviceCaKeystore(), DEVICE_CA_ALIAS, newDeviceCa, keystorePassword);
            PemFiles.writeCertificates(layout.deviceCaPem(), List.of(newDeviceCa.certificate()));
            storeServer(newServer);
            revocationFile.write(List.of());
            X509CRL firstCrl = publishCrl(newDeviceCa, List.of());
            PemFiles.writeCertificates(layout.rootCaPem(), List.of(newRootCa.certificate()));
            // Written last: its presence is what "initialised" means, so a crash part-way leaves a
            // directory that init simply redoes.
            Pkcs12Files.write(layout.rootCaKeystore(), ROOT_CA_ALIAS, newRootCa, keystorePassword);
            rootCa = newRootCa;
            deviceCa = newDeviceCa;
            server = newServer;
            crl = firstCrl;
        }
        log.info("Created the PKI in {} ({}); root CA SHA-256 fingerprint {}",
                layout.directory(), algorithm.configName(), rootCaFingerprint());
        return true;
    }

    /**
     * Renews the device CA before it expires: a new certificate for the same key and name, so every
     * phone certificate it issued keeps validating and no phone needs anything new. Phones'
     * certificates issued afterwards may run up to the renewed expiry.
     */
    public synchronized X509Certificate renewDeviceCa() {
        requireInitialised();
        Credential renewed = certificateIssuer.renewedDeviceCa(rootCa, deviceCa);
        try (var _ = PkiDirectoryLock.acquire(layout)) {
            Pkcs12Files.write(layout.deviceCaKeystore(), DEVICE_CA_ALIAS, renewed, keystorePassword);
            PemFiles.writeCertificates(layout.deviceCaPem(), List.of(renewed.certificate()));
            deviceCa = renewed;
        }
        log.info("Renewed the device CA: serial {}, valid until {}", hex(renewed.certificate().getSerialNumber()),
                renewed.certificate().getNotAfter().toInstant());
        return renewed.certificate();
    }

    /** Replaces the server key and certificate, e.g. before expiry or when the switch's names change. */
    public synchronized Credential issueServer(List<String> dnsNames, List<InetAddress> ipAddresses) {
        requireInitialised();
        KeyAlgorithm algorithm = KeyAlgorithm.of(rootCa.certificate().getPublicKey());
        Credential newServer = certificateIssuer.server(rootCa, algorithm, List.copyOf(dnsNames), List.copyOf(ipAddresses));
        try (var _ = PkiDirectoryLock.acquire(layout)) {
            storeServer(newServer);
            server = newServer;
        }
        log.info("Issued server certificate serial {} for {} {}", hex(newServer.certificate().getSerialNumber()), dnsNames, ipAddresses);
        return newServer;
    }

    /**
     * Issues a phone's client certificate and keeps its public part for lookup by MAC. A previous
     * certificate for the same MAC stays valid until it expires or is revoked by serial.
     */
    public synchronized IssuedDevice issueDevice(MacAddress mac, KeyAlgorithm algorithm) {
        requireInitialised();
        IssuedDevice issued = certificateIssuer.device(deviceCa, mac, algorithm);
        storeDeviceCertificate(mac, issued.certificate());
        log.info("Issued device certificate serial {} for {}", hex(issued.certificate().getSerialNumber()), mac);
        return issued;
    }

    /**
     * Issues a client certificate for the key in a device's PKCS#10 CSR, as at enrolment, where the
     * key never leaves the device. The CSR's signature must verify under its own key (proof that
     * the requester holds the private key); its key must be EC P-256, EC P-384 or RSA of at least
     * 2048 bits. Its subject and requested extensions are ignored, so a CSR cannot ask for another
     * name or for serverAuth: the certificate, and how it is kept for lookup and revocation by MAC,
     * are those of {@link #issueDevice}.
     *
     * @throws IllegalArgumentException if the text is not a PEM CSR, its signature does not verify
     *                                  or its key is not accepted; the message says which
     */
    /**
     * Checks a CSR as {@link #issueDeviceFromCsr} will, without issuing: lets a caller refuse a bad
     * request before it uses up something single-use (an activation code).
     *
     * @throws IllegalArgumentException with the reason, as {@link #issueDeviceFromCsr} would
     */
    public void checkCsr(String csrPem) {
        CertificationRequests.verifiedKey(csrPem);
    }

    public synchronized DeviceCertificate issueDeviceFromCsr(MacAddress mac, String csrPem) {
        requireInitialised();
        PublicKey deviceKey = CertificationRequests.verifiedKey(csrPem);
        DeviceCertificate issued = new DeviceCertificate(mac, certificateIssuer.deviceChain(deviceCa, mac, deviceKey));
        storeDeviceCertificate(mac, issued.certificate());
        log.info("Issued device certificate serial {} for {} from its CSR ({} key)",
                hex(issued.certificate().getSerialNumber()), mac, deviceKey.getAlgorithm());
        return issued;
    }

    /** The certificate most recently issued to this MAC, if any. */
    public synchronized Optional<X509Certificate> deviceCertificate(MacAddress mac) {
        Path file = layout.deviceCertificatePem(mac);
        return Files.exists(file) ? Optional.of(PemFiles.readCertificates(file).getFirst()) : Optional.empty();
    }

    /** Writes the device's key and chain as a PKCS#12 file (0600) for the phone to import. */
    public void exportPkcs12(IssuedDevice device, char[] password, Path out) {
        Pkcs12Files.write(out, device.mac().canonical(), device.credential(), password);
    }

    /**
     * Revokes the certificate most recently issued to this MAC and publishes a new CRL.
     *
     * @throws IllegalArgumentException if no certificate was issued to the MAC
     */
    public synchronized Revocation revoke(MacAddress mac, CRLReason reason) {
        requireInitialised();
        // Locked around the lookup too, so the certificate revoked is the one issued last.
        try (var _ = PkiDirectoryLock.acquire(layout)) {
            X509Certificate certificate = deviceCertificate(mac).orElseThrow(() -> new IllegalArgumentException(
                    "no device certificate for MAC " + mac + " in " + layout.devicesDirectory()));
            return revoke(certificate.getSerialNumber(), reason);
        }
    }

    /**
     * Revokes a device certificate by serial and publishes a new CRL. Revoking a serial twice keeps
     * the first revocation.
     */
    public synchronized Revocation revoke(BigInteger serial, CRLReason reason) {
        requireInitialised();
        Revocation revocation;
        try (var _ = PkiDirectoryLock.acquire(layout)) {
            List<Revocation> revocations = new ArrayList<>(revocationFile.read());
            Optional<Revocation> earlier = revocations.stream().filter(r -> r.serial().equals(serial)).findFirst();
            if (earlier.isPresent()) {
                return earlier.get();
            }
            // Backdated like the CRL's thisUpdate, so no entry postdates the list that announces it.
            Instant revokedAt = clock.instant().minus(CertificateIssuer.CLOCK_SKEW_ALLOWANCE).truncatedTo(ChronoUnit.SECONDS);
            revocation = new Revocation(serial, revokedAt, reason);
            revocations.add(revocation);
            revocationFile.write(revocations);
            crl = publishCrl(deviceCa, revocations);
        }
        log.info("Revoked device certificate serial {} ({})", hex(serial), reason);
        return revocation;
    }

    public synchronized List<Revocation> revocations() {
        requireInitialised();
        return revocationFile.read();
    }

    /**
     * The device CA's latest CRL, as also stored PEM-encoded in {@code device-ca.crl}. A newer one
     * that another process published (say {@code voxgate certs revoke}) is picked up here at the
     * cost of a stat per call; the file is re-read only when it has been replaced.
     */
    public synchronized X509CRL currentCrl() {
        requireInitialised();
        StoredCrlVersion stored = StoredCrlVersion.of(layout.deviceCaCrl());
        if (stored != null && !stored.equals(storedCrlSeen)) {
            X509CRL onDisk = PemFiles.readCrl(layout.deviceCaCrl());
            if (CrlIssuer.crlNumberOf(onDisk).compareTo(CrlIssuer.crlNumberOf(crl)) > 0) {
                crl = onDisk;
            }
            storedCrlSeen = stored;
        }
        return crl;
    }

    /**
     * Signs a fresh CRL with a new number and {@link #CRL_VALIDITY} to run. It lists every
     * revocation on disk, including those other processes made.
     */
    public synchronized X509CRL regenerateCrl() {
        requireInitialised();
        try (var _ = PkiDirectoryLock.acquire(layout)) {
            crl = publishCrl(deviceCa, revocationFile.read());
            return crl;
        }
    }

    public synchronized X509Certificate rootCaCertificate() {
        requireInitialised();
        return rootCa.certificate();
    }

    public synchronized X509Certificate deviceCaCertificate() {
        requireInitialised();
        return deviceCa.certificate();
    }

    /** The server key with its chain (server, root CA), ready for a TLS server context. */
    public synchronized Credential serverCredential() {
        requireInitialised();
        return server;
    }

    /** SHA-256 of the root CA certificate as {@code AB:CD:...}, for operators to compare on phones. */
    public synchronized String rootCaFingerprint() {
        requireInitialised();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(rootCa.certificate().getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot fingerprint the root CA", e);
        }
    }

    public Path directory() {
        return layout.directory();
    }

    private void load() {
        for (Path required : List.of(layout.deviceCaKeystore(), layout.serverKeystore())) {
            if (!Files.exists(required)) {
                throw new IllegalStateException("the PKI in " + layout.directory() + " is incomplete: " + required
                        + " is missing; restore it from a backup");
            }
        }
        Credential loadedRootCa = Pkcs12Files.read(layout.rootCaKeystore(), keystorePassword);
        Credential loadedDeviceCa = Pkcs12Files.read(layout.deviceCaKeystore(), keystorePassword);
        Credential loadedServer = Pkcs12Files.read(layout.serverKeystore(), keystorePassword);
        requireIssuedBy(loadedDeviceCa, loadedRootCa, layout.deviceCaKeystore());
        requireIssuedBy(loadedServer, loadedRootCa, layout.serverKeystore());
        if (Files.exists(layout.deviceCaCrl())) {
            crl = PemFiles.readCrl(layout.deviceCaCrl());
        } else {
            try (var _ = PkiDirectoryLock.acquire(layout)) {
                crl = publishCrl(loadedDeviceCa, revocationFile.read());
            }
        }
        rootCa = loadedRootCa;
        deviceCa = loadedDeviceCa;
        server = loadedServer;
    }

    /** Catches a directory assembled from two different PKIs before it hands out broken chains. */
    private void requireIssuedBy(Credential subject, Credential issuer, Path file) {
        try {
            subject.certificate().verify(issuer.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the PKI in " + layout.directory() + " is inconsistent: " + file
                    + " was not issued by the root CA in " + layout.rootCaKeystore(), e);
        }
    }

    private void storeDeviceCertificate(MacAddress mac, X509Certificate certificate) {
        try (var _ = PkiDirectoryLock.acquire(layout)) {
            deviceCertificate(mac).ifPresent(previous -> log.info(
                    "Device {} had certificate serial {}; it stays valid unless revoked", mac, hex(previous.getSerialNumber())));
            AtomicFileWriter.createDirectories(layout.devicesDirectory());
            PemFiles.writeCertificates(layout.deviceCertificatePem(mac), List.of(certificate));
        }
    }

    private void storeServer(Credential newServer) {
        Pkcs12Files.write(layout.serverKeystore(), SERVER_ALIAS, newServer, keystorePassword);
        PemFiles.writeCertificates(layout.serverChainPem(), newServer.chain());
    }

    /** Called with the directory locked. */
    private X509CRL publishCrl(Credential issuer, List<Revocation> revocations) {
        X509CRL next = crlIssuer.issue(issuer, revocations, nextCrlNumber());
        PemFiles.writeCrl(layout.deviceCaCrl(), next);
        return next;
    }

    /**
     * One more than the newer of the CRL in memory and the stored one, which another process may
     * have published since, or an init that crashed part-way left behind: RFC 5280 §5.2.3 wants
     * CRL numbers to keep increasing.
     */
    private BigInteger nextCrlNumber() {
        BigInteger newest = crl == null ? BigInteger.ZERO : CrlIssuer.crlNumberOf(crl);
        if (Files.exists(layout.deviceCaCrl())) {
            newest = newest.max(CrlIssuer.crlNumberOf(PemFiles.readCrl(layout.deviceCaCrl())));
        }
        return newest.add(BigInteger.ONE);
    }

    private void requireInitialised() {
        if (!isInitialised()) {
            throw new IllegalStateException("the PKI in " + layout.directory() + " is not initialised; call init first");
        }
    }

    private static String hex(BigInteger serial) {
        return serial.toString(16);
    }

    /**
     * Tells one stored CRL file from the next without reading it. Every write renames a new file
     * into place, so the file key (inode) changes even when two writes share a timestamp tick.
     */
    private record StoredCrlVersion(FileTime lastModified, Object fileKey) {
        /** Null if there is no stored CRL. */
        static StoredCrlVersion of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new StoredCrlVersion(attributes.lastModifiedTime(), attributes.fileKey());
            } catch (NoSuchFileException e) {
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the attributes of " + file, e);
            }
        }
    }
}
