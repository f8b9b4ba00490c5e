package dev.latchkey.password;

import dev.latchkey.core.PasswordHasher;
import java.nio.CharBuffer;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one {@link PasswordHasher} for a directory of mixed hashes: new hashes with the {@linkplain
 * Builder#algorithm current algorithm} (Argon2id by default) under the {@linkplain Builder#pepper
 * current pepper}, if any; verification of every supported format; {@link #needsRehash} true for
 * anything else, so {@link dev.latchkey.core.PasswordAuthenticator}'s {@code onRehash} moves each
 * account to the current algorithm, parameters and pepper at its next successful login.
 *
 * <pre>{@code
 * PasswordHashers hashers = PasswordHashers.builder()
 *     .pepper(Pepper.of("2026a", keyFromSecretManager))
 *     .previousPeppers(Pepper.of("2025b", previousKey))
 *     .build();                       // Argon2id m=19456 KiB t=2 p=1
 * }</pre>
 *
 * <p><b>Formats read</b> (dispatched by prefix; an optional {@code $pepper$k=<id>} in front of
 * any): {@code $argon2id$}, {@code $argon2i$}, {@code $argon2d$} (PHC strings as the reference
 * implementation writes them, {@code v=19} or {@code v=16} or none); {@code $scrypt$ln=,r=,p=} (PHC
 * standard base64 or passlib's adapted base64); {@code $pbkdf2-sha256$} with {@code i=<n>[,l=<n>]}
 * (PHC) or a bare iteration count (passlib, adapted base64); {@code $2a$}, {@code $2b$}, {@code
 * $2y$} bCrypt; {@code $bcrypt-sha384$2a$} (this library's pre-hashed bCrypt, see {@link
 * HashAlgorithm.Bcrypt}). A stored hash asking for more than 1 GiB of memory, 1,024 Argon2 passes
 * or 100,000,000 PBKDF2 iterations is unreadable. Formats not read: Django's {@code
 * pbkdf2_sha256$}, {@code $7$} (libsodium scrypt), {@code $y$} (yescrypt), PBKDF2 with SHA-1 or
 * SHA-512.
 *
 * <p><b>Normalisation.</b> New hashes are of the password's Unicode NFKC form, so that the same
 * passphrase typed on two keyboards (composed or decomposed accents, full-width letters) is the
 * same password. Hashes imported from other systems were usually made of the raw input, and a hash
 * string does not say which; so a password that is not already in NFKC is verified in both forms
 * (two hash runs, whatever the account), and either match counts. A password already in NFKC (every
 * ASCII one) costs one run. Normalising makes a {@link String} of a non-NFKC password, which cannot
 * be wiped; the NFKC copy in a {@code char[]} is.
 *
 * <p><b>Long passwords.</b> Every password of up to {@linkplain Builder#maxPasswordBytes the bound}
 * (default {@value #DEFAULT_MAX_PASSWORD_BYTES} UTF-8 bytes, before and after NFKC) is hashed and
 * verified in full by every algorithm: new bCrypt hashes through the pre-hash, never by truncation.
 * A plain {@code $2x$} hash verifies passwords of up to 72 bytes only (core's bCrypt refuses longer
 * rather than truncate). Longer than the bound: {@link #hash} throws, {@link #check} answers {@link
 * PasswordCheck#UNUSABLE_PASSWORD}.
 *
 * <p><b>Equal work.</b> An unreadable hash, an unknown pepper id and an unusable password are
 * refused as values ({@link #check}), after the same work as a wrong password against a hash of the
 * current algorithm: one run (two for a non-NFKC password) against a dummy hash made at build time,
 * as {@link dev.latchkey.core.PasswordAuthenticator} does for unknown users. A readable hash of
 * another algorithm or of other parameters is verified at its own cost, as it must be: until its
 * account logs in once and is rehashed, the time of a login tells the attacker who can measure it
 * which cost the stored hash has (bounded by the slowest and fastest hash in the directory), not
 * whether the password was right. Directories that must hide even that rehash offline (a forced
 * reset) or keep the current algorithm at least as slow as every legacy one.
 *
 * <p>Immutable and safe for concurrent use.
 */
public final class PasswordHashers implements PasswordHasher {
  /** The default bound on a password's length in UTF-8 bytes. */
  public static final int DEFAULT_MAX_PASSWORD_BYTES = 1024;

  private final HashAlgorithm algorithm;
  private final Pepper pepper;
  private final Map<String, Pepper> peppers;
  private final int maxPasswordBytes;
  private final PasswordHasher bcrypt;
  private final SecureRandom random = new SecureRandom();
  private final Kdf.Meter meter;
  private final StoredHash dummy;

  private PasswordHashers(Builder b) {
    this.algorithm = b.algorithm;
    this.pepper = b.pepper;
    Map<String, Pepper> all = new LinkedHashMap<>(b.peppers);
    if (b.pepper != null) {
      all.put(b.pepper.id(), b.pepper);
    }
    this.peppers = Map.copyOf(all);
    this.maxPasswordBytes = b.maxPasswordBytes;
    this.meter = b.meter;
    // bCrypt hashes are verified at their own cost; the current cost when bCrypt is current.
    this.bcrypt = PasswordHasher.bcrypt(algorithm instanceof HashAlgorithm.Bcrypt c ? c.cost() : 4);
    char[] secret = new char[32];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (char) ('a' + random.nextInt(26));
    }
    try {
      this.dummy = StoredHash.create(algorithm, secret, null, random, bcrypt);
    } finally {
      Arrays.fill(secret, '\0');
    }
  }

  /** {@return a builder: Argon2id at the OWASP minimum, no pepper, a 1,024-byte bound} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the algorithm and parameters of new hashes} */
  public HashAlgorithm algorithm() {
    return algorithm;
  }

  /** {@return the bound on a password's length, in UTF-8 bytes} */
  public int maxPasswordBytes() {
    return maxPasswordBytes;
  }

  /**
   * Whether {@link #hash} takes {@code password}: valid UTF-16, and at most {@link
   * #maxPasswordBytes()} UTF-8 bytes before and after NFKC.
   *
   * @param password the password; read, never kept or changed
   * @return whether it can be hashed
   * @throws NullPointerException if {@code password} is null
   */
  public boolean accepts(char[] password) {
    Forms forms = forms(Objects.requireNonNull(password, "password"));
    if (forms == null) {
      return false;
    }
    forms.wipe();
    return true;
  }

  /**
   * A new hash of the NFKC form of {@code password} with the current algorithm, a fresh 16-byte
   * salt from {@link SecureRandom}, under the current pepper if there is one.
   *
   * @throws IllegalArgumentException if {@link #accepts} is false for it (the message never holds
   *     the password), or it is empty and the algorithm is PBKDF2 (the JDK refuses it)
   * @throws NullPointerException if {@code password} is null
   */
  @Override
  public String hash(char[] password) {
    Forms forms = forms(Objects.requireNonNull(password, "password"));
    if (forms == null) {
      throw new IllegalArgumentException(
          "password is over " + maxPasswordBytes + " UTF-8 bytes or not valid UTF-16");
    }
    try {
      char[] input = pepper == null ? forms.nfkc : pepper.apply(forms.nfkc);
      try {
        return StoredHash.create(
                algorithm, input, pepper == null ? null : pepper.id(), random, bcrypt)
            .encode();
      } finally {
        if (input != forms.nfkc) {
          Arrays.fill(input, '\0');
        }
      }
    } finally {
      forms.wipe();
    }
  }

  /**
   * {@return whether {@code password} matches {@code storedHash}}: {@link #check} is {@link
   * PasswordCheck#MATCH}. Never throws for any stored hash; false for a null password.
   */
  @Override
  public boolean verify(char[] password, String storedHash) {
    return password != null && check(password, storedHash) == PasswordCheck.MATCH;
  }

  /**
   * Verifies {@code password} against {@code storedHash} (in any supported format), in constant
   * time, with the work described in the class documentation whatever the answer.
   *
   * @param password the password presented; read, never kept or changed
   * @param storedHash the stored hash; may be null or anything
   * @return the outcome, never null
   * @throws NullPointerException if {@code password} is null
   */
  public PasswordCheck check(char[] password, String storedHash) {
    Forms forms = forms(Objects.requireNonNull(password, "password"));
    if (forms == null) {
      char[] filler = {'x'};
      matchAll(dummy, null, new char[][] {filler});
      return PasswordCheck.UNUSABLE_PASSWORD;
    }
    try {
      StoredHash stored = StoredHash.parse(storedHash, bcrypt);
      if (stored == null) {
        matchAll(dummy, pepper, forms.all());
        return PasswordCheck.UNREADABLE_HASH;
      }
      Pepper used = null;
      if (stored.pepperId != null) {
        used = peppers.get(stored.pepperId);
        if (used == null) {
          matchAll(dummy, pepper, forms.all());
          return PasswordCheck.UNKNOWN_PEPPER;
        }
      }
      return matchAll(stored, used, forms.all()) ? PasswordCheck.MATCH : PasswordCheck.MISMATCH;
    } finally {
      forms.wipe();
    }
  }

  /** Every form is tried, without stopping at the first match, so the work is the same. */
  private boolean matchAll(StoredHash stored, Pepper with, char[][] inputs) {
    boolean any = false;
    for (char[] form : inputs) {
      char[] input = with == null ? form : with.apply(form);
      try {
        any |= stored.matches(input, meter);
      } finally {
        if (input != form) {
          Arrays.fill(input, '\0');
        }
      }
    }
    return any;
  }

  /**
   * True unless {@code storedHash} is of the current algorithm with parameters at least as strong
   * (for Argon2id: memory and passes at least, the same lanes, version 19; for bCrypt: the pre-hash
   * marker and the cost at least) and under the current pepper (or none when none is configured).
   */
  @Override
  public boolean needsRehash(String storedHash) {
    StoredHash stored = StoredHash.parse(storedHash, bcrypt);
    if (stored == null) {
      return true;
    }
    String currentId = pepper == null ? null : pepper.id();
    return !Objects.equals(stored.pepperId, currentId) || !stored.satisfies(algorithm);
  }

  @Override
  public String toString() {
    return "PasswordHashers[algorithm="
        + algorithm
        + ", pepper="
        + (pepper == null ? "none" : pepper.id())
        + ", peppers="
        + peppers.keySet()
        + "]";
  }

  /** The forms a password is tried in, or null when it is unusable. */
  private Forms forms(char[] password) {
    if (password.length > maxPasswordBytes) {
      return null;
    }
    int length = Utf8.length(password);
    if (length < 0 || length > maxPasswordBytes) {
      return null;
    }
    if (Normalizer.isNormalized(CharBuffer.wrap(password), Normalizer.Form.NFKC)) {
      return new Forms(password, null);
    }
    char[] nfkc =
        Normalizer.normalize(CharBuffer.wrap(password), Normalizer.Form.NFKC).toCharArray();
    int nfkcLength = Utf8.length(nfkc);
    if (nfkcLength < 0 || nfkcLength > maxPasswordBytes) {
      Arrays.fill(nfkc, '\0');
      return null;
    }
    return new Forms(password, nfkc);
  }

  /** The NFKC form (the caller's array when it is already NFKC) and the raw one when it differs. */
  private static final class Forms {
    final char[] nfkc;
    private final char[] raw;
    private final boolean copied;

    Forms(char[] raw, char[] nfkc) {
      this.copied = nfkc != null;
      this.nfkc = nfkc != null ? nfkc : raw;
      this.raw = raw;
    }

    char[][] all() {
      return copied ? new char[][] {nfkc, raw} : new char[][] {nfkc};
    }

    void wipe() {
      if (copied) {
        Arrays.fill(nfkc, '\0');
      }
    }
  }

  /** Configures {@link PasswordHashers}; not safe for concurrent use. */
  public static final class Builder {
    private HashAlgorithm algorithm = HashAlgorithm.argon2id();
    private Pepper pepper;
    private final Map<String, Pepper> peppers = new LinkedHashMap<>();
    private int maxPasswordBytes = DEFAULT_MAX_PASSWORD_BYTES;
    private Kdf.Meter meter = Kdf.Meter.NONE;

    private Builder() {}

    /**
     * The algorithm and parameters of new hashes. Default: {@link HashAlgorithm#argon2id()}.
     *
     * @param algorithm the algorithm new hashes and rehashes are made with
     * @return this builder
     * @throws NullPointerException if {@code algorithm} is null
     */
    public Builder algorithm(HashAlgorithm algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
      return this;
    }

    /**
     * The pepper of new hashes; hashes under another id are rehashed to it at their next login.
     * Default: none.
     *
     * @param pepper the current pepper
     * @return this builder
     * @throws NullPointerException if {@code pepper} is null
     */
    public Builder pepper(Pepper pepper) {
      this.pepper = Objects.requireNonNull(pepper, "pepper");
      return this;
    }

    /**
     * Peppers that still verify the hashes made under them, until those accounts log in and are
     * rehashed. A hash under an id that is neither current nor here is refused as {@link
     * PasswordCheck#UNKNOWN_PEPPER}.
     *
     * @param previous the former peppers
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder previousPeppers(Pepper... previous) {
      for (Pepper p : previous) {
        Pepper old = Objects.requireNonNull(p, "pepper");
        this.peppers.put(old.id(), old);
      }
      return this;
    }

    /**
     * The longest password accepted, in UTF-8 bytes. Default {@value #DEFAULT_MAX_PASSWORD_BYTES}.
     *
     * @param bytes 64..65536
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxPasswordBytes(int bytes) {
      if (bytes < 64 || bytes > 65_536) {
        throw new IllegalArgumentException("maxPasswordBytes must be 64..65536: " + bytes);
      }
      this.maxPasswordBytes = bytes;
      return this;
    }

    /** Told of every key derivation run; for tests that count the work. */
    Builder meter(Kdf.Meter meter) {
      this.meter = Objects.requireNonNull(meter, "meter");
      return this;
    }

    /**
     * {@return the hasher} Computes one hash (the dummy for unreadable hashes), as long as a login.
     *
     * @throws IllegalArgumentException if a previous pepper has the current pepper's id
     */
    public PasswordHashers build() {
      if (pepper != null) {
        Pepper same = peppers.get(pepper.id());
        if (same != null && same != pepper) {
          throw new IllegalArgumentException(
              "a previous pepper has the current pepper's id: " + pepper.id());
        }
      }
      return new PasswordHashers(this);
    }
  }
}
