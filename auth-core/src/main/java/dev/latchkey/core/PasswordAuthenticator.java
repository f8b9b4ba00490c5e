package dev.latchkey.core;

import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.internal.OpaqueIds;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
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
 *   <li>The user is looked up (no bCrypt work yet).
 *   <li>The attempt is {@linkplain LoginThrottle#reserve reserved} with the throttle, in one atomic
 *       step per attempt, before any bCrypt work: against the login name of the account found (the
 *       name given when there is none) folded (NFKC, case-folded, stripped), so that every spelling
 *       a case-insensitive directory accepts shares one budget, and against the client's address
 *       group (an IPv6 address counts for its /64, an IPv4 address for itself, a string that is not
 *       an address for one shared group). A locked name or address is {@link
 *       AuthResult.Reason#LOCKED} with {@link AuthResult.Failure#retryAt()}, and no bCrypt work is
 *       done. However many attempts arrive at once, on one node or on many sharing a throttle, no
 *       more are evaluated than the {@link ThrottlePolicy} allows.
 *   <li>An unknown user's password is verified against a fixed dummy hash made by the same hasher
 *       at build time, so an unknown user costs the same bCrypt work as a known one and gets the
 *       same answer as a wrong password: {@link AuthResult.Reason#INVALID_CREDENTIALS} with detail
 *       {@value #INVALID_DETAIL}. (Equal work for legacy-cost, disabled and unreadable stored
 *       hashes is the hasher's: {@link BcryptPasswordHasher#verify} does it.)
 *   <li>A wrong password leaves its reservation counted as a failure; when that reservation locked
 *       the name or the address, the answer is {@link AuthResult.Reason#LOCKED} with the unlock
 *       time.
 *   <li>A right password {@linkplain LoginThrottle#recordSuccess clears} the name's failures and
 *       gives its attempt back to the address; when {@link PasswordHasher#needsRehash} says so, the
 *       password is hashed again and handed to the {@linkplain Builder#onRehash rehash callback};
 *       the answer is a success with the account's principal.
 * </ol>
 *
 * <p>A password the hasher cannot take (for {@link BcryptPasswordHasher}, over 72 UTF-8 bytes) is
 * simply one that does not verify: it is answered and counted exactly as a wrong password, {@link
 * AuthResult.Reason#INVALID_CREDENTIALS}, so its length tells nothing about the account.
 *
 * <p>When the directory, the throttle or the hasher throws {@link StoreUnavailableException} or any
 * other {@link RuntimeException}, the answer is {@link AuthResult.Reason#UNAVAILABLE} (only the
 * exception's class is logged): nothing is authenticated that could not be checked. An exception
 * from the {@linkplain Builder#onRehash rehash callback} does not change a right login's answer.
 * Every outcome emits an {@link AuthEvent.Succeeded} or {@link AuthEvent.Failed} with method
 * {@value #METHOD}; events carry the login name tried, never the password, and the client: the
 * {@linkplain ClientInfo#current() current} one, else the credentials' address. The password array
 * is not wiped here: that is the caller's, through {@link PasswordCredentials#wipe()}.
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

  private static final String LOCKED_DETAIL = "too many failed attempts";
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
   * {@return a builder for the strategy on {@code directory} and {@code hasher}} Building it
   * computes one hash (the dummy for unknown users), which takes as long as one login.
   *
   * @param directory where accounts are looked up by login name
   * @param hasher the hasher that checks the stored password hashes and makes new ones
   * @throws NullPointerException when {@code directory} or {@code hasher} is null
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
      return fail(
          credentials, null, AuthResult.failure(AuthResult.Reason.MALFORMED, "bad login name"));
    }
    String address = AddressGroups.of(credentials.clientAddress().orElse(null));
    // Names the collaborator at work, for the log line should it throw.
    String step = "user directory";
    try {
      // The lookup comes first, so that the name is throttled by the account it reaches, and costs
      // no bCrypt work; the attempt is reserved before any.
      Optional<UserAccount> account = directory.findByLoginName(name);
      String throttled = throttleName(account.map(UserAccount::loginName).orElse(name));
      step = "login throttle";
      LoginThrottle.Reservation reservation = throttle.reserve(throttled, address);
      if (!reservation.granted()) {
        return fail(
            credentials,
            name,
            AuthResult.locked(reservation.lockedUntil().orElseThrow(), LOCKED_DETAIL));
      }
      char[] password = credentials.password();
      step = "password hasher";
      // An unknown user costs the same bCrypt work as a wrong password: no enumeration by timing.
      boolean matches;
      if (account.isPresent()) {
        matches = hasher.verify(password, account.get().passwordHash());
      } else {
        hasher.verify(password, dummyHash);
        matches = false;
      }
      if (!matches) {
        // The reservation stays counted: that is the failure.
        if (reservation.lockedUntil().isPresent()) {
          return fail(
              credentials, name, AuthResult.locked(reservation.lockedUntil().get(), LOCKED_DETAIL));
        }
        return fail(
            credentials,
            name,
            AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, INVALID_DETAIL));
      }
      step = "login throttle";
      throttle.recordSuccess(throttled, address);
      step = "password hasher";
      UserAccount user = account.get();
      rehashIfNeeded(user, password);
      listener.onEvent(
          new AuthEvent.Succeeded(
              clock.instant(), user.principal().subject(), METHOD, client(credentials)));
      return AuthResult.success(user.principal());
    } catch (RuntimeException e) {
      return fail(credentials, name, FailClosed.onCheck(step, e));
    }
  }

  /**
   * The name an attempt is throttled under: Unicode compatibility-normalised (NFKC), case-folded
   * and stripped of surrounding white space, so that every spelling a case-insensitive directory
   * accepts shares one budget, and an unknown name is throttled the way a known one would be (its
   * lock tells nothing about whether the account exists). A folded name longer than {@value
   * #MAX_LOGIN_NAME_LENGTH} chars (normalisation can expand) is replaced by its SHA-256, so a
   * throttle's keys stay bounded.
   */
  static String throttleName(String loginName) {
    String folded =
        Normalizer.normalize(
                Normalizer.normalize(loginName, Normalizer.Form.NFKC)
                    .toUpperCase(Locale.ROOT)
                    .toLowerCase(Locale.ROOT),
                Normalizer.Form.NFKC)
            .strip();
    return folded.length() > MAX_LOGIN_NAME_LENGTH ? "#" + OpaqueIds.hash(folded) : folded;
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

  private AuthResult fail(
      PasswordCredentials credentials, String claimedIdentity, AuthResult.Failure failure) {
    listener.onEvent(
        new AuthEvent.Failed(
            clock.instant(), claimedIdentity, METHOD, failure.reason(), client(credentials)));
    return failure;
  }

  /**
   * The client of an attempt's event: the web layer's scope when there is one (it knows the user
   * agent too), else the address the credentials carry, when it is one {@link ClientInfo} takes.
   */
  private static Optional<ClientInfo> client(PasswordCredentials credentials) {
    Optional<ClientInfo> scoped = ClientInfo.current();
    if (scoped.isPresent()) {
      return scoped;
    }
    return credentials.clientAddress().flatMap(ClientInfo::ofAddress);
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
     *
     * @param throttle the throttle that reserves each attempt before any password work
     * @return this builder
     * @throws NullPointerException when {@code throttle} is null
     */
    public Builder throttle(LoginThrottle throttle) {
      this.throttle = Objects.requireNonNull(throttle, "throttle");
      return this;
    }

    /**
     * Receives the events; wrapped with {@link AuthListener#guarded}. Default: none.
     *
     * @param listener the listener told of each login's outcome
     * @return this builder
     * @throws NullPointerException when {@code listener} is null
     */
    public Builder listener(AuthListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Called after a successful login whose stored hash {@linkplain PasswordHasher#needsRehash
     * needs rehashing}, with the account as found and the new hash to store. An exception it throws
     * is logged (class only) and does not change the login's outcome. Default: nothing.
     *
     * @param onRehash receives the account and the new hash to store in place of the old one
     * @return this builder
     * @throws NullPointerException when {@code onRehash} is null
     */
    public Builder onRehash(BiConsumer<UserAccount, String> onRehash) {
      this.onRehash = Objects.requireNonNull(onRehash, "onRehash");
      return this;
    }

    /**
     * The clock events are stamped with (and the default throttle's). Default: the system UTC
     * clock.
     *
     * @param clock the clock to read the time from
     * @return this builder
     * @throws NullPointerException when {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** {@return the strategy} Computes the dummy hash, so takes as long as one hash. */
    public PasswordAuthenticator build() {
      return new PasswordAuthenticator(this);
    }
  }
}
