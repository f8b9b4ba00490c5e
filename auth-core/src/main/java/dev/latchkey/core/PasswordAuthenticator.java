package dev.latchkey.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The password strategy: checks {@link PasswordCredentials} against a {@link UserDirectory} with a
 * {@link PasswordHasher}, under a {@link LoginThrottle}.
 *
 * <pre>{@code
 * PasswordAuthenticator passwords = PasswordAuthenticator.builder(directory, hasher)
 *     .throttle(throttle)
 *     .onRehash((account, newHash) -> directory.updatePasswordHash(account.loginName(), newHash))
 *     .listener(auditLog)
 *     .build();
 * }</pre>
 *
 * <p>One attempt, in order:
 *
 * <ol>
 *   <li>A login name that is empty or over {@value #MAX_LOGIN_NAME_LENGTH} characters is {@link
 *       AuthResult.Reason#MALFORMED}, before anything else (it could not be a user, and must not
 *       grow the throttle).
 *   <li>The throttle is asked first: a locked name or address is {@link AuthResult.Reason#LOCKED}
 *       with {@link AuthResult.Failure#retryAt()}, and no bCrypt work is done.
 *   <li>The user is looked up. An unknown user's password is verified against a fixed dummy hash
 *       made by the same hasher at build time, so an unknown user costs the same bCrypt work as a
 *       known one and gets the same answer as a wrong password: {@link
 *       AuthResult.Reason#INVALID_CREDENTIALS} with detail {@value #INVALID_DETAIL}.
 *   <li>A wrong password is counted by the throttle; when that failure locks the name or the
 *       address, the answer is {@link AuthResult.Reason#LOCKED} with the unlock time.
 *   <li>A right password clears the name's failures; when {@link PasswordHasher#needsRehash} says
 *       so, the password is hashed again and handed to the {@linkplain Builder#onRehash rehash
 *       callback}; the answer is a success with the account's principal.
 * </ol>
 *
 * <p>A password the hasher cannot take (for {@link BcryptPasswordHasher}, over 72 UTF-8 bytes) is
 * simply one that does not verify: it is answered and counted exactly as a wrong password, {@link
 * AuthResult.Reason#INVALID_CREDENTIALS}, so its length tells nothing about the account.
 *
 * <p>When the directory or the throttle throws {@link StoreUnavailableException}, the answer is
 * {@link AuthResult.Reason#UNAVAILABLE}: nothing is authenticated that could not be checked. Every
 * outcome emits an {@link AuthEvent.Succeeded} or {@link AuthEvent.Failed} with method {@value
 * #METHOD}; events carry the login name tried, never the password. The password array is not wiped
 * here: that is the caller's, through {@link PasswordCredentials#wipe()}.
 *
 * <p>Immutable and safe for concurrent use.
 */
public final class PasswordAuthenticator implements Authenticator<PasswordCredentials> {
  /** The {@code method} of this strategy's events. */
  public static final String METHOD = "password";
  /** The longest login name accepted, in chars. */
  public static final int MAX_LOGIN_NAME_LENGTH = 256;
  /** The detail of every wrong-name-or-password answer, the same for both. */
  public static final String INVALID_DETAIL = "invalid login name or password";

  private static final System.Logger LOG = System.getLogger(PasswordAuthenticator.class.getName());

  private final UserDirectory directory;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final AuthListener listener;
  private final BiConsumer<UserAccount, String> onRehash;
  private final Clock clock;
  private final String dummyHash;

  private PasswordAuthenticator(Builder b) {
    this.directory = b.directory;
    this.hasher = b.hasher;
    this.clock = b.clock;
    this.throttle =
        b.throttle != null
            ? b.throttle
            : InMemoryLoginThrottle.builder(ThrottlePolicy.DEFAULT).clock(b.clock).build();
    this.listener = AuthListener.guarded(b.listener);
    this.onRehash = b.onRehash;
    this.dummyHash = dummyHash(b.hasher);
  }

  /**
   * A builder for the strategy on {@code directory} and {@code hasher}. Building it computes one
   * hash (the dummy for unknown users), which takes as long as one login.
   */
  public static Builder builder(UserDirectory directory, PasswordHasher hasher) {
    return new Builder(
        Objects.requireNonNull(directory, "directory"), Objects.requireNonNull(hasher, "hasher"));
  }

  @Override
  public Class<PasswordCredentials> credentialType() {
    return PasswordCredentials.class;
  }

  /**
   * Checks a login as described in the class documentation. Never throws for a rejected client;
   * never returns {@code null}.
   */
  @Override
  public AuthResult authenticate(PasswordCredentials credentials) {
    if (credentials == null) {
      return AuthResult.failure(AuthResult.Reason.MALFORMED, "no credentials");
    }
    String name = credentials.username();
    if (name.isEmpty() || name.length() > MAX_LOGIN_NAME_LENGTH) {
      return fail(null, AuthResult.failure(AuthResult.Reason.MALFORMED, "bad login name"));
    }
    String address = credentials.clientAddress().orElse(null);
    try {
      Optional<Instant> locked = throttle.lockedUntil(name, address);
      if (locked.isPresent()) {
        return fail(name, AuthResult.locked(locked.get(), "too many failed attempts"));
      }
      Optional<UserAccount> account = directory.findByLoginName(name);
      char[] password = credentials.password();
      // An unknown user costs the same bCrypt work as a wrong password: no enumeration by timing.
      boolean matches;
      if (account.isPresent()) {
        matches = hasher.verify(password, account.get().passwordHash());
      } else {
        hasher.verify(password, dummyHash);
        matches = false;
      }
      if (!matches) {
        Optional<Instant> lock = throttle.recordFailure(name, address);
        if (lock.isPresent()) {
          return fail(name, AuthResult.locked(lock.get(), "too many failed attempts"));
        }
        return fail(
            name, AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, INVALID_DETAIL));
      }
      throttle.recordSuccess(name);
      UserAccount user = account.get();
      rehashIfNeeded(user, password);
      listener.onEvent(new AuthEvent.Succeeded(clock.instant(), user.principal().subject(), METHOD));
      return AuthResult.success(user.principal());
    } catch (StoreUnavailableException e) {
      return fail(
          name, AuthResult.failure(AuthResult.Reason.UNAVAILABLE, "login store unavailable"));
    }
  }

  private void rehashIfNeeded(UserAccount user, char[] password) {
    if (!hasher.needsRehash(user.passwordHash())) {
      return;
    }
    try {
      onRehash.accept(user, hasher.hash(password));
    } catch (RuntimeException e) {
      // The login itself was right; a failed upgrade is retried at the next one.
      LOG.log(System.Logger.Level.WARNING, "password rehash failed: " + e.getClass().getName());
    }
  }

  private AuthResult fail(String claimedIdentity, AuthResult.Failure failure) {
    listener.onEvent(
        new AuthEvent.Failed(clock.instant(), claimedIdentity, METHOD, failure.reason()));
    return failure;
  }

  /** A hash of a random password no one knows, made by {@code hasher} at its configured cost. */
  private static String dummyHash(PasswordHasher hasher) {
    SecureRandom random = new SecureRandom();
    char[] secret = new char[32];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (char) ('a' + random.nextInt(26));
    }
    try {
      return hasher.hash(secret);
    } finally {
      Arrays.fill(secret, '\0');
    }
  }

  @Override
  public String toString() {
    return "PasswordAuthenticator[hasher=" + hasher + ", throttle=" + throttle + "]";
  }

  /** Configures a {@link PasswordAuthenticator}; not safe for concurrent use. */
  public static final class Builder {
    private final UserDirectory directory;
    private final PasswordHasher hasher;
    private LoginThrottle throttle;
    private AuthListener listener = AuthListener.none();
    private BiConsumer<UserAccount, String> onRehash = (account, hash) -> {};
    private Clock clock = Clock.systemUTC();

    private Builder(UserDirectory directory, PasswordHasher hasher) {
      this.directory = directory;
      this.hasher = hasher;
    }

    /**
     * The throttle asked before each attempt. Default: an {@link InMemoryLoginThrottle} under
     * {@link ThrottlePolicy#DEFAULT} on this builder's clock; there is no way to turn throttling
     * off.
     */
    public Builder throttle(LoginThrottle throttle) {
      this.throttle = Objects.requireNonNull(throttle, "throttle");
      return this;
    }

    /** Receives the events; wrapped with {@link AuthListener#guarded}. Default: none. */
    public Builder listener(AuthListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Called after a successful login whose stored hash {@linkplain PasswordHasher#needsRehash
     * needs rehashing}, with the account as found and the new hash to store. An exception it
     * throws is logged (class only) and does not change the login's outcome. Default: nothing.
     */
    public Builder onRehash(BiConsumer<UserAccount, String> onRehash) {
      this.onRehash = Objects.requireNonNull(onRehash, "onRehash");
      return this;
    }

    /** The clock events are stamped with (and the default throttle's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The strategy; computes the dummy hash, so takes as long as one hash. */
    public PasswordAuthenticator build() {
      return new PasswordAuthenticator(this);
    }
  }
}
