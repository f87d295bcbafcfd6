package io.voxgate.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.certs.DeviceCertificateVerifier;
import io.voxgate.certs.SwitchPki;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.enrolment.ActivationCodes;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.user.CredentialSeal;
import io.voxgate.config.user.UserDirectory;
import io.voxgate.provisioning.Pem;
import io.voxgate.provisioning.PhoneDefaults;
import io.voxgate.provisioning.ProvisioningServer;
import io.voxgate.provisioning.ProvisioningService;
import io.voxgate.provisioning.enrolment.EnrolmentService;
import io.voxgate.provisioning.template.VendorTemplates;
import io.voxgate.certs.DeviceCertificateVerifier;
import io.voxgate.server.settings.VoxgateSettings;

/** The provisioning listener with everything it needs, from the {@code provisioning.*} settings. */
final class ProvisioningStack implements AutoCloseable {

    private final ProvisioningServer server;
    private final ProvisioningServer enrolment;

    private ProvisioningStack(ProvisioningServer server, ProvisioningServer enrolment) {
        this.server = server;
        this.enrolment = enrolment;
    }

    /**
     * @param verifier the judge of phones' certificates, shared with SIP
     * @param sipPort  the SIP-over-TLS port phones are told to register to (the bound one: tests bind port 0)
     */
    static ProvisioningStack start(VoxgateSettings settings, SwitchPki pki, DeviceCertificateVerifier verifier, ConfigDatabase database,
                                   int sipPort, MeterRegistry metrics)
            throws Exception {
        VoxgateSettings.Provisioning p = settings.provisioning();
        TenantDirectory tenants = new TenantDirectory(database);
        AuditLog audit = new AuditLog(database);
        UserDirectory users = new UserDirectory(database, CredentialSeal.fromSecretsDirectory(settings.secretsDir()));
        String host = publicHost(settings);
        PhoneDefaults defaults = new PhoneDefaults(host, sipPort, "https://" + hostInUrl(host) + ":" + p.httpsPort() + "/",
                p.ntpServer(), ZoneId.of(p.timeZone()), p.digitMap(), Duration.ofMinutes(p.reprovisionIntervalMinutes()));
        ProvisioningService service = new ProvisioningService(tenants, new DeviceDirectory(database), users, audit,
                new VendorTemplates(p.templateDir().isEmpty() ? null : Path.of(p.templateDir())), defaults,
                Pem.certificate(pki.rootCaCertificate()),
                new ProvisioningService.RateLimits(p.requestsPerMinutePerAddress(), p.requestsPerMinutePerCertificate(),
                        Duration.ofMinutes(1)), metrics);
        ProvisioningServer server = ProvisioningServer.start(new InetSocketAddress(InetAddress.ofLiteral(p.listenAddress()),
                p.httpsPort()), pki.serverCredential(), verifier, service, audit, metrics);
        if (p.enrolmentPort() == 0) {
            return new ProvisioningStack(server, null);
        }
        try {
            // the URL phones get back names the port actually bound (tests bind port 0)
            String filesUrl = "https://" + hostInUrl(host) + ":" + server.address().getPort() + "/";
            EnrolmentService enrol = new EnrolmentService(new ActivationCodes(database), tenants, new DeviceDirectory(database), pki,
                    audit, filesUrl, ENROLMENTS_PER_MINUTE_PER_ADDRESS, metrics);
            InetSocketAddress enrolAddress = new InetSocketAddress(InetAddress.ofLiteral(p.listenAddress()), p.enrolmentPort());
            return new ProvisioningStack(server, ProvisioningServer.startEnrolment(enrolAddress, pki.serverCredential(), enrol));
        } catch (Exception e) {
            server.close();
            if (e.getMessage() != null && e.getMessage().contains("Address already in use")) {
                throw settings.error("provisioning.enrolment-port", "cannot listen on " + p.listenAddress() + ":" + p.enrolmentPort()
                        + " (Address already in use): is another process using it?");
            }
            throw e;
        }
    }

    /** Codes are 80 bits, so guessing is hopeless anyway; the limit keeps a script from trying. */
    private static final int ENROLMENTS_PER_MINUTE_PER_ADDRESS = 10;

    InetSocketAddress address() {
        return server.address();
    }

    /** The name phones are told to use: it must be one the server certificate carries. */
    static String publicHost(VoxgateSettings settings) {
        if (!settings.provisioning().publicHost().isEmpty()) {
            return settings.provisioning().publicHost();
        }
        return settings.pki().serverNames().isEmpty() ? settings.pki().serverIps().getFirst() : settings.pki().serverNames().getFirst();
    }

    private static String hostInUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** The enrolment listener's address; null when provisioning.enrolment-port is 0. */
    InetSocketAddress enrolmentAddress() {
        return enrolment == null ? null : enrolment.address();
    }

    @Override
    public void close() {
        if (enrolment != null) {
            enrolment.close();
        }
        server.close();
    }
}
