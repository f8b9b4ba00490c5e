package dev.latchkey.password;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a new password may be set (at registration, change or reset), after NIST SP 800-63B-4
 * section 3.1.1.2: a minimum length ({@value #DEFAULT_MIN_LENGTH} when the password is the only
 * factor, {@value #DEFAULT_MIN_LENGTH_WITH_SECOND_FACTOR} when a second factor is required), a
 * maximum of at least 64, lengths in Unicode code points after NFKC; no composition rules (no "one
 * digit and one symbol"); a blocklist of common passwords; context words (the user name, the
 * service's name) the password must not contain; and, optionally, the breached-password corpus.
 *
 * <pre>{@code
 * PasswordPolicy policy = PasswordPolicy.builder()
 *     .contextWords("latchkey")
 *     .breachedPasswords(PwnedPasswords.builder(PwnedPasswords.API).build(), OnOutage.REFUSE)
 *     .build();
 * PolicyResult result = policy.check(password, "alice", false);
 * }</pre>
 *
 * <p>Every rule is checked and every broken one reported, so a form can show them all at once; the
 * breached check is asked only when the local rules pass (it costs a request, and a refused
 * password need not leave the machine even as a hash prefix).
 *
 * <p>The blocklist bundled by {@link Builder#build} holds the common passwords of at least 8
 * characters from SecLists ({@code common-passwords.txt}, MIT License); an application adds its own
 * with {@link Builder#blocklist}. Immutable and safe for concurrent use.
 */
public final class PasswordPolicy {
  /** The minimum length for a password that is the only factor. */
  public static final int DEFAULT_MIN_LENGTH = 15;

  /** The minimum length where a second factor is required. */
  public static final int DEFAULT_MIN_LENGTH_WITH_SECOND_FACTOR = 8;

  /** The default maximum, in code points. */
  public static final int DEFAULT_MAX_LENGTH = 256;

  /** A user name or context word shorter than this is not looked for inside passwords. */
  static final int MIN_CONTEXT_LENGTH = 3;

  /** What to do when the breached-password corpus cannot answer. */
  public enum OnOutage {
    /** Refuse the password with {@link Rejection#UNAVAILABLE} (fail closed). */
    REFUSE,
    /** Accept it on the other rules (fail open). */
    ACCEPT
  }

  private static final Set<String> BUNDLED = load("common-passwords.txt");

  private final int minLength;
  private final int minLengthWithSecondFactor;
  private final int maxLength;
  private final int maxBytes;
  private final Set<String> blocklist;
  private final List<String> contextWords;
  private final BreachedPasswords breached;
  private final OnOutage onOutage;

  private PasswordPolicy(Builder b) {
    this.minLength = b.minLength;
    this.minLengthWithSecondFactor = b.minLengthWithSecondFactor;
    this.maxLength = b.maxLength;
    this.maxBytes = b.maxBytes;
    Set<String> all = new HashSet<>(BUNDLED);
    all.addAll(b.blocklist);
    this.blocklist = Set.copyOf(all);
    this.contextWords = List.copyOf(b.contextWords);
    this.breached = b.breached;
    this.onOutage = b.onOutage;
  }

  /** {@return a builder with the defaults above, the bundled blocklist and no breached check} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks a new password.
   *
   * @param password the new password; read, never kept or changed
   * @param username the account's login name (may be null when there is none yet)
   * @param secondFactorRequired whether the account must use a second factor, which lowers the
   *     minimum length
   * @return every rule broken; accepted when none
   * @throws NullPointerException if {@code password} is null
   */
  public PolicyResult check(char[] password, String username, boolean secondFactorRequired) {
    Objects.requireNonNull(password, "password");
    if (Utf8.length(password) < 0) {
      return new PolicyResult(List.of(Rejection.INVALID_CHARACTERS));
    }
    if (password.length > 4 * maxBytes) {
      return new PolicyResult(List.of(Rejection.TOO_LONG));
    }
    // The folded copy is a String (Normalizer makes one); it is the price of NFKC.
    String nfkc = Normalizer.normalize(CharBuffer.wrap(password), Normalizer.Form.NFKC);
    EnumSet<Rejection> out = EnumSet.noneOf(Rejection.class);
    int length = nfkc.codePointCount(0, nfkc.length());
    int min = secondFactorRequired ? minLengthWithSecondFactor : minLength;
    if (length < min) {
      out.add(Rejection.TOO_SHORT);
    }
    char[] asChars = nfkc.toCharArray();
    int bytes = Utf8.length(asChars);
    Arrays.fill(asChars, '\0');
    if (length > maxLength || bytes > maxBytes) {
      out.add(Rejection.TOO_LONG);
    }
    String folded = fold(nfkc);
    if (blocklist.contains(folded)) {
      out.add(Rejection.COMMON);
    }
    if (username != null) {
      String name = fold(Normalizer.normalize(username, Normalizer.Form.NFKC));
      if (name.length() >= MIN_CONTEXT_LENGTH && folded.contains(name)) {
        out.add(Rejection.CONTAINS_USERNAME);
      }
    }
    for (String word : contextWords) {
      if (folded.contains(word)) {
        out.add(Rejection.CONTAINS_CONTEXT);
        break;
      }
    }
    if (out.isEmpty() && breached != null) {
      char[] normalized = nfkc.toCharArray();
      BreachedPasswords.Exposure exposure;
      try {
        exposure = breached.check(normalized);
      } catch (RuntimeException e) {
        exposure = BreachedPasswords.Exposure.UNKNOWN;
      } finally {
        Arrays.fill(normalized, '\0');
      }
      if (exposure == BreachedPasswords.Exposure.BREACHED) {
        out.add(Rejection.BREACHED);
      } else if (exposure == BreachedPasswords.Exposure.UNKNOWN && onOutage == OnOutage.REFUSE) {
        out.add(Rejection.UNAVAILABLE);
      }
    }
    return new PolicyResult(new ArrayList<>(out));
  }

  /** Case-folded the way login names are: upper then lower, in the root locale. */
  static String fold(String s) {
    return s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT).strip();
  }

  private static Set<String> load(String resource) {
    Set<String> out = new LinkedHashSet<>();
    try (InputStream in = PasswordPolicy.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(fold(Normalizer.normalize(line, Normalizer.Form.NFKC)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(out);
  }

  @Override
  public String toString() {
    return "PasswordPolicy[min="
        + minLength
        + ", minWithSecondFactor="
        + minLengthWithSecondFactor
        + ", max="
        + maxLength
        + ", blocklist="
        + blocklist.size()
        + ", breached="
        + (breached == null ? "none" : breached + " " + onOutage)
        + "]";
  }

  /** Configures a {@link PasswordPolicy}; not safe for concurrent use. */
  public static final class Builder {
    private int minLength = DEFAULT_MIN_LENGTH;
    private int minLengthWithSecondFactor = DEFAULT_MIN_LENGTH_WITH_SECOND_FACTOR;
    private int maxLength = DEFAULT_MAX_LENGTH;
    private int maxBytes = PasswordHashers.DEFAULT_MAX_PASSWORD_BYTES;
    private final Set<String> blocklist = new HashSet<>();
    private final List<String> contextWords = new ArrayList<>();
    private BreachedPasswords breached;
    private OnOutage onOutage = OnOutage.REFUSE;

    private Builder() {}

    /**
     * The minimum length, in code points, when the password is the only factor. Default {@value
     * #DEFAULT_MIN_LENGTH}.
     *
     * @param length 8 or more
     * @return this builder
     * @throws IllegalArgumentException if below 8 (NIST's floor for any password)
     */
    public Builder minLength(int length) {
      if (length < 8) {
        throw new IllegalArgumentException("minLength must be at least 8: " + length);
      }
      this.minLength = length;
      return this;
    }

    /**
     * The minimum length where a second factor is required. Default {@value
     * #DEFAULT_MIN_LENGTH_WITH_SECOND_FACTOR}.
     *
     * @param length 8 or more
     * @return this builder
     * @throws IllegalArgumentException if below 8
     */
    public Builder minLengthWithSecondFactor(int length) {
      if (length < 8) {
        throw new IllegalArgumentException(
            "minLengthWithSecondFactor must be at least 8: " + length);
      }
      this.minLengthWithSecondFactor = length;
      return this;
    }

    /**
     * The maximum length, in code points. Default {@value #DEFAULT_MAX_LENGTH}.
     *
     * @param length 64 or more
     * @return this builder
     * @throws IllegalArgumentException if below 64 (NIST requires at least 64 be allowed)
     */
    public Builder maxLength(int length) {
      if (length < 64) {
        throw new IllegalArgumentException("maxLength must be at least 64: " + length);
      }
      this.maxLength = length;
      return this;
    }

    /**
     * The hasher's bound in UTF-8 bytes, so that an accepted password can always be hashed. Default
     * {@value PasswordHashers#DEFAULT_MAX_PASSWORD_BYTES}; use {@link
     * PasswordHashers#maxPasswordBytes()}.
     *
     * @param bytes 64 or more
     * @return this builder
     * @throws IllegalArgumentException if below 64
     */
    public Builder maxBytes(int bytes) {
      if (bytes < 64) {
        throw new IllegalArgumentException("maxBytes must be at least 64: " + bytes);
      }
      this.maxBytes = bytes;
      return this;
    }

    /**
     * More passwords to refuse as {@link Rejection#COMMON}, beside the bundled list.
     *
     * @param passwords compared after NFKC, ignoring case
     * @return this builder
     * @throws NullPointerException if an element is null
     */
    public Builder blocklist(Set<String> passwords) {
      for (String p : passwords) {
        blocklist.add(fold(Normalizer.normalize(Objects.requireNonNull(p), Normalizer.Form.NFKC)));
      }
      return this;
    }

    /**
     * Words a password must not contain (the service's name, its domain), ignoring case; words
     * under 3 characters are ignored.
     *
     * @param words the words
     * @return this builder
     * @throws NullPointerException if an element is null
     */
    public Builder contextWords(String... words) {
      for (String w : words) {
        String folded = fold(Normalizer.normalize(Objects.requireNonNull(w), Normalizer.Form.NFKC));
        if (folded.length() >= MIN_CONTEXT_LENGTH) {
          contextWords.add(folded);
        }
      }
      return this;
    }

    /**
     * Asks {@code corpus} about every password that passes the other rules.
     *
     * @param corpus the breached-password corpus
     * @param onOutage whether a corpus that cannot answer refuses the password ({@link
     *     OnOutage#REFUSE}, {@link Rejection#UNAVAILABLE}) or not
     * @return this builder
     * @throws NullPointerException if an argument is null
     */
    public Builder breachedPasswords(BreachedPasswords corpus, OnOutage onOutage) {
      this.breached = Objects.requireNonNull(corpus, "corpus");
      this.onOutage = Objects.requireNonNull(onOutage, "onOutage");
      return this;
    }

    /** {@return the policy} */
    public PasswordPolicy build() {
      return new PasswordPolicy(this);
    }
  }
}
