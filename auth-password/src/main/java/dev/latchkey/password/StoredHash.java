package dev.latchkey.password;

import dev.latchkey.core.PasswordHasher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.Argon2Parameters;

// Past 450 lines for a reason: one parser and encoder per stored format (Argon2, scrypt, PBKDF2,
// bCrypt), each a small nested class beside the prefix dispatch they share, so that every format's
// reading and writing rules sit side by side and can be compared.
/**
 * A stored hash read into its parts: the pepper id it was made under (if any) and the hash of one
 * of the supported formats. {@link #parse} answers {@code null} for anything else, never throws;
 * the bounds it checks keep a planted hash from asking for unbounded memory or time.
 */
abstract class StoredHash {
  static final int SALT_BYTES = 16;
  static final int KEY_BYTES = 32;
  private static final int MIN_SALT = 8;
  private static final int MAX_SALT = 64;
  private static final int MIN_KEY = 16;
  private static final int MAX_KEY = 64;

  /** Argon2 memory and scrypt's 128·r·N read from a stored hash: at most 1 GiB. */
  static final long MAX_MEMORY_BYTES = 1L << 30;

  private static final String PEPPER = "$pepper$k=";
  private static final String BCRYPT_SHA384 = "$bcrypt-sha384";

  /** The pepper id in front of the hash, or null. */
  final String pepperId;

  StoredHash(String pepperId) {
    this.pepperId = pepperId;
  }

  /** Whether {@code input} (the password, peppered if the hash is) matches; constant-time. */
  abstract boolean matches(char[] input, Kdf.Meter meter);

  /** Whether this hash is of {@code current}'s algorithm with parameters at least as strong. */
  abstract boolean satisfies(HashAlgorithm current);

  /** The stored string. */
  abstract String encode();

  /** A new hash of {@code input} with {@code algorithm}, under {@code pepperId} (or none). */
  static StoredHash create(
      HashAlgorithm algorithm,
      char[] input,
      String pepperId,
      SecureRandom random,
      PasswordHasher bcrypt) {
    if (algorithm instanceof HashAlgorithm.Bcrypt) {
      char[] key = BcryptHash.preHash(input);
      try {
        return BcryptHash.read(pepperId, true, bcrypt.hash(key), bcrypt);
      } finally {
        Arrays.fill(key, '\0');
      }
    }
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    if (algorithm instanceof HashAlgorithm.Argon2id a) {
      Argon2Hash h =
          new Argon2Hash(
              pepperId,
              Argon2Parameters.ARGON2_id,
              Argon2Parameters.ARGON2_VERSION_13,
              a.memoryKib(),
              a.iterations(),
              a.parallelism(),
              salt,
              null);
      return h.withKey(h.derive(input, KEY_BYTES));
    }
    if (algorithm instanceof HashAlgorithm.Scrypt s) {
      ScryptHash h =
          new ScryptHash(pepperId, s.log2N(), s.blockSize(), s.parallelism(), salt, null);
      return h.withKey(h.derive(input, KEY_BYTES));
    }
    HashAlgorithm.Pbkdf2Sha256 p = (HashAlgorithm.Pbkdf2Sha256) algorithm;
    Pbkdf2Hash h = new Pbkdf2Hash(pepperId, p.iterations(), salt, null);
    byte[] key = h.derive(input, KEY_BYTES);
    if (key == null) {
      throw new IllegalArgumentException("PBKDF2 cannot hash an empty password");
    }
    return h.withKey(key);
  }

  /** Reads {@code stored}, or answers null when it is none of the supported formats. */
  static StoredHash parse(String stored, PasswordHasher bcrypt) {
    if (stored == null || stored.length() > 512) {
      return null;
    }
    String pepperId = null;
    String rest = stored;
    if (rest.startsWith(PEPPER)) {
      int end = rest.indexOf('$', PEPPER.length());
      if (end < 0) {
        return null;
      }
      pepperId = rest.substring(PEPPER.length(), end);
      if (!Pepper.validId(pepperId)) {
        return null;
      }
      rest = rest.substring(end);
    }
    try {
      if (rest.startsWith("$argon2")) {
        return Argon2Hash.read(pepperId, rest);
      }
      if (rest.startsWith("$scrypt$")) {
        return ScryptHash.read(pepperId, rest);
      }
      if (rest.startsWith("$pbkdf2-sha256$")) {
        return Pbkdf2Hash.read(pepperId, rest);
      }
      if (rest.startsWith(BCRYPT_SHA384 + "$")) {
        return BcryptHash.read(pepperId, true, rest.substring(BCRYPT_SHA384.length()), bcrypt);
      }
      if (rest.startsWith("$2")) {
        return BcryptHash.read(pepperId, false, rest, bcrypt);
      }
    } catch (IllegalArgumentException e) {
      // Malformed numbers or base64: unreadable, answered as a value by the caller.
      return null;
    }
    return null;
  }

  String prefix() {
    return pepperId == null ? "" : PEPPER + pepperId;
  }

  static boolean equalKeys(byte[] expected, byte[] actual) {
    return actual != null && MessageDigest.isEqual(expected, actual);
  }

  /** Standard base64 without padding, as the PHC format writes it. */
  static String b64(byte[] bytes) {
    return Base64.getEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Reads standard base64 without padding, or passlib's adapted form ({@code .} for {@code +}).
   * Padding and other characters are refused.
   */
  static byte[] unb64(String s, int min, int max) {
    if (s.indexOf('=') >= 0 || s.isEmpty()) {
      throw new IllegalArgumentException("bad base64");
    }
    byte[] bytes = Base64.getDecoder().decode(s.replace('.', '+'));
    if (bytes.length < min || bytes.length > max) {
      throw new IllegalArgumentException("bad length");
    }
    return bytes;
  }

  /** A positive decimal of at most 9 digits without a leading zero. */
  static int number(String s) {
    if (s.isEmpty() || s.length() > 9 || (s.length() > 1 && s.charAt(0) == '0')) {
      throw new IllegalArgumentException("bad number");
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        throw new IllegalArgumentException("bad number");
      }
    }
    return Integer.parseInt(s);
  }

  /** {@code name=value} of a PHC parameter, or an exception. */
  static int param(String field, String name) {
    if (!field.startsWith(name + "=")) {
      throw new IllegalArgumentException("expected " + name);
    }
    return number(field.substring(name.length() + 1));
  }

  /**
   * {@code $argon2{id,i,d}$v=19$m=..,t=..,p=..$salt$tag}, as the reference implementation writes.
   */
  static final class Argon2Hash extends StoredHash {
    final int type;
    final int version;
    final int memoryKib;
    final int iterations;
    final int parallelism;
    private final byte[] salt;
    private final byte[] key;

    Argon2Hash(
        String pepperId,
        int type,
        int version,
        int memoryKib,
        int iterations,
        int parallelism,
        byte[] salt,
        byte[] key) {
      super(pepperId);
      this.type = type;
      this.version = version;
      this.memoryKib = memoryKib;
      this.iterations = iterations;
      this.parallelism = parallelism;
      this.salt = salt;
      this.key = key;
    }

    static Argon2Hash read(String pepperId, String s) {
      String[] parts = s.split("\\$", -1);
      // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, tag (v= may be absent: version 0x10)
      int i = 1;
      int type =
          switch (parts[i++]) {
            case "argon2id" -> Argon2Parameters.ARGON2_id;
            case "argon2i" -> Argon2Parameters.ARGON2_i;
            case "argon2d" -> Argon2Parameters.ARGON2_d;
            default -> throw new IllegalArgumentException("variant");
          };
      int version = Argon2Parameters.ARGON2_VERSION_10;
      if (parts.length == 6) {
        int v = param(parts[i++], "v");
        if (v != 19 && v != 16) {
          throw new IllegalArgumentException("version");
        }
        version = v == 19 ? Argon2Parameters.ARGON2_VERSION_13 : Argon2Parameters.ARGON2_VERSION_10;
      } else if (parts.length != 5) {
        throw new IllegalArgumentException("fields");
      }
      String[] params = parts[i++].split(",", -1);
      if (params.length != 3) {
        throw new IllegalArgumentException("params");
      }
      int m = param(params[0], "m");
      int t = param(params[1], "t");
      int p = param(params[2], "p");
      if (p < 1 || p > 64 || m < 8 * p || (long) m * 1024 > MAX_MEMORY_BYTES || t < 1 || t > 1024) {
        throw new IllegalArgumentException("range");
      }
      byte[] salt = unb64(parts[i++], MIN_SALT, MAX_SALT);
      byte[] key = unb64(parts[i], MIN_KEY, MAX_KEY);
      return new Argon2Hash(pepperId, type, version, m, t, p, salt, key);
    }

    Argon2Hash withKey(byte[] key) {
      return new Argon2Hash(pepperId, type, version, memoryKib, iterations, parallelism, salt, key);
    }

    byte[] derive(char[] input, int length) {
      byte[] password = Utf8.encode(input);
      try {
        return Kdf.argon2(
            type, version, password, salt, null, null, memoryKib, iterations, parallelism, length);
      } finally {
        Arrays.fill(password, (byte) 0);
      }
    }

    @Override
    boolean matches(char[] input, Kdf.Meter meter) {
      meter.ran("argon2");
      return equalKeys(key, derive(input, key.length));
    }

    @Override
    boolean satisfies(HashAlgorithm current) {
      return current instanceof HashAlgorithm.Argon2id a
          && type == Argon2Parameters.ARGON2_id
          && version == Argon2Parameters.ARGON2_VERSION_13
          && memoryKib >= a.memoryKib()
          && iterations >= a.iterations()
          && parallelism == a.parallelism()
          && salt.length >= SALT_BYTES
          && key.length >= KEY_BYTES;
    }

    @Override
    String encode() {
      String name =
          type == Argon2Parameters.ARGON2_id
              ? "argon2id"
              : type == Argon2Parameters.ARGON2_i ? "argon2i" : "argon2d";
      return prefix()
          + "$"
          + name
          + "$v="
          + (version == Argon2Parameters.ARGON2_VERSION_13 ? 19 : 16)
          + "$m="
          + memoryKib
          + ",t="
          + iterations
          + ",p="
          + parallelism
          + "$"
          + b64(salt)
          + "$"
          + b64(key);
    }
  }

  /** {@code $scrypt$ln=..,r=..,p=..$salt$key}, PHC or passlib base64. */
  static final class ScryptHash extends StoredHash {
    final int log2N;
    final int blockSize;
    final int parallelism;
    private final byte[] salt;
    private final byte[] key;

    ScryptHash(
        String pepperId, int log2N, int blockSize, int parallelism, byte[] salt, byte[] key) {
      super(pepperId);
      this.log2N = log2N;
      this.blockSize = blockSize;
      this.parallelism = parallelism;
      this.salt = salt;
      this.key = key;
    }

    static ScryptHash read(String pepperId, String s) {
      String[] parts = s.split("\\$", -1);
      if (parts.length != 5) {
        throw new IllegalArgumentException("fields");
      }
      String[] params = parts[2].split(",", -1);
      if (params.length != 3) {
        throw new IllegalArgumentException("params");
      }
      int ln = param(params[0], "ln");
      int r = param(params[1], "r");
      int p = param(params[2], "p");
      if (ln < 1
          || ln > 24
          || r < 1
          || r > 64
          || p < 1
          || p > 64
          || 128L * r * (1L << ln) > MAX_MEMORY_BYTES) {
        throw new IllegalArgumentException("range");
      }
      return new ScryptHash(
          pepperId,
          ln,
          r,
          p,
          unb64(parts[3], MIN_SALT, MAX_SALT),
          unb64(parts[4], MIN_KEY, MAX_KEY));
    }

    ScryptHash withKey(byte[] key) {
      return new ScryptHash(pepperId, log2N, blockSize, parallelism, salt, key);
    }

    byte[] derive(char[] input, int length) {
      byte[] password = Utf8.encode(input);
      try {
        return Kdf.scrypt(password, salt, log2N, blockSize, parallelism, length);
      } finally {
        Arrays.fill(password, (byte) 0);
      }
    }

    @Override
    boolean matches(char[] input, Kdf.Meter meter) {
      meter.ran("scrypt");
      return equalKeys(key, derive(input, key.length));
    }

    @Override
    boolean satisfies(HashAlgorithm current) {
      return current instanceof HashAlgorithm.Scrypt c
          && log2N >= c.log2N()
          && blockSize >= c.blockSize()
          && parallelism >= c.parallelism()
          && salt.length >= SALT_BYTES
          && key.length >= KEY_BYTES;
    }

    @Override
    String encode() {
      return prefix()
          + "$scrypt$ln="
          + log2N
          + ",r="
          + blockSize
          + ",p="
          + parallelism
          + "$"
          + b64(salt)
          + "$"
          + b64(key);
    }
  }

  /**
   * {@code $pbkdf2-sha256$i=<n>[,l=<len>]$salt$key} (PHC, standard base64) or passlib's {@code
   * $pbkdf2-sha256$<n>$salt$key} (adapted base64).
   */
  static final class Pbkdf2Hash extends StoredHash {
    final int iterations;
    private final byte[] salt;
    private final byte[] key;

    Pbkdf2Hash(String pepperId, int iterations, byte[] salt, byte[] key) {
      super(pepperId);
      this.iterations = iterations;
      this.salt = salt;
      this.key = key;
    }

    static Pbkdf2Hash read(String pepperId, String s) {
      String[] parts = s.split("\\$", -1);
      if (parts.length != 5) {
        throw new IllegalArgumentException("fields");
      }
      int iterations;
      int length = -1;
      if (parts[2].startsWith("i=")) {
        String[] params = parts[2].split(",", -1);
        if (params.length > 2) {
          throw new IllegalArgumentException("params");
        }
        iterations = param(params[0], "i");
        if (params.length == 2) {
          length = param(params[1], "l");
        }
      } else {
        iterations = number(parts[2]);
      }
      if (iterations < 1 || iterations > 100_000_000) {
        throw new IllegalArgumentException("range");
      }
      byte[] salt = unb64(parts[3], MIN_SALT, MAX_SALT);
      byte[] key = unb64(parts[4], MIN_KEY, MAX_KEY);
      if (length >= 0 && length != key.length) {
        throw new IllegalArgumentException("length");
      }
      return new Pbkdf2Hash(pepperId, iterations, salt, key);
    }

    Pbkdf2Hash withKey(byte[] key) {
      return new Pbkdf2Hash(pepperId, iterations, salt, key);
    }

    byte[] derive(char[] input, int length) {
      return Kdf.pbkdf2Sha256(input, salt, iterations, length);
    }

    @Override
    boolean matches(char[] input, Kdf.Meter meter) {
      meter.ran("pbkdf2");
      return equalKeys(key, derive(input, key.length));
    }

    @Override
    boolean satisfies(HashAlgorithm current) {
      return current instanceof HashAlgorithm.Pbkdf2Sha256 c
          && iterations >= c.iterations()
          && salt.length >= SALT_BYTES
          && key.length >= KEY_BYTES;
    }

    @Override
    String encode() {
      return prefix()
          + "$pbkdf2-sha256$i="
          + iterations
          + ",l="
          + key.length
          + "$"
          + b64(salt)
          + "$"
          + b64(key);
    }
  }

  /** A modular crypt bCrypt hash, plain or behind the {@code $bcrypt-sha384} pre-hash marker. */
  static final class BcryptHash extends StoredHash {
    private static final String ALPHABET =
        "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final byte[] PRE_HASH_KEY =
        "latchkey bcrypt pre-hash".getBytes(StandardCharsets.US_ASCII);

    final boolean preHashed;
    final int cost;
    private final String modularCrypt;
    private final PasswordHasher verifier;

    private BcryptHash(
        String pepperId,
        boolean preHashed,
        int cost,
        String modularCrypt,
        PasswordHasher verifier) {
      super(pepperId);
      this.verifier = verifier;
      this.preHashed = preHashed;
      this.cost = cost;
      this.modularCrypt = modularCrypt;
    }

    static BcryptHash read(String pepperId, boolean preHashed, String s, PasswordHasher verifier) {
      if (s.length() != 60
          || s.charAt(0) != '$'
          || s.charAt(1) != '2'
          || "aby".indexOf(s.charAt(2)) < 0
          || s.charAt(3) != '$'
          || s.charAt(6) != '$') {
        throw new IllegalArgumentException("shape");
      }
      int cost = number(s.substring(4, 6).replaceFirst("^0", ""));
      if (cost < 4 || cost > 30) {
        throw new IllegalArgumentException("cost");
      }
      for (int i = 7; i < 60; i++) {
        if (ALPHABET.indexOf(s.charAt(i)) < 0) {
          throw new IllegalArgumentException("alphabet");
        }
      }
      return new BcryptHash(pepperId, preHashed, cost, s, verifier);
    }

    /** base64(HMAC-SHA-384(fixed key, UTF-8(input))): 64 ASCII characters, within bCrypt's 72. */
    static char[] preHash(char[] input) {
      byte[] utf8 = Utf8.encode(input);
      byte[] mac = null;
      byte[] text = null;
      try {
        Mac hmac = Mac.getInstance("HmacSHA384");
        hmac.init(new SecretKeySpec(PRE_HASH_KEY, "HmacSHA384"));
        mac = hmac.doFinal(utf8);
        text = Base64.getEncoder().encode(mac);
        char[] out = new char[text.length];
        for (int i = 0; i < text.length; i++) {
          out[i] = (char) text[i];
        }
        return out;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA384 is required of every JDK", e);
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
    boolean matches(char[] input, Kdf.Meter meter) {
      meter.ran("bcrypt");
      if (!preHashed) {
        // Plain bCrypt reads at most 72 bytes; core's hasher refuses longer rather than truncate.
        return verifier.verify(input, modularCrypt);
      }
      char[] key = preHash(input);
      try {
        return verifier.verify(key, modularCrypt);
      } finally {
        Arrays.fill(key, '\0');
      }
    }

    @Override
    boolean satisfies(HashAlgorithm current) {
      return current instanceof HashAlgorithm.Bcrypt b && preHashed && cost >= b.cost();
    }

    @Override
    String encode() {
      return prefix() + (preHashed ? BCRYPT_SHA384 : "") + modularCrypt;
    }
  }
}
