package dev.latchkey.password;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.ThrottlePolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Registration and password change with a {@link PasswordPolicy}: what the {@code /register} and
 * {@code /password-change} routes of {@code auth-web} call.
 *
 * <p>{@link #register}: the client's address is throttled (a registration counts against it
 * whatever its outcome), the new password checked against the policy (with the login name as a
 * context word), hashed, and the account created; a taken name is {@link
 * AccountOutcome.Status#EXISTS} after the same hashing work as a success.
 *
 * <p>{@link #change}: the current password is checked through the application's password {@link
 * Authenticator} (so a wrong one counts in the login throttle, and a locked name stays locked), the
 * new one against the policy; then the new hash is written and {@linkplain
 * Builder#signOutEverywhere every session and token of the subject ended}: whoever held the old
 * password holds nothing. The caller gives the current client a new session.
 *
 * <p>Every answer is a value; a store that throws is {@link AccountOutcome.Status#UNAVAILABLE}.
 * Immutable and safe for concurrent use.
 */
public final class PasswordAccounts {
  /** The longest login name accepted at registration. */
  public static final int MAX_LOGIN_NAME_LENGTH = 64;

  /** 10 registrations per client address in an hour, then locked from 15 minutes up to a day. */
  public static final ThrottlePolicy DEFAULT_REGISTRATION_POLICY =
      new ThrottlePolicy(10, 10, Duration.ofHours(1), Duration.ofMinutes(15), Duration.ofDays(1));

  private static final System.Logger LOG = System.getLogger(PasswordAccounts.class.getName());

  private final AccountRegistry registry;
  private final PasswordHasher hasher;
  private final PasswordPolicy policy;
  private final Authenticator<PasswordCredentials> passwords;
  private final Consumer<String> signOutEverywhere;
  private final LoginThrottle throttle;

  private PasswordAccounts(Builder b) {
    this.registry = b.registry;
    this.hasher = b.hasher;
    this.policy = b.policy;
    this.passwords = b.passwords;
    this.signOutEverywhere = b.signOutEverywhere;
    this.throttle =
        b.throttle != null
            ? b.throttle
            : LoginThrottle.inMemory(DEFAULT_REGISTRATION_POLICY, b.clock);
  }

  /**
   * {@return a builder}
   *
   * @param registry where accounts are created and hashes written
   * @param hasher makes the new hashes (a {@link PasswordHashers})
   * @param policy decides whether a new password may be set
   * @param passwords checks the current password at a change (the login's authenticator)
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(
      AccountRegistry registry,
      PasswordHasher hasher,
      PasswordPolicy policy,
      Authenticator<PasswordCredentials> passwords) {
    return new Builder(
        Objects.requireNonNull(registry, "registry"),
        Objects.requireNonNull(hasher, "hasher"),
        Objects.requireNonNull(policy, "policy"),
        Objects.requireNonNull(passwords, "passwords"));
  }

  /**
   * Registers a new account.
   *
   * @param loginName the login name; attacker-controlled
   * @param password the password; read, never kept or changed (the caller wipes it)
   * @param clientAddress the client's address, or null when unknown
   * @return CREATED, REJECTED with reasons, EXISTS, MALFORMED, LOCKED or UNAVAILABLE
   * @throws NullPointerException if {@code loginName} or {@code password} is null
   */
  public AccountOutcome register(String loginName, char[] password, String clientAddress) {
    Objects.requireNonNull(loginName, "loginName");
    Objects.requireNonNull(password, "password");
    if (!wellFormed(loginName)) {
      return AccountOutcome.of(AccountOutcome.Status.MALFORMED);
    }
    try {
      // One budget per address: every registration counts, so a flood of accounts is bounded.
      String key = "register " + (clientAddress == null ? "unknown" : clientAddress);
      LoginThrottle.Reservation reservation = throttle.reserve(key, clientAddress);
      if (!reservation.granted()) {
        return new AccountOutcome(
            AccountOutcome.Status.LOCKED, List.of(), reservation.lockedUntil());
      }
      PolicyResult result = policy.check(password, loginName, false);
      if (!result.accepted()) {
        return rejected(result);
      }
      String hash = hasher.hash(password);
      return registry.create(loginName, hash)
          ? AccountOutcome.of(AccountOutcome.Status.CREATED)
          : AccountOutcome.of(AccountOutcome.Status.EXISTS);
    } catch (RuntimeException e) {
      return unavailable("registration", e);
    }
  }

  /**
   * Changes the password of {@code subject}, ending every session and token of it.
   *
   * @param subject the logged-in principal's subject
   * @param current the current password; read, never kept or changed
   * @param next the new password; read, never kept or changed
   * @param clientAddress the client's address, or null when unknown
   * @return CHANGED, INVALID_CREDENTIALS, REJECTED with reasons, LOCKED or UNAVAILABLE
   * @throws NullPointerException if an argument but {@code clientAddress} is null
   */
  public AccountOutcome change(String subject, char[] current, char[] next, String clientAddress) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(next, "next");
    try {
      Optional<String> loginName = registry.loginNameOf(subject);
      if (loginName.isEmpty()) {
        return AccountOutcome.of(AccountOutcome.Status.INVALID_CREDENTIALS);
      }
      PasswordCredentials credentials =
          clientAddress == null
              ? PasswordCredentials.of(loginName.get(), current.clone())
              : PasswordCredentials.of(loginName.get(), current.clone(), clientAddress);
      AuthResult checked;
      try {
        checked = passwords.authenticate(credentials);
      } finally {
        credentials.wipe();
      }
      Optional<AuthResult.Failure> failure = checked.failure();
      if (failure.isPresent()) {
        return switch (failure.get().reason()) {
          case LOCKED ->
              new AccountOutcome(AccountOutcome.Status.LOCKED, List.of(), failure.get().retryAt());
          case UNAVAILABLE -> AccountOutcome.of(AccountOutcome.Status.UNAVAILABLE);
          default -> AccountOutcome.of(AccountOutcome.Status.INVALID_CREDENTIALS);
        };
      }
      if (!checked.principal().orElseThrow().subject().equals(subject)) {
        return AccountOutcome.of(AccountOutcome.Status.INVALID_CREDENTIALS);
      }
      PolicyResult result = policy.check(next, loginName.get(), false);
      if (!result.accepted()) {
        return rejected(result);
      }
      String hash = hasher.hash(next);
      if (!registry.setPasswordHash(subject, hash)) {
        return AccountOutcome.of(AccountOutcome.Status.INVALID_CREDENTIALS);
      }
      signOutEverywhere.accept(subject);
      return AccountOutcome.of(AccountOutcome.Status.CHANGED);
    } catch (RuntimeException e) {
      return unavailable("password change", e);
    }
  }

  private static AccountOutcome rejected(PolicyResult result) {
    boolean outage = result.rejections().contains(Rejection.UNAVAILABLE);
    return outage
        ? AccountOutcome.of(AccountOutcome.Status.UNAVAILABLE)
        : new AccountOutcome(AccountOutcome.Status.REJECTED, result.rejections(), Optional.empty());
  }

  private static AccountOutcome unavailable(String step, RuntimeException e) {
    // The class only: a message could carry a login name or worse.
    LOG.log(System.Logger.Level.WARNING, step + " failed: " + e.getClass().getName());
    return AccountOutcome.of(AccountOutcome.Status.UNAVAILABLE);
  }

  static boolean wellFormed(String loginName) {
    if (loginName.isBlank() || loginName.length() > MAX_LOGIN_NAME_LENGTH) {
      return false;
    }
    return loginName
            .codePoints()
            .noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)
        && loginName.strip().equals(loginName);
  }

  @Override
  public String toString() {
    return "PasswordAccounts[hasher=" + hasher + ", policy=" + policy + "]";
  }

  /** Configures {@link PasswordAccounts}; not safe for concurrent use. */
  public static final class Builder {
    private final AccountRegistry registry;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final Authenticator<PasswordCredentials> passwords;
    private Consumer<String> signOutEverywhere = subject -> {};
    private LoginThrottle throttle;
    private Clock clock = Clock.systemUTC();

    private Builder(
        AccountRegistry registry,
        PasswordHasher hasher,
        PasswordPolicy policy,
        Authenticator<PasswordCredentials> passwords) {
      this.registry = registry;
      this.hasher = hasher;
      this.policy = policy;
      this.passwords = passwords;
    }

    /**
     * Ends every session and token of a subject after its password changed (e.g. {@code subject ->
     * { sessions.logoutEverywhere(subject); refreshTokens.logoutEverywhere(subject); }}; the same
     * as a password reset's). Default: nothing, which leaves old sessions alive: configure it.
     *
     * @param signOutEverywhere called with the subject after the new hash is written
     * @return this builder
     * @throws NullPointerException if the argument is null
     */
    public Builder signOutEverywhere(Consumer<String> signOutEverywhere) {
      this.signOutEverywhere = Objects.requireNonNull(signOutEverywhere, "signOutEverywhere");
      return this;
    }

    /**
     * The throttle of registrations, counted per client address. Default: in memory under {@link
     * #DEFAULT_REGISTRATION_POLICY}; share one on Redis across a fleet.
     *
     * @param throttle the throttle
     * @return this builder
     * @throws NullPointerException if the argument is null
     */
    public Builder registrationThrottle(LoginThrottle throttle) {
      this.throttle = Objects.requireNonNull(throttle, "throttle");
      return this;
    }

    /**
     * The clock of the default throttle. Default: the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if the argument is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** {@return the service} */
    public PasswordAccounts build() {
      return new PasswordAccounts(this);
    }
  }
}
