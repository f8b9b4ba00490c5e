package dev.latchkey.account;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals TOTP secrets with AES-256-GCM before they reach a store, and hashes recovery codes with
 * HMAC-SHA-256, both under subkeys of the application's keys. A store dump then yields neither a
 * secret that makes codes nor a hash that can be searched for the codes without the application
 * key, which the store never holds.
 *
 * <p>A sealed secret is {@code <key id>.<base64url(nonce | ciphertext | tag)>}, with the subject as
 * associated data: a sealed secret moved to another subject's record does not open. The key id
 * picks the key to open it with, so new enrollments use the current key while older ones still open
 * under a previous key. Thread-safe.
 */
final class SecretSeal {
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] SEAL_LABEL = ascii("latchkey totp secret seal v1");
  private static final byte[] CODES_LABEL = ascii("latchkey recovery code hash v1");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private record Subkeys(SecretKeySpec seal, SecretKeySpec codes) {}

  private final String currentId;
  private final Map<String, Subkeys> keys;

  /**
   * @param currentId the id of the key that seals new secrets
   * @param keys every key that may open a secret, by id, including {@code currentId}'s; each 32
   *     bytes, copied
   */
  SecretSeal(String currentId, Map<String, byte[]> keys) {
    this.currentId = Objects.requireNonNull(currentId, "currentId");
    Map<String, Subkeys> derived = new LinkedHashMap<>();
    keys.forEach((id, key) -> derived.put(checkId(id), derive(checkKey(id, key))));
    if (!derived.containsKey(currentId)) {
      throw new IllegalArgumentException("no key with the current key id: " + currentId);
    }
    this.keys = Map.copyOf(derived);
  }

  static String checkId(String keyId) {
    Objects.requireNonNull(keyId, "keyId");
    if (!KEY_ID.matcher(keyId).matches()) {
      throw new IllegalArgumentException(
          "keyId must be 1 to 32 characters of A-Z, a-z, 0-9, '_' or '-': " + keyId);
    }
    return keyId;
  }

  static byte[] checkKey(String keyId, byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "key " + keyId + " must be 32 bytes (256 bits), not " + key.length);
    }
    return key.clone();
  }

  /** {@return {@code plain} sealed under the current key, bound to {@code subject}} */
  String seal(String subject, byte[] plain) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE, keys.get(currentId).seal(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(ascii(subject));
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
      return currentId + "." + B64.encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * {@return the plaintext of {@code sealed}}
   *
   * @throws IllegalStateException when it was sealed under a key this seal lacks, for another
   *     subject, or was altered
   */
  byte[] open(String subject, String sealed) {
    Subkeys k = keysOf(sealed);
    byte[] in;
    try {
      in = B64D.decode(sealed.substring(sealed.indexOf('.') + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("sealed second-factor secret is not base64url");
    }
    if (in.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new IllegalStateException("sealed second-factor secret is too short");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE,
          k.seal(),
          new GCMParameterSpec(TAG_BITS, Arrays.copyOf(in, NONCE_BYTES)));
      cipher.updateAAD(ascii(subject));
      return cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalStateException("sealed second-factor secret does not open for its subject");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /**
   * {@return the keyed hash of a normalized recovery code of {@code subject}, under the key that
   * sealed {@code sealed}} The subject is hashed with the code, so a hash moved to another subject
   * matches nothing.
   */
  String codeHash(String subject, String sealed, String code) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(keysOf(sealed).codes());
      mac.update(ascii(subject));
      mac.update((byte) 0);
      return B64.encodeToString(mac.doFinal(ascii(code)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private Subkeys keysOf(String sealed) {
    int dot = sealed.indexOf('.');
    Subkeys k = dot > 0 ? keys.get(sealed.substring(0, dot)) : null;
    if (k == null) {
      // A missing key is a configuration error: refuse, never fall back to another key.
      throw new IllegalStateException("second-factor secret sealed under an unknown key id");
    }
    return k;
  }

  private static Subkeys derive(byte[] master) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(master, "HmacSHA256"));
      byte[] seal = mac.doFinal(SEAL_LABEL);
      byte[] codes = mac.doFinal(CODES_LABEL);
      Arrays.fill(master, (byte) 0);
      return new Subkeys(new SecretKeySpec(seal, "AES"), new SecretKeySpec(codes, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SecretSeal[current=" + currentId + ", keys=" + keys.keySet() + "]";
  }
}
