package dev.latchkey.account;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.UserAccount;
import dev.latchkey.core.UserDirectory;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.OneTimeTokenRecord;
import dev.latchkey.core.spi.OneTimeTokenStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

// Past 450 lines for a reason: the Builder is public API as OneTimeTokens.Builder, so it and its
// setters' contracts live here, and each operation's contract (links, codes, peek and consume) is
// its Javadoc. Purpose and TokenOutcome are values of their own; PasswordReset builds on this.

/**
 * One-time tokens and codes: issues them to an {@link Outbox}, and checks them, for password reset,
 * email verification, magic-link login and email codes ({@link Purpose}).
 *
 * <pre>{@code
 * OneTimeTokens tokens = OneTimeTokens.builder(InMemoryOneTimeTokenStore.create(), outbox)
 *     .users(directory)
 *     .build();
 * tokens.request(Purpose.PASSWORD_RESET, "alice", clientAddress);   // mails a link, or nothing
 * TokenOutcome seen = tokens.peek(Purpose.PASSWORD_RESET, token);    // a link scanner's GET
 * TokenOutcome used = tokens.consume(Purpose.PASSWORD_RESET, token); // the user's confirm
 * }</pre>
 *
 * <p><b>Links.</b> A link token is 256 bits from {@link SecureRandom}, base64url, with its store's
 * shard tag ({@link OneTimeTokenStore#shardFor}); the store keeps only the SHA-256 of the purpose's
 * name and the token, so a token of one purpose never verifies for another, and a dump of the store
 * holds nothing to click. {@link #peek} looks a token up without using it (mail scanners fetch
 * links); {@link #consume} uses it, atomically: of concurrent consumes one wins.
 *
 * <p><b>Codes.</b> A code is {@link Builder#codeDigits} decimal digits drawn uniformly ({@link
 * SecureRandom#nextInt(int)} rejects rather than reduces, so no value is likelier), bound to a
 * binding string the caller keeps (e.g. the hashed id of the pending login it completes): it is
 * stored as HMAC-SHA256 keyed with the binding, so the few million possible codes are no lookup
 * table without it, and it is found by the binding's hash, so a code alone finds nothing. Each
 * presentation is counted before it is compared (in constant time); after {@link
 * Builder#codeAttempts} of them the code is dead, however many arrive at once.
 *
 * <p><b>Bounds.</b> A subject holds at most {@link Purpose#maxOutstanding()} live tokens of a
 * purpose (a new one ends the oldest); issuing is throttled per subject (or login name) and
 * purpose, and per client address, by a {@link LoginThrottle} under {@link #DEFAULT_THROTTLE}
 * unless configured: a throttled request is refused {@link AuthResult.Reason#LOCKED} with its retry
 * time.
 *
 * <p><b>Existence.</b> {@link #request} (by login name) answers the same, and does the same work,
 * whether or not the name exists: a hash, a token and a store round trip either way, a delivery
 * only for a real account. The {@link Outbox} should therefore hand its message to a queue rather
 * than send it on the caller's thread.
 *
 * <p>Every answer is a value ({@link TokenOutcome}); a store or directory that fails is {@link
 * AuthResult.Reason#UNAVAILABLE}. Events: a consumed token or a verified code emits {@link
 * AuthEvent.Succeeded} with method {@code one_time:<purpose>}; a refused one {@link
 * AuthEvent.Failed}. Built once by {@link #builder}; immutable and safe for concurrent use.
 */
public final class OneTimeTokens {
  /**
   * 5 tokens per subject and purpose, 50 per client address, in 15 minutes; then 15 minutes off.
   */
  public static final ThrottlePolicy DEFAULT_THROTTLE =
      new ThrottlePolicy(
          5, 50, Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofHours(1));

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final AuthResult.Failure INVALID =
      AuthResult.failure(AuthResult.Reason.INVALID_CREDENTIALS, "invalid or used token");
  private static final AuthResult.Failure EXPIRED =
      AuthResult.failure(AuthResult.Reason.EXPIRED, "token expired");
  private static final AuthResult.Failure NOT_DELIVERED =
      AuthResult.failure(AuthResult.Reason.UNAVAILABLE, "token not delivered");

  private final OneTimeTokenStore store;
  private final Outbox outbox;
  private final Clock clock;
  private final AuthListener listener;
  private final LoginThrottle throttle;
  private final UserDirectory users;
  private final int codeDigits;
  private final int codeBound;
  private final int codeAttempts;

  private OneTimeTokens(Builder b) {
    this.store = b.store;
    this.outbox = b.outbox;
    this.clock = b.clock;
    this.listener = AuthListener.guarded(b.listener);
    this.throttle =
        b.throttle != null ? b.throttle : LoginThrottle.inMemory(DEFAULT_THROTTLE, clock);
    this.users = b.users;
    this.codeDigits = b.codeDigits;
    this.codeBound = (int) Math.pow(10, b.codeDigits);
    this.codeAttempts = b.codeAttempts;
  }

  /**
   * A builder over the store tokens are kept in and the outbox they are delivered through.
   *
   * @param store where tokens are kept (hashed)
   * @param outbox where issued tokens are handed for delivery
   * @return a builder with the defaults of its setters
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(OneTimeTokenStore store, Outbox outbox) {
    return new Builder(
        Objects.requireNonNull(store, "store"), Objects.requireNonNull(outbox, "outbox"));
  }

  /**
   * Issues a link token of {@code purpose} to {@code subject} and delivers it through the outbox.
   *
   * @param purpose a {@link Purpose.Kind#LINK} purpose
   * @param subject whom it is for
   * @param clientAddress the requesting client's address group, or {@code null} when unknown
   * @return the issued token's details; refused LOCKED while throttled, UNAVAILABLE when the store
   *     is down or the outbox threw
   * @throws IllegalArgumentException when {@code purpose} is not a link purpose
   */
  public TokenOutcome issue(Purpose purpose, String subject, String clientAddress) {
    requireKind(purpose, Purpose.Kind.LINK);
    Objects.requireNonNull(subject, "subject");
    return guarded(
        () -> {
          AuthResult.Failure locked = reserve(purpose, subject, clientAddress);
          return locked != null ? TokenOutcome.refused(locked) : issueLink(purpose, subject);
        });
  }

  /**
   * Issues a token of {@code purpose} to the account named {@code loginName}, if there is one, and
   * answers the same either way: the same work is done, and only a real account's token is
   * delivered. Throttled by the name as given, so a locked answer reveals nothing either.
   *
   * @param purpose a {@link Purpose.Kind#LINK} purpose
   * @param loginName the login name as typed; attacker-controlled
   * @param clientAddress the requesting client's address group, or {@code null} when unknown
   * @return empty when the request was taken (whether or not the account exists); the refusal
   *     (LOCKED with its retry time, or UNAVAILABLE) otherwise
   * @throws IllegalArgumentException when {@code purpose} is not a link purpose
   * @throws IllegalStateException when no {@link Builder#users} directory was configured
   */
  public Optional<AuthResult.Failure> request(
      Purpose purpose, String loginName, String clientAddress) {
    requireKind(purpose, Purpose.Kind.LINK);
    Objects.requireNonNull(loginName, "loginName");
    if (users == null) {
      throw new IllegalStateException("request(...) needs OneTimeTokens.Builder.users(...)");
    }
    TokenOutcome outcome =
        guarded(
            () -> {
              AuthResult.Failure locked =
                  reserve(purpose, loginName.toLowerCase(Locale.ROOT), clientAddress);
              if (locked != null) {
                return TokenOutcome.refused(locked);
              }
              Optional<UserAccount> account = users.findByLoginName(loginName);
              if (account.isPresent()) {
                // A delivery that failed is logged; the client is told only that the request was
                // taken, as for an unknown name.
                issueLink(purpose, account.get().principal().subject());
                return accepted(purpose, loginName);
              }
              // The same work for a name that has no account: a token made and hashed, and one
              // store round trip, so the time taken does not tell the two apart.
              String raw = OpaqueIds.generateInShard(store.shardFor(loginName));
              store.find(idOf(purpose, raw).orElseThrow(), clock.instant());
              return accepted(purpose, loginName);
            });
    return outcome.failure();
  }

  /**
   * Looks a link token up without using it: for the page a link opens (mail scanners and link
   * previews fetch it too, and must not burn it).
   *
   * @param purpose the purpose it must have been issued for
   * @param token the token as presented; attacker-controlled, may be null
   * @return its details when it is live; refused INVALID_CREDENTIALS, EXPIRED or UNAVAILABLE
   */
  public TokenOutcome peek(Purpose purpose, String token) {
    Objects.requireNonNull(purpose, "purpose");
    Optional<HashedId> id = idOf(purpose, token);
    if (id.isEmpty()) {
      return TokenOutcome.refused(INVALID);
    }
    return guarded(
        () -> {
          Instant now = clock.instant();
          return store
              .find(id.get(), now)
              .filter(r -> r.purpose().equals(purpose.name()))
              .map(r -> r.liveAt(now) ? valid(r) : TokenOutcome.refused(EXPIRED))
              .orElseGet(() -> TokenOutcome.refused(INVALID));
        });
  }

  /**
   * Uses a link token: of any number of concurrent or repeated calls with one token, at most one
   * succeeds.
   *
   * @param purpose the purpose it must have been issued for
   * @param token the token as presented; attacker-controlled, may be null
   * @return its details when this call used it; refused INVALID_CREDENTIALS (unknown, used, ended,
   *     of another purpose), EXPIRED or UNAVAILABLE
   */
  public TokenOutcome consume(Purpose purpose, String token) {
    Objects.requireNonNull(purpose, "purpose");
    Optional<HashedId> id = idOf(purpose, token);
    if (id.isEmpty()) {
      return failed(purpose, INVALID);
    }
    TokenOutcome outcome =
        guarded(
            () -> {
              Instant now = clock.instant();
              return store
                  .consume(id.get(), now)
                  .filter(r -> r.purpose().equals(purpose.name()))
                  .map(r -> r.liveAt(now) ? valid(r) : TokenOutcome.refused(EXPIRED))
                  .orElseGet(() -> TokenOutcome.refused(INVALID));
            });
    return report(purpose, outcome);
  }

  /**
   * Issues a numeric code of {@code purpose} to {@code subject}, bound to {@code binding}, and
   * delivers it through the outbox. A new code for the same binding replaces the earlier one.
   *
   * @param purpose a {@link Purpose.Kind#CODE} purpose
   * @param subject whom it is for
   * @param binding what the code completes, e.g. the hashed id of the pending login; the same
   *     string must be given to {@link #verifyCode}. Keep it from the user: it keys the code's hash
   * @param clientAddress the requesting client's address group, or {@code null} when unknown
   * @return the issued code's details; refused LOCKED or UNAVAILABLE
   * @throws IllegalArgumentException when {@code purpose} is not a code purpose or {@code binding}
   *     is empty
   */
  public TokenOutcome issueCode(
      Purpose purpose, String subject, String binding, String clientAddress) {
    requireKind(purpose, Purpose.Kind.CODE);
    Objects.requireNonNull(subject, "subject");
    requireBinding(binding);
    return guarded(
        () -> {
          AuthResult.Failure locked = reserve(purpose, subject, clientAddress);
          if (locked != null) {
            return TokenOutcome.refused(locked);
          }
          String code =
              String.format(Locale.ROOT, "%0" + codeDigits + "d", RANDOM.nextInt(codeBound));
          Instant now = clock.instant();
          Instant expiresAt = now.plus(purpose.lifetime());
          OneTimeTokenRecord record =
              new OneTimeTokenRecord(
                  codeId(purpose, store.shardFor(subject), binding),
                  subject,
                  purpose.name(),
                  now,
                  expiresAt,
                  expiresAt.plus(purpose.lifetime()),
                  Optional.of(codeDigest(purpose, binding, code)),
                  0);
          store.put(record, purpose.maxOutstanding(), now);
          return deliver(purpose, subject, code, expiresAt);
        });
  }

  /**
   * Checks a code against the one issued for {@code binding}, counting the attempt first: after
   * {@link Builder#codeAttempts} attempts the code is dead, right or wrong. A right code is used.
   *
   * @param purpose the purpose it must have been issued for
   * @param subject whom it must have been issued to
   * @param binding the binding it was issued with
   * @param code the code as typed; attacker-controlled, may be null
   * @return its details when right; refused INVALID_CREDENTIALS (wrong, spent, unknown), EXPIRED or
   *     UNAVAILABLE
   * @throws IllegalArgumentException when {@code purpose} is not a code purpose or {@code binding}
   *     is empty
   */
  public TokenOutcome verifyCode(Purpose purpose, String subject, String binding, String code) {
    requireKind(purpose, Purpose.Kind.CODE);
    Objects.requireNonNull(subject, "subject");
    requireBinding(binding);
    TokenOutcome outcome =
        guarded(
            () -> {
              Instant now = clock.instant();
              HashedId id = codeId(purpose, store.shardFor(subject), binding);
              Optional<OneTimeTokenRecord> counted = store.countAttempt(id, codeAttempts, now);
              if (counted.isEmpty()
                  || !counted.get().subject().equals(subject)
                  || !counted.get().purpose().equals(purpose.name())
                  || counted.get().codeDigest().isEmpty()) {
                return TokenOutcome.refused(INVALID);
              }
              OneTimeTokenRecord record = counted.get();
              if (!record.liveAt(now)) {
                store.consume(id, now);
                return TokenOutcome.refused(EXPIRED);
              }
              String presented =
                  code != null
                          && code.length() == codeDigits
                          && code.chars().allMatch(Character::isDigit)
                      ? code
                      : "";
              boolean right =
                  MessageDigest.isEqual(
                      codeDigest(purpose, binding, presented).getBytes(StandardCharsets.US_ASCII),
                      record.codeDigest().get().getBytes(StandardCharsets.US_ASCII));
              if (!right) {
                return TokenOutcome.refused(INVALID);
              }
              return store.consume(id, now).isPresent()
                  ? valid(record)
                  : TokenOutcome.refused(INVALID);
            });
    return report(purpose, outcome);
  }

  /**
   * Ends every one-time token and code of {@code subject}, of every purpose.
   *
   * @param subject whose tokens to end
   * @return how many live ones it ended
   * @throws StoreUnavailableException when the store cannot be reached
   */
  public int endAll(String subject) {
    Objects.requireNonNull(subject, "subject");
    return FailClosed.manage(
        "one-time token store", () -> store.deleteAll(subject, clock.instant()));
  }

  /** {@return the clock this service reads} */
  Clock clock() {
    return clock;
  }

  /** {@return the listener events go to, already guarded} */
  AuthListener listener() {
    return listener;
  }

  private TokenOutcome issueLink(Purpose purpose, String subject) {
    String raw = OpaqueIds.generateInShard(store.shardFor(subject));
    Instant now = clock.instant();
    Instant expiresAt = now.plus(purpose.lifetime());
    OneTimeTokenRecord record =
        new OneTimeTokenRecord(
            idOf(purpose, raw).orElseThrow(),
            subject,
            purpose.name(),
            now,
            expiresAt,
            expiresAt.plus(purpose.lifetime()),
            Optional.empty(),
            0);
    store.put(record, purpose.maxOutstanding(), now);
    return deliver(purpose, subject, raw, expiresAt);
  }

  private TokenOutcome deliver(Purpose purpose, String subject, String secret, Instant expiresAt) {
    try {
      outbox.deliver(new Outbox.Message(subject, purpose.name(), secret, expiresAt));
    } catch (RuntimeException e) {
      // The class only: the message might quote the secret.
      System.getLogger(OneTimeTokens.class.getName())
          .log(System.Logger.Level.WARNING, "outbox threw " + e.getClass().getName());
      return TokenOutcome.refused(NOT_DELIVERED);
    }
    return new TokenOutcome.Valid(subject, purpose.name(), expiresAt);
  }

  private AuthResult.Failure reserve(Purpose purpose, String key, String clientAddress) {
    LoginThrottle.Reservation r =
        throttle.reserve("one_time:" + purpose.name() + ":" + key, clientAddress);
    return r.granted()
        ? null
        : AuthResult.locked(r.lockedUntil().orElseThrow(), "too many requests");
  }

  private TokenOutcome accepted(Purpose purpose, String loginName) {
    return new TokenOutcome.Valid(loginName, purpose.name(), clock.instant());
  }

  private static TokenOutcome valid(OneTimeTokenRecord r) {
    return new TokenOutcome.Valid(r.subject(), r.purpose(), r.expiresAt());
  }

  private TokenOutcome report(Purpose purpose, TokenOutcome outcome) {
    String method = "one_time:" + purpose.name();
    Instant now = clock.instant();
    outcome.fold(
        v -> {
          listener.onEvent(new AuthEvent.Succeeded(now, v.subject(), method));
          return null;
        },
        f -> {
          listener.onEvent(new AuthEvent.Failed(now, null, method, f.reason()));
          return null;
        });
    return outcome;
  }

  private TokenOutcome failed(Purpose purpose, AuthResult.Failure failure) {
    return report(purpose, TokenOutcome.refused(failure));
  }

  private static TokenOutcome guarded(java.util.function.Supplier<TokenOutcome> work) {
    try {
      TokenOutcome outcome = work.get();
      return outcome != null
          ? outcome
          : TokenOutcome.refused(FailClosed.onNull("one-time token store"));
    } catch (RuntimeException e) {
      return TokenOutcome.refused(FailClosed.onCheck("one-time token store", e));
    }
  }

  /**
   * The stored id of a link token: its shard, and the SHA-256 of the purpose's name and the token,
   * so that the same token under another purpose is another, unknown id. Empty when {@code raw}
   * does not have the shape of a token.
   */
  private static Optional<HashedId> idOf(Purpose purpose, String raw) {
    return OpaqueIds.parse(raw)
        .map(parsed -> new HashedId(parsed.shard(), OpaqueIds.hash(purpose.name() + "\n" + raw)));
  }

  /** Where a code is found: the SHA-256 of the purpose's name and the binding. */
  private static HashedId codeId(Purpose purpose, String shard, String binding) {
    return new HashedId(shard, OpaqueIds.hash("code\n" + purpose.name() + "\n" + binding));
  }

  /** HMAC-SHA256 keyed with the binding: a code's hash is no lookup table without it. */
  private static String codeDigest(Purpose purpose, String binding, String code) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(binding.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return B64.encodeToString(
          mac.doFinal((purpose.name() + "\n" + code).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required on every Java platform", e);
    }
  }

  private static void requireKind(Purpose purpose, Purpose.Kind kind) {
    Objects.requireNonNull(purpose, "purpose");
    if (purpose.kind() != kind) {
      throw new IllegalArgumentException(
          "purpose " + purpose.name() + " is a " + purpose.kind() + " purpose, not " + kind);
    }
  }

  private static void requireBinding(String binding) {
    Objects.requireNonNull(binding, "binding");
    if (binding.isEmpty()) {
      throw new IllegalArgumentException("a code's binding cannot be empty");
    }
  }

  @Override
  public String toString() {
    return "OneTimeTokens[store=" + store + ", codeDigits=" + codeDigits + "]";
  }

  /** Configures {@link OneTimeTokens}. Not thread-safe; build once. */
  public static final class Builder {
    private final OneTimeTokenStore store;
    private final Outbox outbox;
    private Clock clock = Clock.systemUTC();
    private AuthListener listener = AuthListener.none();
    private LoginThrottle throttle;
    private UserDirectory users;
    private int codeDigits = 6;
    private int codeAttempts = 5;

    private Builder(OneTimeTokenStore store, Outbox outbox) {
      this.store = store;
      this.outbox = outbox;
    }

    /**
     * The clock lifetimes are measured by (default: the system UTC clock).
     *
     * @param clock the clock
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Receives the events (default: none).
     *
     * @param listener the listener; an exception it throws is logged and ignored
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(AuthListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The throttle on issuing (default: in memory under {@link #DEFAULT_THROTTLE}). Its name keys
     * are prefixed {@code one_time:<purpose>:}, so it may be the login throttle itself: names then
     * keep separate budgets, while a client address spends one budget on logins and requests alike
     * (an address that scans does both).
     *
     * @param throttle the throttle, e.g. {@code RedisStores.loginThrottle(policy)} for a fleet
     * @return this builder
     * @throws NullPointerException if {@code throttle} is null
     */
    public Builder throttle(LoginThrottle throttle) {
      this.throttle = Objects.requireNonNull(throttle, "throttle");
      return this;
    }

    /**
     * Where {@link #request} finds accounts by login name.
     *
     * @param users the user directory
     * @return this builder
     * @throws NullPointerException if {@code users} is null
     */
    public Builder users(UserDirectory users) {
      this.users = Objects.requireNonNull(users, "users");
      return this;
    }

    /**
     * How many digits a code has (default 6).
     *
     * @param digits 6 to 8
     * @return this builder
     * @throws IllegalArgumentException when {@code digits} is outside 6..8
     */
    public Builder codeDigits(int digits) {
      if (digits < 6 || digits > 8) {
        throw new IllegalArgumentException("codeDigits must be 6 to 8: " + digits);
      }
      this.codeDigits = digits;
      return this;
    }

    /**
     * How many presentations of one code are compared before it is dead (default 5).
     *
     * @param attempts 1 to 10
     * @return this builder
     * @throws IllegalArgumentException when {@code attempts} is outside 1..10
     */
    public Builder codeAttempts(int attempts) {
      if (attempts < 1 || attempts > 10) {
        throw new IllegalArgumentException("codeAttempts must be 1 to 10: " + attempts);
      }
      this.codeAttempts = attempts;
      return this;
    }

    /** {@return the service} */
    public OneTimeTokens build() {
      return new OneTimeTokens(this);
    }
  }
}
