package dev.latchkey.account;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.Principal;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.spi.SecondFactorStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

// Past 450 lines for a reason: Builder, Outcome and Enrollment are public API as nested types, so
// they and their contracts live here. The work is done in parts of their own: Totp and Base32 (the
// codes), SecretSeal (sealing and keyed hashes), RecoveryCodes and FactorSecret (what is sealed).

/**
 * A TOTP second factor (RFC 6238) with recovery codes, one per subject: enrollment, activation by a
 * first correct code, verification, and removal.
 *
 * <pre>{@code
 * SecondFactors mfa = SecondFactors.builder(store, "Example", "k1", applicationKey).build();
 * Enrollment e = mfa.enroll("alice", "alice@example.com").value().orElseThrow(); // show e.otpauthUri()
 * List<String> codes = mfa.activate("alice", typedCode).value().orElseThrow();   // show once
 * AuthResult r = mfa.verify("alice", typedCodeOrRecoveryCode);
 * }</pre>
 *
 * <p><b>Secrets at rest.</b> The TOTP secret must be readable to check a code, so it cannot be a
 * one-way hash: this service seals it with AES-256-GCM under the application key given to the
 * builder (through a subkey, with the subject as associated data) before the store sees it. A store
 * dump yields no usable secret without that key. The key's id is stored with each secret: rotate by
 * building with a new current key and the old one as a {@linkplain Builder#previousKey previous
 * key}; factors enrolled before keep working.
 *
 * <p><b>Recovery codes</b> have 50 random bits, far fewer than a session id's 256: a plain SHA-256
 * of one could be found from a store dump by trying every code (2<sup>50</sup> hashes is days on
 * one GPU). They are stored as HMAC-SHA-256 under a subkey of the application key, with the subject
 * in the input, so a dump without the key allows no search at all; a slow hash (PBKDF2) would only
 * multiply that search's cost and every legitimate check's, where the key removes it.
 *
 * <p><b>No replay.</b> A time step once accepted for a subject is never accepted again, nor any
 * earlier one: the store advances the last accepted step atomically, so of two concurrent requests
 * with one valid code exactly one succeeds. A recovery code is consumed atomically too.
 *
 * <p><b>Throttled.</b> Every activation and verification reserves an attempt from a {@link
 * LoginThrottle} under the key {@code second-factor:<subject>} (by default in memory, with {@link
 * ThrottlePolicy#DEFAULT}: 5 wrong codes lock the subject's second factor for a minute and longer);
 * a locked subject is refused {@link AuthResult.Reason#LOCKED} with a retry time, without any code
 * being checked. A fleet passes a shared throttle (Redis).
 *
 * <p>Every refusal is an {@link AuthResult.Failure}; a store that cannot be reached makes it {@link
 * AuthResult.Reason#UNAVAILABLE}. Thread-safe.
 */
public final class SecondFactors {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String THROTTLE_PREFIX = "second-factor:";

  /** The principal attribute naming the factor a {@link #verify} success used. */
  public static final String METHOD_ATTRIBUTE = "amr";

  private final SecondFactorStore store;
  private final String issuer;
  private final SecretSeal seal;
  private final Clock clock;
  private final AuthListener listener;
  private final LoginThrottle throttle;
  private final Totp totp;
  private final int driftSteps;

  private SecondFactors(Builder b) {
    this.store = b.store;
    this.issuer = b.issuer;
    this.seal = new SecretSeal(b.keyId, b.keys);
    this.clock = b.clock;
    this.listener = b.listener;
    this.throttle = b.throttle != null ? b.throttle : LoginThrottle.inMemory(b.policy, b.clock);
    this.totp = b.totp;
    this.driftSteps = b.driftSteps;
  }

  /**
   * Starts a builder.
   *
   * @param store where factors are kept
   * @param issuer the application's name, shown by authenticator apps beside the account
   * @param keyId the id of {@code key}, stored with each secret it seals: 1 to 32 characters of
   *     {@code A-Z a-z 0-9 _ -}
   * @param key the application key, 32 bytes from a secure random source, kept outside the store
   *     (copied)
   * @return a builder with a UTC system clock, no listener, an in-memory throttle, {@link
   *     Totp#DEFAULT} and a drift of one step either side
   * @throws NullPointerException when an argument is null
   * @throws IllegalArgumentException when {@code issuer} is blank or holds a colon, {@code keyId}
   *     is malformed, or {@code key} is not 32 bytes
   */
  public static Builder builder(SecondFactorStore store, String issuer, String keyId, byte[] key) {
    return new Builder(store, issuer, keyId, key);
  }

  /**
   * A new, pending enrollment: what an authenticator app is set up with. {@code toString()} never
   * shows the secret.
   *
   * @param secret the shared secret in base32 (RFC 4648, no padding), for typing it in
   * @param otpauthUri the {@code otpauth://totp/} URI, for a QR code
   */
  public record Enrollment(String secret, String otpauthUri) {
    /**
     * Checks the parts.
     *
     * @param secret the base32 secret
     * @param otpauthUri the {@code otpauth} URI
     * @throws NullPointerException when an argument is null
     */
    public Enrollment {
      Objects.requireNonNull(secret, "secret");
      Objects.requireNonNull(otpauthUri, "otpauthUri");
    }

    @Override
    public String toString() {
      return "Enrollment[secret=<redacted>, otpauthUri=<redacted>]";
    }
  }

  /**
   * The outcome of an operation that answers a value or a refusal, read without a cast.
   *
   * @param <T> the value's type
   */
  public static final class Outcome<T> {
    private final T value;
    private final AuthResult.Failure failure;

    private Outcome(T value, AuthResult.Failure failure) {
      this.value = value;
      this.failure = failure;
    }

    static <T> Outcome<T> of(T value) {
      return new Outcome<>(Objects.requireNonNull(value, "value"), null);
    }

    static <T> Outcome<T> refused(AuthResult.Failure failure) {
      return new Outcome<>(null, Objects.requireNonNull(failure, "failure"));
    }

    /** {@return the value; empty when refused} */
    public Optional<T> value() {
      return Optional.ofNullable(value);
    }

    /** {@return the refusal; empty when there is a value} */
    public Optional<AuthResult.Failure> failure() {
      return Optional.ofNullable(failure);
    }

    /**
     * Applies {@code onValue} to the value or {@code onFailure} to the refusal.
     *
     * @param <R> the type both functions answer
     * @param onValue applied to the value
     * @param onFailure applied to the refusal
     * @return what the applied function returned
     */
    public <R> R fold(
        Function<? super T, ? extends R> onValue,
        Function<? super AuthResult.Failure, ? extends R> onFailure) {
      return value != null ? onValue.apply(value) : onFailure.apply(failure);
    }

    @Override
    public String toString() {
      return value != null ? "Outcome[value=<redacted>]" : "Outcome[failure=" + failure + "]";
    }
  }

  /**
   * Starts (or restarts) an enrollment for {@code subject}: a new secret of the algorithm's length
   * from {@link SecureRandom}, stored sealed and pending. The factor counts for nothing until
   * {@link #activate} sees a first correct code.
   *
   * @param subject whose factor
   * @param accountLabel the account's name as the app shows it (e.g. the email address)
   * @return the secret and its URI; refused {@link AuthResult.Reason#INVALID_CREDENTIALS} when the
   *     subject already has an active factor ({@link #disable} it first), {@link
   *     AuthResult.Reason#UNAVAILABLE} when the store cannot be reached
   * @throws NullPointerException when an argument is null
   */
  public Outcome<Enrollment> enroll(String subject, String accountLabel) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(accountLabel, "accountLabel");
    byte[] secret = new byte[totp.algorithm().secretBytes()];
    RANDOM.nextBytes(secret);
    String sealed = seal.seal(subject, FactorSecret.encode(totp, secret));
    return guarded(
        () -> {
          if (!store.enroll(subject, sealed)) {
            return Outcome.refused(
                AuthResult.failure(
                    AuthResult.Reason.INVALID_CREDENTIALS, "a second factor is already active"));
          }
          String base32 = Base32.encode(secret);
          return Outcome.of(new Enrollment(base32, uri(accountLabel, base32)));
        });
  }

  /**
   * Activates the pending enrollment of {@code subject} with a first code from the app, and answers
   * its {@value RecoveryCodes#COUNT} recovery codes: the only time they are ever shown.
   *
   * @param subject whose factor
   * @param code the code the app shows now
   * @return the recovery codes; refused {@link AuthResult.Reason#INVALID_CREDENTIALS} for a wrong
   *     code or no pending enrollment, {@link AuthResult.Reason#LOCKED} when throttled, {@link
   *     AuthResult.Reason#UNAVAILABLE} when a store cannot be reached
   * @throws NullPointerException when an argument is null
   */
  public Outcome<List<String>> activate(String subject, String code) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(code, "code");
    return guarded(
        () -> {
          AuthResult.Failure locked = reserve(subject);
          if (locked != null) {
            return Outcome.refused(locked);
          }
          Optional<SecondFactorStore.Factor> found = store.find(subject);
          if (found.isEmpty() || found.get().active()) {
            return Outcome.refused(wrong(subject, "totp", "no pending second factor"));
          }
          String sealed = found.get().sealedSecret();
          long step = matchingStep(subject, sealed, code, -1);
          if (step < 0) {
            return Outcome.refused(wrong(subject, "totp", "wrong code"));
          }
          List<String> codes = RecoveryCodes.generate();
          if (!store.activate(subject, sealed, step, hashes(subject, sealed, codes))) {
            return Outcome.refused(wrong(subject, "totp", "no pending second factor"));
          }
          throttle.recordSuccess(THROTTLE_PREFIX + subject, null);
          emit(new AuthEvent.Succeeded(clock.instant(), subject, "totp_activation"));
          return Outcome.of(codes);
        });
  }

  /**
   * Checks a second factor of {@code subject}: a TOTP code (its step within the drift window and
   * later than any step accepted before) or an unused recovery code (consumed by this call).
   *
   * @param subject whose factor
   * @param code what the user typed: the app's code, or a recovery code (case, spaces and dashes
   *     ignored)
   * @return a success whose principal is {@code subject} with no roles and the attribute {@value
   *     #METHOD_ATTRIBUTE} {@code otp} or {@code recovery_code}; refused {@link
   *     AuthResult.Reason#INVALID_CREDENTIALS} for a wrong, used or replayed code or a subject with
   *     no active factor, {@link AuthResult.Reason#LOCKED} when throttled, {@link
   *     AuthResult.Reason#UNAVAILABLE} when a store cannot be reached
   * @throws NullPointerException when an argument is null
   */
  public AuthResult verify(String subject, String code) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(code, "code");
    return FailClosed.check(
        "second factor",
        () -> {
          AuthResult.Failure locked = reserve(subject);
          if (locked != null) {
            return locked;
          }
          Optional<SecondFactorStore.Factor> found = store.find(subject);
          if (found.isEmpty() || !found.get().active()) {
            return wrong(subject, "totp", "no active second factor");
          }
          SecondFactorStore.Factor factor = found.get();
          String digits = code.strip();
          if (isTotpShape(digits)) {
            long step = matchingStep(subject, factor.sealedSecret(), digits, factor.lastStep());
            if (step < 0 || !store.acceptStep(subject, step)) {
              return wrong(subject, "totp", "wrong or used code");
            }
            return succeeded(subject, "otp");
          }
          Optional<String> recovery = RecoveryCodes.normalize(code);
          if (recovery.isEmpty()
              || !store.consumeRecoveryCode(
                  subject, seal.codeHash(subject, factor.sealedSecret(), recovery.get()))) {
            return wrong(subject, "recovery_code", "wrong or used code");
          }
          return succeeded(subject, "recovery_code");
        });
  }

  /**
   * Replaces every recovery code of the active factor of {@code subject} with {@value
   * RecoveryCodes#COUNT} new ones (the old ones stop working at once).
   *
   * @param subject whose factor
   * @return the new codes; refused {@link AuthResult.Reason#INVALID_CREDENTIALS} when the subject
   *     has no active factor, {@link AuthResult.Reason#UNAVAILABLE} when the store cannot be
   *     reached
   * @throws NullPointerException when {@code subject} is null
   */
  public Outcome<List<String>> regenerateRecoveryCodes(String subject) {
    Objects.requireNonNull(subject, "subject");
    return guarded(
        () -> {
          Optional<SecondFactorStore.Factor> found = store.find(subject);
          List<String> codes = RecoveryCodes.generate();
          if (found.isEmpty()
              || !found.get().active()
              || !store.replaceRecoveryCodes(
                  subject, hashes(subject, found.get().sealedSecret(), codes))) {
            return Outcome.refused(
                AuthResult.failure(
                    AuthResult.Reason.INVALID_CREDENTIALS, "no active second factor"));
          }
          return Outcome.of(codes);
        });
  }

  /**
   * {@return whether {@code subject} has an active second factor, which its logins must then pass}
   *
   * @param subject whose factor
   * @throws dev.latchkey.core.StoreUnavailableException when the store cannot be reached
   */
  public boolean isEnrolled(String subject) {
    Objects.requireNonNull(subject, "subject");
    return FailClosed.manage(
        "second factor store",
        () -> store.find(subject).map(SecondFactorStore.Factor::active).orElse(false));
  }

  /**
   * Removes the second factor of {@code subject}, pending or active, with its recovery codes.
   * Callers should ask for a fresh second factor (or the password) before calling this.
   *
   * @param subject whose factor
   * @return whether there was one
   * @throws dev.latchkey.core.StoreUnavailableException when the store cannot be reached
   */
  public boolean disable(String subject) {
    Objects.requireNonNull(subject, "subject");
    boolean removed = FailClosed.manage("second factor store", () -> store.disable(subject));
    if (removed) {
      emit(new AuthEvent.Revoked(clock.instant(), subject, "second_factor"));
    }
    return removed;
  }

  /** {@return the TOTP parameters new enrollments use} */
  public Totp totp() {
    return totp;
  }

  /**
   * Whether {@code code} is shaped as a TOTP code: 6 to 8 digits. A factor keeps the digits it was
   * enrolled with, so the exact length is checked against its own parameters; a recovery code is 10
   * characters and never takes this path.
   */
  private static boolean isTotpShape(String code) {
    if (code.length() < 6 || code.length() > 8) {
      return false;
    }
    for (int i = 0; i < code.length(); i++) {
      if (code.charAt(i) < '0' || code.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * The step in the drift window around now whose code {@code code} is and which is later than
   * {@code after}; -1 when none. Every step of the window is computed, so the time taken does not
   * tell which one matched.
   */
  private long matchingStep(String subject, String sealed, String code, long after) {
    FactorSecret p = FactorSecret.decode(seal.open(subject, sealed));
    long now = p.totp().step(clock.instant());
    long found = -1;
    for (long step = now - driftSteps; step <= now + driftSteps; step++) {
      if (p.totp().matches(p.secret(), step, code) && step > after && found < 0) {
        found = step;
      }
    }
    return found;
  }

  private Set<String> hashes(String subject, String sealed, List<String> codes) {
    Set<String> out = new LinkedHashSet<>();
    for (String c : codes) {
      out.add(seal.codeHash(subject, sealed, RecoveryCodes.normalize(c).orElseThrow()));
    }
    return out;
  }

  private AuthResult.Failure reserve(String subject) {
    LoginThrottle.Reservation r = throttle.reserve(THROTTLE_PREFIX + subject, null);
    if (r.granted()) {
      return null;
    }
    Instant until = r.lockedUntil().orElse(clock.instant());
    AuthResult.Failure locked = AuthResult.locked(until, "too many second-factor attempts");
    emit(new AuthEvent.Failed(clock.instant(), subject, "totp", AuthResult.Reason.LOCKED));
    return locked;
  }

  private AuthResult.Failure wrong(String subject, String method, String detail) {
    emit(
        new AuthEvent.Failed(
            clock.instant(), subject, method, AuthResult.Reason.INVALID_CREDENTIALS));
    return AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, detail);
  }

  private AuthResult succeeded(String subject, String method) {
    throttle.recordSuccess(THROTTLE_PREFIX + subject, null);
    emit(new AuthEvent.Succeeded(clock.instant(), subject, method));
    return AuthResult.success(new Principal(subject, Set.of(), Map.of(METHOD_ATTRIBUTE, method)));
  }

  private <T> Outcome<T> guarded(Supplier<Outcome<T>> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      return Outcome.refused(FailClosed.onCheck("second factor", e));
    }
  }

  private void emit(AuthEvent event) {
    listener.onEvent(event);
  }

  private String uri(String accountLabel, String base32) {
    return "otpauth://totp/"
        + encode(issuer)
        + ":"
        + encode(accountLabel)
        + "?secret="
        + base32
        + "&issuer="
        + encode(issuer)
        + "&algorithm="
        + totp.algorithm().name()
        + "&digits="
        + totp.digits()
        + "&period="
        + totp.period().toSeconds();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return "SecondFactors[issuer=" + issuer + ", totp=" + totp + ", drift=" + driftSteps + "]";
  }

  /** Builds a {@link SecondFactors}. Not thread-safe; build once. */
  public static final class Builder {
    private final SecondFactorStore store;
    private final String issuer;
    private final String keyId;
    private final Map<String, byte[]> keys = new HashMap<>();
    private Clock clock = Clock.systemUTC();
    private AuthListener listener = AuthListener.none();
    private LoginThrottle throttle;
    private ThrottlePolicy policy = ThrottlePolicy.DEFAULT;
    private Totp totp = Totp.DEFAULT;
    private int driftSteps = 1;

    private Builder(SecondFactorStore store, String issuer, String keyId, byte[] key) {
      this.store = Objects.requireNonNull(store, "store");
      Objects.requireNonNull(issuer, "issuer");
      if (issuer.isBlank() || issuer.contains(":")) {
        throw new IllegalArgumentException("issuer must be non-blank and hold no colon: " + issuer);
      }
      this.issuer = issuer;
      this.keyId = SecretSeal.checkId(keyId);
      keys.put(keyId, SecretSeal.checkKey(keyId, key));
    }

    /**
     * Adds a key that opens secrets sealed before a key rotation; it never seals new ones.
     *
     * @param keyId the id the secrets were sealed under
     * @param key that key (copied)
     * @return this builder
     * @throws IllegalArgumentException when {@code keyId} is malformed or already given, or {@code
     *     key} is not 32 bytes
     */
    public Builder previousKey(String keyId, byte[] key) {
      SecretSeal.checkId(keyId);
      if (keys.containsKey(keyId)) {
        throw new IllegalArgumentException("keyId already given: " + keyId);
      }
      keys.put(keyId, SecretSeal.checkKey(keyId, key));
      return this;
    }

    /**
     * Sets the clock codes are computed by.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException when {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the listener for enrollment, verification and removal events.
     *
     * @param listener the listener, guarded so that it cannot disturb an outcome
     * @return this builder
     * @throws NullPointerException when {@code listener} is null
     */
    public Builder listener(AuthListener listener) {
      this.listener = AuthListener.guarded(listener);
      return this;
    }

    /**
     * Sets the throttle attempts are counted by (a shared one for a fleet); replaces {@link
     * #throttlePolicy}.
     *
     * @param throttle the throttle
     * @return this builder
     * @throws NullPointerException when {@code throttle} is null
     */
    public Builder throttle(LoginThrottle throttle) {
      this.throttle = Objects.requireNonNull(throttle, "throttle");
      return this;
    }

    /**
     * Sets the policy of the default in-memory throttle (its per-name limit counts a subject's
     * wrong codes).
     *
     * @param policy the policy
     * @return this builder
     * @throws NullPointerException when {@code policy} is null
     */
    public Builder throttlePolicy(ThrottlePolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the TOTP parameters of new enrollments; factors enrolled before keep theirs.
     *
     * @param totp the parameters
     * @return this builder
     * @throws NullPointerException when {@code totp} is null
     */
    public Builder totp(Totp totp) {
      this.totp = Objects.requireNonNull(totp, "totp");
      return this;
    }

    /**
     * Sets how many steps before and after the current one a code is accepted from, for clocks that
     * differ and codes typed late.
     *
     * @param steps from 0 to 10
     * @return this builder
     * @throws IllegalArgumentException when {@code steps} is out of range
     */
    public Builder driftSteps(int steps) {
      if (steps < 0 || steps > 10) {
        throw new IllegalArgumentException("driftSteps must be from 0 to 10: " + steps);
      }
      this.driftSteps = steps;
      return this;
    }

    /** {@return the service} */
    public SecondFactors build() {
      return new SecondFactors(this);
    }
  }
}
