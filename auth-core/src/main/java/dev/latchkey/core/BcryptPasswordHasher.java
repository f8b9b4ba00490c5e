package dev.latchkey.core;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.mindrot.jbcrypt.BCrypt;

/**
 * A {@link PasswordHasher} on bCrypt (jBCrypt 0.4).
 *
 * <p><b>Format.</b> {@link #hash} writes the 60-character modular crypt format {@code
 * $2a$<cost>$<22 salt chars><31 hash chars>}, readable by every bCrypt implementation. {@link
 * #verify} reads {@code $2a$}, {@code $2b$} and {@code $2y$} hashes alike: {@code $2b$} (OpenBSD)
 * and {@code $2y$} (crypt_blowfish) are the same algorithm as {@code $2a$} with bugs of other
 * implementations fixed (a password length counter that wrapped at 256 bytes; sign extension of
 * bytes over 0x7F). Neither bug exists here, and neither affects a password of at most 72 bytes
 * hashed by a correct implementation, so the three prefixes are computed identically. jBCrypt alone
 * refuses the last two; this class does not go through its string API (see below), so it does not.
 *
 * <p><b>The 72-byte limit.</b> bCrypt uses at most the first 72 bytes of a password. This class
 * never truncates silently: the password's UTF-8 encoding may be at most {@value
 * #MAX_PASSWORD_BYTES} bytes. {@link #hash} throws {@link IllegalArgumentException} for a longer
 * one (check first with {@link #isTooLong}); {@link #verify} answers {@code false} for it without
 * doing any bCrypt work, so a long password never matches a hash of its first 72 bytes. No
 * pre-hashing is done, so hashes stay interchangeable with other bCrypt implementations.
 *
 * <p><b>Secrets in memory.</b> The {@code char[]} is encoded to UTF-8 here, into an array that is
 * overwritten with zeros as soon as bCrypt has consumed it, and handed to jBCrypt's byte-level
 * {@code crypt_raw}; the password never becomes a {@link String}. The caller's array is neither
 * kept nor modified.
 *
 * <p><b>Cost.</b> Each step of cost doubles the work: on the reference machine cost 10 takes about
 * 64 ms and cost 12 about 256 ms. {@link #needsRehash} answers true for a hash of a lower cost than
 * configured, so raising the cost upgrades stored hashes at the next successful login.
 *
 * <p><b>Equal work.</b> {@link #verify} does the bCrypt work of one verification at the configured
 * cost for every stored hash up to that cost, so its time does not tell a current hash from a
 * legacy one, a disabled or unreadable one, or the dummy the password strategy uses for unknown
 * users: a hash of a lower cost {@code c} is verified at {@code c} and followed by dummy rounds at
 * costs {@code c, c+1, ..., cost-1}, which is {@code 2^c + 2^c + ... + 2^(cost-1) = 2^cost} rounds
 * in all (one more full verification at the configured cost would make the legacy path the slowest,
 * by up to half); a hash that cannot be read (a disabled marker such as {@code "!"}, a foreign
 * format) gets one dummy verification at the configured cost. A hash of a higher cost than
 * configured is verified at its own cost, as it must be. A password that cannot be verified at all
 * (over {@value #MAX_PASSWORD_BYTES} bytes) costs no work, for every account alike.
 *
 * <p>Immutable and safe for concurrent use.
 */
final class BcryptPasswordHasher implements PasswordHasher {
  /** The cost of {@link #create()}. */
  public static final int DEFAULT_COST = 12;

  /** The lowest cost bCrypt defines; use it in tests only. */
  public static final int MIN_COST = 4;

  /** The highest cost jBCrypt 0.4 computes (its round counter is a 32-bit int). */
  public static final int MAX_COST = 30;

  /** The longest password, in UTF-8 bytes, that bCrypt uses in full. */
  public static final int MAX_PASSWORD_BYTES = 72;

  private static final int SALT_BYTES = 16;
  private static final int HASH_LENGTH = 60;
  private static final int SALT_AND_HASH_START = 7;
  private static final int SALT_CHARS = 22;
  private static final int DIGEST_CHARS = 31;

  /** bCrypt outputs 23 of the 24 bytes it computes, for historical reasons. */
  private static final int DIGEST_BYTES = 23;

  /** "OrpheanBeholderScryDoubt", the text bCrypt encrypts 64 times. */
  private static final int[] MAGIC = {
    0x4f727068, 0x65616e42, 0x65686f6c, 0x64657253, 0x63727944, 0x6f756274
  };

  private static final String ALPHABET =
      "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** Written by {@link #padding} so that its work is never removed as dead code. */
  @SuppressWarnings("unused")
  private static volatile int sink;

  private final int cost;
  private final SecureRandom random;
  private final Eks eks;

  /** The salt of the dummy runs; any value will do, as their result is never compared. */
  private final byte[] paddingSalt = new byte[SALT_BYTES];

  /**
   * bCrypt's expensive key setup and encryption (jBCrypt's {@code crypt_raw}), {@code 2^cost}
   * rounds; tests substitute one that counts the work done.
   */
  @FunctionalInterface
  interface Eks {
    byte[] crypt(byte[] key, byte[] salt, int cost);
  }

  /** jBCrypt's implementation. */
  static final Eks JBCRYPT =
      (key, salt, cost) -> new BCrypt().crypt_raw(key, salt, cost, MAGIC.clone());

  private BcryptPasswordHasher(int cost, SecureRandom random, Eks eks) {
    this.cost = cost;
    this.random = random;
    this.eks = eks;
    random.nextBytes(paddingSalt);
  }

  /** A hasher at {@link #DEFAULT_COST}. */
  static BcryptPasswordHasher create() {
    return withCost(DEFAULT_COST);
  }

  /**
   * A hasher at {@code cost} (the base-2 logarithm of the rounds).
   *
   * @throws IllegalArgumentException if {@code cost} is outside {@value #MIN_COST}..{@value
   *     #MAX_COST}
   */
  static BcryptPasswordHasher withCost(int cost) {
    return withCost(cost, JBCRYPT);
  }

  /** A hasher at {@code cost} whose bCrypt runs go through {@code eks} (for tests). */
  static BcryptPasswordHasher withCost(int cost, Eks eks) {
    if (cost < MIN_COST || cost > MAX_COST) {
      throw new IllegalArgumentException(
          "bCrypt cost must be between "
              + MIN_COST
              + " and "
              + MAX_COST
              + ": "
              + cost
              + " (use at least 10 in production)");
    }
    return new BcryptPasswordHasher(cost, new SecureRandom(), Objects.requireNonNull(eks, "eks"));
  }

  /** The cost new hashes get. */
  public int cost() {
    return cost;
  }

  /**
   * Whether {@code password} is over bCrypt's limit of {@value #MAX_PASSWORD_BYTES} UTF-8 bytes (or
   * is not valid UTF-16, which cannot be encoded at all), so that {@link #hash} would refuse it.
   */
  public static boolean isTooLong(char[] password) {
    int length = Utf8.length(Objects.requireNonNull(password, "password"));
    return length < 0 || length > MAX_PASSWORD_BYTES;
  }

  /**
   * A new {@code $2a$} hash of {@code password} with a fresh 128-bit salt from {@link
   * SecureRandom}.
   *
   * @throws IllegalArgumentException if the password's UTF-8 encoding is over {@value
   *     #MAX_PASSWORD_BYTES} bytes, or it holds an unpaired surrogate (the message never contains
   *     the password)
   * @throws NullPointerException if {@code password} is null
   */
  @Override
  public String hash(char[] password) {
    int length = Utf8.length(Objects.requireNonNull(password, "password"));
    if (length < 0) {
      throw new IllegalArgumentException("password is not valid UTF-16 (unpaired surrogate)");
    }
    if (length > MAX_PASSWORD_BYTES) {
      throw new IllegalArgumentException(
          "password is "
              + length
              + " UTF-8 bytes; bCrypt uses at most "
              + MAX_PASSWORD_BYTES
              + " and this hasher refuses to truncate");
    }
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    String digest = digest(password, length, salt, cost);
    StringBuilder out = new StringBuilder(HASH_LENGTH);
    out.append("$2a$");
    if (cost < 10) {
      out.append('0');
    }
    out.append(cost).append('$');
    encode(salt, salt.length, out);
    out.append(digest);
    return out.toString();
  }

  /**
   * Whether {@code password} matches {@code storedHash}, compared in constant time. False, without
   * throwing, for a hash that is not a readable bCrypt hash ({@code $2a$}, {@code $2b$}, {@code
   * $2y$}, cost {@value #MIN_COST}..{@value #MAX_COST}) and for a password over {@value
   * #MAX_PASSWORD_BYTES} UTF-8 bytes. Does the work of one verification at the configured cost
   * whatever the stored hash, unless its cost is higher (see "Equal work" above).
   */
  @Override
  public boolean verify(char[] password, String storedHash) {
    if (password == null) {
      return false;
    }
    int length = Utf8.length(password);
    if (length < 0 || length > MAX_PASSWORD_BYTES) {
      return false;
    }
    int storedCost = costOf(storedHash);
    byte[] salt =
        storedCost < 0 ? null : decode(storedHash, SALT_AND_HASH_START, SALT_CHARS, SALT_BYTES);
    if (salt == null) {
      // A disabled or unreadable hash costs what a real one does.
      padding(password, length, cost, cost + 1);
      return false;
    }
    String expected = storedHash.substring(SALT_AND_HASH_START + SALT_CHARS);
    String actual = digest(password, length, salt, storedCost);
    padding(password, length, storedCost, cost);
    return MessageDigest.isEqual(ascii(expected), ascii(actual));
  }

  /**
   * Dummy bCrypt runs at each cost in {@code [from, to)}: after a verification at cost {@code from}
   * the total is {@code 2^to} rounds. Their result is kept where the JIT cannot prove it unused.
   */
  private void padding(char[] password, int length, int from, int to) {
    for (int c = from; c < to; c++) {
      sink ^= digest(password, length, paddingSalt, c).hashCode();
    }
  }

  /**
   * True when {@code storedHash} is of a lower cost than this hasher's, or is not a readable bCrypt
   * hash (so it should be replaced once the password is known to be right).
   */
  @Override
  public boolean needsRehash(String storedHash) {
    int storedCost = costOf(storedHash);
    return storedCost < 0 || storedCost < cost;
  }

  @Override
  public String toString() {
    return "BcryptPasswordHasher[cost=" + cost + "]";
  }

  /** The cost of a well-formed hash, or -1. */
  private static int costOf(String hash) {
    if (hash == null
        || hash.length() != HASH_LENGTH
        || hash.charAt(0) != '$'
        || hash.charAt(1) != '2'
        || "aby".indexOf(hash.charAt(2)) < 0
        || hash.charAt(3) != '$'
        || hash.charAt(6) != '$') {
      return -1;
    }
    char tens = hash.charAt(4);
    char ones = hash.charAt(5);
    if (tens < '0' || tens > '9' || ones < '0' || ones > '9') {
      return -1;
    }
    for (int i = SALT_AND_HASH_START; i < HASH_LENGTH; i++) {
      if (ALPHABET.indexOf(hash.charAt(i)) < 0) {
        return -1;
      }
    }
    int cost = (tens - '0') * 10 + (ones - '0');
    return cost < MIN_COST || cost > MAX_COST ? -1 : cost;
  }

  /** The 31-character encoded digest of a password whose UTF-8 length is {@code length}. */
  private String digest(char[] password, int length, byte[] salt, int cost) {
    // $2a$ hashes the password's bytes followed by a NUL; bCrypt cycles over at most 72 of them.
    byte[] key = new byte[length + 1];
    try {
      Utf8.encode(password, key);
      byte[] raw = eks.crypt(key, salt, cost);
      StringBuilder out = new StringBuilder(DIGEST_CHARS);
      encode(raw, DIGEST_BYTES, out);
      return out.toString();
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** bCrypt's base64: the standard bit order with its own alphabet and no padding. */
  private static void encode(byte[] data, int length, StringBuilder out) {
    int i = 0;
    while (i < length) {
      int b0 = data[i++] & 0xff;
      out.append(ALPHABET.charAt(b0 >>> 2));
      if (i >= length) {
        out.append(ALPHABET.charAt((b0 & 0x03) << 4));
        break;
      }
      int b1 = data[i++] & 0xff;
      out.append(ALPHABET.charAt(((b0 & 0x03) << 4) | (b1 >>> 4)));
      if (i >= length) {
        out.append(ALPHABET.charAt((b1 & 0x0f) << 2));
        break;
      }
      int b2 = data[i++] & 0xff;
      out.append(ALPHABET.charAt(((b1 & 0x0f) << 2) | (b2 >>> 6)));
      out.append(ALPHABET.charAt(b2 & 0x3f));
    }
  }

  /** Decodes {@code chars} characters of {@code s} from {@code start} into {@code bytes} bytes. */
  private static byte[] decode(String s, int start, int chars, int bytes) {
    byte[] out = new byte[bytes];
    int bits = 0;
    int buffer = 0;
    int n = 0;
    for (int i = start; i < start + chars && n < bytes; i++) {
      int v = ALPHABET.indexOf(s.charAt(i));
      if (v < 0) {
        return null;
      }
      buffer = (buffer << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (byte) (buffer >>> bits);
        buffer &= (1 << bits) - 1;
      }
    }
    return n == bytes ? out : null;
  }

  /** UTF-8 of a {@code char[]} without going through a String or an encoder's buffers. */
  static final class Utf8 {
    private Utf8() {}

    /** The UTF-8 length of {@code chars}, or -1 if they hold an unpaired surrogate. */
    static int length(char[] chars) {
      int length = 0;
      for (int i = 0; i < chars.length; i++) {
        char c = chars[i];
        if (c < 0x80) {
          length += 1;
        } else if (c < 0x800) {
          length += 2;
        } else if (Character.isHighSurrogate(c)) {
          if (i + 1 >= chars.length || !Character.isLowSurrogate(chars[i + 1])) {
            return -1;
          }
          i++;
          length += 4;
        } else if (Character.isLowSurrogate(c)) {
          return -1;
        } else {
          length += 3;
        }
      }
      return length;
    }

    /** Writes the UTF-8 of valid {@code chars} into the start of {@code out}. */
    static void encode(char[] chars, byte[] out) {
      int n = 0;
      for (int i = 0; i < chars.length; i++) {
        char c = chars[i];
        if (c < 0x80) {
          out[n++] = (byte) c;
        } else if (c < 0x800) {
          out[n++] = (byte) (0xc0 | (c >>> 6));
          out[n++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c)) {
          int cp = Character.toCodePoint(c, chars[++i]);
          out[n++] = (byte) (0xf0 | (cp >>> 18));
          out[n++] = (byte) (0x80 | ((cp >>> 12) & 0x3f));
          out[n++] = (byte) (0x80 | ((cp >>> 6) & 0x3f));
          out[n++] = (byte) (0x80 | (cp & 0x3f));
        } else {
          out[n++] = (byte) (0xe0 | (c >>> 12));
          out[n++] = (byte) (0x80 | ((c >>> 6) & 0x3f));
          out[n++] = (byte) (0x80 | (c & 0x3f));
        }
      }
    }
  }
}
