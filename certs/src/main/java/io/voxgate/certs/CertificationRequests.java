package io.voxgate.certs;

import java.io.IOException;
import java.io.StringReader;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Reads the one thing the switch takes from a device's PKCS#10 request (RFC 2986): its public key,
 * once the request's self-signature has proven the device holds the private key. Subject and
 * requested extensions are never read; the certificate profile decides those.
 *
 * <p>Requests arrive from devices not yet trusted, so every way they can be malformed ends in an
 * {@link IllegalArgumentException} saying what was wrong.
 */
final class CertificationRequests {
    /** Far above a CSR with a 16384-bit RSA key (about 6 KiB of PEM); refuses a flood before parsing. */
    static final int MAX_PEM_LENGTH = 16 * 1024;
    static final int MIN_RSA_BITS = 2048;

    private static final Set<ASN1ObjectIdentifier> ACCEPTED_CURVES = Set.of(SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1);
    // Older tools, Windows certreq among them, label CSRs "NEW CERTIFICATE REQUEST".
    private static final Set<String> PEM_TYPES = Set.of("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST");
    private static final String NOT_PKCS10 = "CSR is not valid PEM-encoded PKCS#10: ";
    private static final String ACCEPTED_KEYS = "accepted are EC P-256, EC P-384 and RSA of at least " + MIN_RSA_BITS + " bits";

    private CertificationRequests() {}

    /** The request's public key, after checking its type and size and the request's signature. */
    static PublicKey verifiedKey(String csrPem) {
        PKCS10CertificationRequest request = parse(csrPem);
        SubjectPublicKeyInfo keyInfo = request.getSubjectPublicKeyInfo();
        PublicKey key = acceptedKey(keyInfo);
        requireValidSignature(request, keyInfo);
        return key;
    }

    private static PKCS10CertificationRequest parse(String csrPem) {
        if (csrPem == null || csrPem.isBlank()) {
            throw new IllegalArgumentException("no CSR: expected a PEM 'CERTIFICATE REQUEST' block");
        }
        if (csrPem.length() > MAX_PEM_LENGTH) {
            throw new IllegalArgumentException("CSR is " + csrPem.length() + " characters long: at most " + MAX_PEM_LENGTH + " accepted");
        }
        PemObject block;
        try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
            block = parser.readPemObject();
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports bad Base64 with unchecked exceptions as well as IOExceptions.
            throw new IllegalArgumentException(NOT_PKCS10 + e.getMessage(), e);
        }
        if (block == null || !PEM_TYPES.contains(block.getType())) {
            throw new IllegalArgumentException(NOT_PKCS10 + "expected a 'CERTIFICATE REQUEST' block, found "
                    + (block == null ? "no PEM block" : "a '" + block.getType() + "' block"));
        }
        try {
            return new PKCS10CertificationRequest(block.getContent());
        } catch (IOException | RuntimeException e) {
            // and bad DER with several unchecked types
            throw new IllegalArgumentException(NOT_PKCS10 + e.getMessage(), e);
        }
    }

    private static PublicKey acceptedKey(SubjectPublicKeyInfo keyInfo) {
        ASN1ObjectIdentifier algorithm = keyInfo.getAlgorithm().getAlgorithm();
        if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            requireAcceptedCurve(keyInfo.getAlgorithm().getParameters());
            return toPublicKey(keyInfo);
        }
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            PublicKey key = toPublicKey(keyInfo);
            int bits = ((RSAPublicKey) key).getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new IllegalArgumentException("CSR key is RSA " + bits + ": at least " + MIN_RSA_BITS + " bits required");
            }
            return key;
        }
        throw new IllegalArgumentException("CSR key is " + keyTypeName(keyInfo) + ": " + ACCEPTED_KEYS);
    }

    /** The JDK's name for the key type (e.g. Ed25519), or its OID where the JDK has none. */
    private static String keyTypeName(SubjectPublicKeyInfo keyInfo) {
        try {
            return new JcaPEMKeyConverter().getPublicKey(keyInfo).getAlgorithm();
        } catch (IOException | RuntimeException e) {
            return "of algorithm " + keyInfo.getAlgorithm().getAlgorithm().getId();
        }
    }

    private static void requireAcceptedCurve(ASN1Encodable parameters) {
        if (parameters instanceof ASN1ObjectIdentifier curve) {
            if (ACCEPTED_CURVES.contains(curve)) {
                return;
            }
            String name = ECNamedCurveTable.getName(curve);
            throw new IllegalArgumentException("CSR key is EC on curve " + (name == null ? curve.getId() : name) + ": " + ACCEPTED_KEYS);
        }
        // RFC 5480 §2.1.1: explicit curve parameters MUST NOT be used; they could describe a weak curve.
        throw new IllegalArgumentException("CSR key is EC with explicit curve parameters: " + ACCEPTED_KEYS + ", as named curves");
    }

    private static PublicKey toPublicKey(SubjectPublicKeyInfo keyInfo) {
        try {
            return new JcaPEMKeyConverter().getPublicKey(keyInfo);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("CSR key cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** The self-signature is the proof of possession: only the private key's holder can make it. */
    private static void requireValidSignature(PKCS10CertificationRequest request, SubjectPublicKeyInfo keyInfo) {
        boolean valid;
        try {
            valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(keyInfo));
        } catch (OperatorCreationException e) {
            throw new IllegalArgumentException("CSR signature algorithm " + request.getSignatureAlgorithm().getAlgorithm().getId()
                    + " is not supported", e);
        } catch (PKCSException e) {
            // e.g. an ECDSA signature whose DER no longer parses after tampering
            valid = false;
        }
        if (!valid) {
            throw new IllegalArgumentException("CSR signature does not verify with the CSR's own key: the request was altered"
                    + " or not signed by the holder of the private key");
        }
    }
}
