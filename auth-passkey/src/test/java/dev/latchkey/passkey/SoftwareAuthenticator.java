package dev.latchkey.passkey;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.extension.authenticator.AuthenticationExtensionAuthenticatorOutput;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A passkey authenticator in software, for tests: an EC P-256 key made by the JDK, a "none"
 * attestation object and authenticator data encoded by webauthn4j's converters, and answers shaped
 * as a browser's {@code PublicKeyCredential.toJSON()}. Each answer can be bent (another origin, RP
 * ID, counter, flags) to play an attacker or a broken authenticator.
 */
public final class SoftwareAuthenticator {
  public static final byte UP = AuthenticatorData.BIT_UP;
  public static final byte UV = AuthenticatorData.BIT_UV;

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final ObjectConverter CONVERTER = new ObjectConverter();

  public final byte[] credentialId = new byte[16];
  private final KeyPair keys;
  public byte[] userHandle;
  public long counter;

  /** A new authenticator with a fresh key and credential id. */
  public SoftwareAuthenticator() {
    new SecureRandom().nextBytes(credentialId);
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      keys = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@return the credential id, base64url} */
  public String id() {
    return B64.encodeToString(credentialId);
  }

  /** {@return {@code json} parsed} */
  public static JsonNode parse(String json) {
    return CONVERTER.getJsonMapper().readTree(json);
  }

  /** What a ceremony's answer is made of; each part can be bent. */
  public static final class Answer {
    public String origin;
    public String rpId;
    public String type;
    public byte flags = (byte) (UP | UV);
    public Long counter;
    public boolean withUserHandle = true;

    /** An honest answer for {@code origin} and {@code rpId}. */
    public Answer(String origin, String rpId) {
      this.origin = origin;
      this.rpId = rpId;
    }
  }

  /** A registration answer to {@code optionsJson}. */
  public String register(String optionsJson, Answer a) {
    JsonNode options = parse(optionsJson);
    userHandle = B64D.decode(options.get("user").get("id").asString());
    String challenge = options.get("challenge").asString();
    byte[] clientData =
        clientData(a.type != null ? a.type : "webauthn.create", challenge, a.origin);
    long count = a.counter != null ? a.counter : counter;
    AttestedCredentialData attested =
        new AttestedCredentialData(
            AAGUID.ZERO,
            credentialId,
            EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256));
    AuthenticatorData<RegistrationExtensionAuthenticatorOutput> data =
        new AuthenticatorData<>(
            sha256(a.rpId.getBytes(StandardCharsets.UTF_8)),
            (byte) (a.flags | AuthenticatorData.BIT_AT),
            count,
            attested);
    byte[] attestation =
        new AttestationObjectConverter(CONVERTER)
            .convertToBytes(new AttestationObject(data, new NoneAttestationStatement()));
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("clientDataJSON", B64.encodeToString(clientData));
    response.put("attestationObject", B64.encodeToString(attestation));
    response.put("transports", new String[] {"internal"});
    return credential(response);
  }

  /** A login answer to {@code optionsJson}, signed with this authenticator's key. */
  public String assert_(String optionsJson, Answer a) {
    String challenge = parse(optionsJson).get("challenge").asString();
    byte[] clientData = clientData(a.type != null ? a.type : "webauthn.get", challenge, a.origin);
    long count = a.counter != null ? a.counter : ++counter;
    AuthenticatorData<AuthenticationExtensionAuthenticatorOutput> data =
        new AuthenticatorData<>(sha256(a.rpId.getBytes(StandardCharsets.UTF_8)), a.flags, count);
    byte[] authData = new AuthenticatorDataConverter(CONVERTER).convert(data);
    byte[] signature;
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(keys.getPrivate());
      s.update(authData);
      s.update(sha256(clientData));
      signature = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("clientDataJSON", B64.encodeToString(clientData));
    response.put("authenticatorData", B64.encodeToString(authData));
    response.put("signature", B64.encodeToString(signature));
    if (a.withUserHandle && userHandle != null) {
      response.put("userHandle", B64.encodeToString(userHandle));
    }
    return credential(response);
  }

  private String credential(Map<String, Object> response) {
    Map<String, Object> credential = new LinkedHashMap<>();
    credential.put("id", id());
    credential.put("rawId", id());
    credential.put("type", "public-key");
    credential.put("authenticatorAttachment", "platform");
    credential.put("response", response);
    credential.put("clientExtensionResults", Map.of());
    return CONVERTER.getJsonMapper().writeValueAsString(credential);
  }

  private static byte[] clientData(String type, String challenge, String origin) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("challenge", challenge);
    c.put("origin", origin);
    c.put("crossOrigin", false);
    return CONVERTER.getJsonMapper().writeValueAsString(c).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] sha256(byte[] in) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(in);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
