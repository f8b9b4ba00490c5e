package dev.latchkey.core.internal;

import dev.latchkey.core.spi.HashedId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens bound to a session, verified without storing anything: a token is a random nonce and
 * an HMAC-SHA256, under a secret key, of the nonce and the session's {@linkplain HashedId#hash()
 * stored hash}. Every node that shares the key verifies every node's tokens; a token taken from one
 * session is refused for any other, and a token dies with its session (also when the session id
 * rotates at login or a privilege change: render the form again).
 *
 * <p>Applications reach these tokens through {@code SessionManager.csrfToken} and {@code
 * SessionManager.checkCsrf}, which take the raw cookie value and also refuse a dead session.
 *
 * <p>Each {@link #issue} draws a fresh 128-bit nonce from {@link SecureRandom}, so tokens differ on
 * every page (which also defeats compression side channels such as BREACH); all of them stay valid
 * for the session. {@link #verify} compares in constant time and answers false, never throws, for
 * null, malformed or foreign tokens. A token is {@value #LENGTH} base64url characters and a dot:
 * safe in a header, a form field or a URL.
 *
 * <p>Immutable and safe for concurrent use. {@code toString()} never shows the key.
 */
public final class CsrfTokens {
  /** The least key length, in bytes (the HMAC-SHA256 output size). */
  public static final int MIN_KEY_BYTES = 32;

  /** The length of a token. */
  public static final int LENGTH = 22 + 1 + 43;

  private static final int NONCE_BYTES = 16;
  private static final int NONCE_CHARS = 22;
  private static final String ALGORITHM = "HmacSHA256";

  /** Domain separation: this key's MACs mean "CSRF token, version 1" and nothing else. */
  private static final byte[] CONTEXT = "latchkey-csrf-v1".getBytes(StandardCharsets.US_ASCII);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;

  private CsrfTokens(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
  }

  /**
   * Tokens under a configured key, shared by every node that must verify them. The array is copied.
   *
   * @param key the secret HMAC key, at least {@value #MIN_KEY_BYTES} bytes
   * @return tokens under that key
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if the key is shorter than {@value #MIN_KEY_BYTES} bytes
   */
  public static CsrfTokens withKey(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "CSRF key must be at least "
              + MIN_KEY_BYTES
              + " bytes: got "
              + key.length
              + " (generate one with SecureRandom)");
    }
    byte[] copy = key.clone();
    try {
      return new CsrfTokens(copy);
    } finally {
      Arrays.fill(copy, (byte) 0);
    }
  }

  /**
   * {@return tokens under a random key of this process}: they verify only here and only until it
   * restarts. For one node; several nodes need {@link #withKey}.
   */
  public static CsrfTokens withRandomKey() {
    byte[] key = new byte[MIN_KEY_BYTES];
    RANDOM.nextBytes(key);
    return withKey(key);
  }

  /**
   * {@return a fresh token for the session}, {@value #LENGTH} characters
   *
   * @param session the session's hashed id
   * @throws NullPointerException if {@code session} is null
   */
  public String issue(HashedId session) {
    Objects.requireNonNull(session, "session");
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    String encodedNonce = B64.encodeToString(nonce);
    return encodedNonce + '.' + mac(session, encodedNonce);
  }

  /**
   * {@return whether {@code token} was issued by this key for {@code session}}. False for a null,
   * malformed or foreign token; never throws for the token.
   *
   * @param session the session's hashed id
   * @param token the token the client sent, or {@code null}; attacker-controlled
   * @throws NullPointerException if {@code session} is null
   */
  public boolean verify(HashedId session, String token) {
    Objects.requireNonNull(session, "session");
    if (token == null || token.length() != LENGTH || token.charAt(NONCE_CHARS) != '.') {
      return false;
    }
    String encodedNonce = token.substring(0, NONCE_CHARS);
    String expected = mac(session, encodedNonce);
    // Comparing the encoded forms also refuses a non-canonical encoding of the same MAC.
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        token.substring(NONCE_CHARS + 1).getBytes(StandardCharsets.US_ASCII));
  }

  private String mac(HashedId session, String encodedNonce) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(CONTEXT);
      mac.update((byte) 0);
      mac.update(session.hash().getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(encodedNonce.getBytes(StandardCharsets.UTF_8));
      return B64.encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform must provide HmacSHA256", e);
    }
  }

  @Override
  public String toString() {
    return "CsrfTokens[key=<redacted>]";
  }
}
