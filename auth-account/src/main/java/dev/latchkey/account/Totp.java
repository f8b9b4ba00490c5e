package dev.latchkey.account;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238) over HOTP (RFC 4226), with T0 = 0: the parameters an
 * authenticator app is configured with, and the codes they give. The defaults most apps support are
 * {@link #DEFAULT}: HMAC-SHA-1, 6 digits, a 30-second step.
 *
 * <p>A value; its methods are pure functions of their arguments (the time is always passed in, so
 * callers read it from their own {@link java.time.Clock}). Thread-safe.
 *
 * @param algorithm the HMAC the codes are made with
 * @param digits how many decimal digits a code has: 6 or 8
 * @param period the length of one time step, whole seconds
 */
public record Totp(Algorithm algorithm, int digits, Duration period) {

  /** HMAC-SHA-1, 6 digits, 30 seconds: what every authenticator app accepts. */
  public static final Totp DEFAULT = new Totp(Algorithm.SHA1, 6, Duration.ofSeconds(30));

  /** The HMAC a code is computed with, and the secret length enrollment uses for it. */
  public enum Algorithm {
    /** HMAC-SHA-1 with a 160-bit secret: the default of RFC 6238 and of every app. */
    SHA1("HmacSHA1", 20),
    /** HMAC-SHA-256 with a 256-bit secret. */
    SHA256("HmacSHA256", 32),
    /** HMAC-SHA-512 with a 512-bit secret; fewer apps support it. */
    SHA512("HmacSHA512", 64);

    private final String jcaName;
    private final int secretBytes;

    Algorithm(String jcaName, int secretBytes) {
      this.jcaName = jcaName;
      this.secretBytes = secretBytes;
    }

    /** {@return the secret length, in bytes, that enrollment generates for this algorithm} */
    public int secretBytes() {
      return secretBytes;
    }

    String jcaName() {
      return jcaName;
    }
  }

  private static final int[] POWERS = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000
  };

  /**
   * Checks the parameters.
   *
   * @param algorithm the HMAC
   * @param digits 6 or 8
   * @param period a positive number of whole seconds
   * @throws NullPointerException when {@code algorithm} or {@code period} is null
   * @throws IllegalArgumentException when {@code digits} is not 6 or 8, or {@code period} is not a
   *     positive number of whole seconds
   */
  public Totp {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(period, "period");
    if (digits != 6 && digits != 8) {
      throw new IllegalArgumentException("digits must be 6 or 8: " + digits);
    }
    if (period.isNegative() || period.isZero() || period.toNanosPart() != 0) {
      throw new IllegalArgumentException("period must be a positive number of seconds: " + period);
    }
  }

  /**
   * {@return the time step {@code at} falls in: whole periods since the Unix epoch}
   *
   * @param at the time, at or after the epoch
   * @throws IllegalArgumentException when {@code at} is before the epoch
   */
  public long step(Instant at) {
    long seconds = Objects.requireNonNull(at, "at").getEpochSecond();
    if (seconds < 0) {
      throw new IllegalArgumentException("time before the epoch: " + at);
    }
    return seconds / period.toSeconds();
  }

  /**
   * {@return the code for time {@code at}: {@code hotp(secret, step(at))}}
   *
   * @param secret the shared secret
   * @param at the time
   * @throws IllegalArgumentException when {@code secret} is empty or {@code at} is before the epoch
   */
  public String code(byte[] secret, Instant at) {
    return hotp(secret, step(at));
  }

  /**
   * {@return the code for time {@code at} from a base32 secret, as an authenticator app shows it}
   *
   * @param base32Secret the shared secret in base32 (RFC 4648), as in an {@code otpauth} URI
   * @param at the time
   * @throws IllegalArgumentException when the secret is not base32 or empty, or {@code at} is
   *     before the epoch
   */
  public String code(String base32Secret, Instant at) {
    return code(Base32.decode(base32Secret), at);
  }

  /**
   * {@return the HOTP value (RFC 4226 section 5.3) for {@code counter}, zero-padded to {@link
   * #digits()}}
   *
   * @param secret the shared secret
   * @param counter the moving factor (for TOTP, the time step)
   * @throws IllegalArgumentException when {@code secret} is empty
   */
  public String hotp(byte[] secret, long counter) {
    if (Objects.requireNonNull(secret, "secret").length == 0) {
      throw new IllegalArgumentException("secret cannot be empty");
    }
    byte[] hash = mac(secret, counter);
    int offset = hash[hash.length - 1] & 0x0f;
    int binary =
        ((hash[offset] & 0x7f) << 24)
            | ((hash[offset + 1] & 0xff) << 16)
            | ((hash[offset + 2] & 0xff) << 8)
            | (hash[offset + 3] & 0xff);
    String code = Integer.toString(binary % POWERS[digits]);
    return "0".repeat(digits - code.length()) + code;
  }

  /**
   * {@return whether {@code code} is the code of {@code secret} at {@code step}} Compared in
   * constant time over the code's characters; a code of another length or with other characters is
   * simply false.
   *
   * @param secret the shared secret
   * @param step the time step
   * @param code what the user typed
   */
  public boolean matches(byte[] secret, long step, String code) {
    Objects.requireNonNull(code, "code");
    byte[] expected = hotp(secret, step).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, code.getBytes(StandardCharsets.US_ASCII));
  }

  private byte[] mac(byte[] secret, long counter) {
    try {
      Mac mac = Mac.getInstance(algorithm.jcaName());
      mac.init(new SecretKeySpec(secret, algorithm.jcaName()));
      return mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(counter).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform must provide " + algorithm.jcaName(), e);
    }
  }
}
