package dev.latchkey.password;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A server-side secret mixed into every password before it is hashed, so that a copy of the
 * password store alone is not enough to test guesses. The password is replaced by {@code
 * base64(HMAC-SHA256(key, UTF-8(NFKC(password))))} (standard base64 without padding, 43 ASCII
 * characters) before the hash algorithm sees it, and the pepper's {@link #id()} is stored in front
 * of the hash ({@code $pepper$k=<id>$argon2id$...}) so that a rotation can tell old hashes from
 * new.
 *
 * <p>Keep the key out of the password store (an environment variable, a secret manager). Immutable
 * and safe for concurrent use; {@link #toString()} shows the id only.
 */
public final class Pepper {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  /** The shortest key accepted, in bytes. */
  public static final int MIN_KEY_BYTES = 32;

  private final String id;
  private final SecretKeySpec key;

  private Pepper(String id, byte[] key) {
    this.id = id;
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /**
   * A pepper.
   *
   * @param id the name stored with each hash, 1 to 32 of {@code A-Z a-z 0-9 _ -}
   * @param key the secret, at least {@value #MIN_KEY_BYTES} bytes from a secure random source;
   *     copied
   * @return the pepper
   * @throws IllegalArgumentException if the id is not of that shape or the key is too short
   * @throws NullPointerException if an argument is null
   */
  public static Pepper of(String id, byte[] key) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(key, "key");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("pepper id must be 1..32 of A-Z a-z 0-9 _ -: " + id);
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "pepper key must be at least " + MIN_KEY_BYTES + " bytes, is " + key.length);
    }
    byte[] copy = key.clone();
    try {
      return new Pepper(id, copy);
    } finally {
      Arrays.fill(copy, (byte) 0);
    }
  }

  /** {@return the name stored with each hash made under this pepper} */
  public String id() {
    return id;
  }

  static boolean validId(String id) {
    return ID.matcher(id).matches();
  }

  /** The peppered input: base64 of the HMAC of the password's UTF-8, as characters. */
  char[] apply(char[] password) {
    byte[] utf8 = Utf8.encode(password);
    byte[] mac = null;
    byte[] text = null;
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(key);
      mac = hmac.doFinal(utf8);
      text = Base64.getEncoder().withoutPadding().encode(mac);
      char[] out = new char[text.length];
      for (int i = 0; i < text.length; i++) {
        out[i] = (char) text[i];
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
    } finally {
      Arrays.fill(utf8, (byte) 0);
      if (mac != null) {
        Arrays.fill(mac, (byte) 0);
      }
      if (text != null) {
        Arrays.fill(text, (byte) 0);
      }
    }
  }

  @Override
  public String toString() {
    return "Pepper[id=" + id + "]";
  }
}
