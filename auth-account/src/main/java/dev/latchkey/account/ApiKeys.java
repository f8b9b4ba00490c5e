package dev.latchkey.account;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.internal.FailClosed;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.ApiKeyRecord;
import dev.latchkey.core.spi.ApiKeyStore;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Pattern;

// Past 450 lines for a reason: Builder, Created and KeyInfo are public API as nested types, so
// they and their contracts live here. The key's text (prefix, id, secret, checksum) is
// ApiKeyFormat's job; what is left is the one-read verify and the bookkeeping around it.

/**
 * API keys (personal access tokens): long-lived bearer credentials a user makes for a script or a
 * service, each with a name, scopes and an expiry, revocable one by one.
 *
 * <pre>{@code
 * ApiKeys keys = ApiKeys.builder(InMemoryApiKeyStore.create()).appPrefix("acme").build();
 * ApiKeys.Created created = keys.create("alice", "ci", Set.of("repo:read"), Duration.ofDays(30))
 *     .orElseThrow();                      // empty at the subject's cap
 * AuthResult result = keys.verify(created.key());
 * Set<String> scopes = ApiKeys.scopes(result.principal().orElseThrow());
 * }</pre>
 *
 * <p><b>The key.</b> {@code lk_<app>_} and 65 base64url characters: a public id, a 256-bit secret
 * and a checksum. A key with a wrong checksum (a typo, a cut copy) is refused as {@link
 * AuthResult.Reason#MALFORMED} without asking the store. The store keeps only the SHA-256 of the
 * secret, compared in constant time; the key is shown once, by {@link #create}.
 *
 * <p><b>The principal.</b> A verified key authenticates as its subject, with one role {@value
 * #SCOPE_ROLE_PREFIX}{@code <scope>} per scope and the attribute {@value #KEY_ID_ATTRIBUTE} naming
 * the key; {@link #scopes(Principal)} reads the scopes back. An application checks a scope with
 * {@code principal.hasRole("scope:repo:read")}.
 *
 * <p><b>One read per verification.</b> {@link #verify} reads the key's record once; it writes the
 * key's last use only when the record read says the last one is older than {@link
 * Builder#lastUsedInterval} (one minute by default), and a failure of that write never fails the
 * verification.
 *
 * <p>Every verification emits {@link AuthEvent.Succeeded} or {@link AuthEvent.Failed} (method
 * {@value #METHOD}); creation emits {@link AuthEvent.Issued} and revocation {@link
 * AuthEvent.Revoked}. Built once by {@link #builder}; immutable and safe for concurrent use.
 */
public final class ApiKeys {
  /** The event method of verifications. */
  public static final String METHOD = "api_key";

  /** The prefix of the principal's roles that carry the key's scopes. */
  public static final String SCOPE_ROLE_PREFIX = "scope:";

  /** The principal attribute naming the key that authenticated. */
  public static final String KEY_ID_ATTRIBUTE = "api_key_id";

  /** The longest key name, in characters. */
  public static final int MAX_NAME_CHARS = 64;

  /** The most scopes of one key. */
  public static final int MAX_SCOPES = 20;

  /** The longest scope, in characters. */
  public static final int MAX_SCOPE_CHARS = 64;

  /** The shortest lifetime a key may be given. */
  public static final Duration MIN_LIFETIME = Duration.ofMinutes(1);

  private static final Pattern SCOPE =
      Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_SCOPE_CHARS + "}");
  private static final Pattern APP = Pattern.compile("[a-z0-9]{1,16}");

  /** Slots of the table of derived records: a power of two, bounded memory whatever the load. */
  private static final int DERIVED_SLOTS = 16_384;

  private static final System.Logger LOG = System.getLogger(ApiKeys.class.getName());

  private final ApiKeyStore store;
  private final ApiKeyFormat format;
  private final Clock clock;
  private final AuthListener listener;
  private final boolean listening;
  private final int maxKeysPerSubject;
  private final Duration defaultLifetime;
  private final Duration maxLifetime;
  private final Duration lastUsedInterval;
  private final Authenticator<BearerToken> authenticator;
  private final AtomicReferenceArray<Verified> derived = new AtomicReferenceArray<>(DERIVED_SLOTS);

  private ApiKeys(Builder b) {
    this.store = b.store;
    this.format = new ApiKeyFormat(b.appPrefix);
    this.clock = b.clock;
    this.listening = b.listener != null;
    this.listener = listening ? AuthListener.guarded(b.listener) : AuthListener.none();
    this.maxKeysPerSubject = b.maxKeysPerSubject;
    this.defaultLifetime = b.defaultLifetime;
    this.maxLifetime = b.maxLifetime;
    this.lastUsedInterval = b.lastUsedInterval;
    this.authenticator =
        new Authenticator<>() {
          @Override
          public Class<BearerToken> credentialType() {
            return BearerToken.class;
          }

          @Override
          public AuthResult authenticate(BearerToken credentials) {
            return verify(credentials.value());
          }

          @Override
          public String toString() {
            return "ApiKeys.authenticator[" + format.prefix() + "]";
          }
        };
  }

  /**
   * {@return a builder over {@code store}}
   *
   * @param store where the keys' records live
   * @throws NullPointerException if {@code store} is null
   */
  public static Builder builder(ApiKeyStore store) {
    return new Builder(Objects.requireNonNull(store, "store"));
  }

  /**
   * A key just made: the only time its text exists outside its owner's hands. {@code toString()}
   * never shows the key.
   *
   * @param id the key's public id, for listing and revoking
   * @param key the key to show its owner once
   * @param expiresAt when it stops working
   */
  public record Created(String id, String key, Instant expiresAt) {
    /**
     * Checks the parts.
     *
     * @param id the key's public id
     * @param key the key to show once
     * @param expiresAt when it stops working
     * @throws NullPointerException if an argument is null
     */
    public Created {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
      return "Created[id=" + id + ", key=<redacted>, expiresAt=" + expiresAt + "]";
    }
  }

  /**
   * A key as its owner's listing shows it: no secret, no hash.
   *
   * @param id the key's public id
   * @param name the owner's label
   * @param scopes what the key may do
   * @param createdAt when it was made
   * @param expiresAt when it stops working
   * @param lastUsedAt when it last verified, to within {@link Builder#lastUsedInterval}; empty when
   *     never
   */
  public record KeyInfo(
      String id,
      String name,
      Set<String> scopes,
      Instant createdAt,
      Instant expiresAt,
      Optional<Instant> lastUsedAt) {
    /**
     * Checks the parts and copies the scopes.
     *
     * @param id the key's public id
     * @param name the owner's label
     * @param scopes what the key may do
     * @param createdAt when it was made
     * @param expiresAt when it stops working
     * @param lastUsedAt when it last verified, or empty
     * @throws NullPointerException if an argument or a scope is null
     */
    public KeyInfo {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      scopes = Set.copyOf(scopes);
      Objects.requireNonNull(createdAt, "createdAt");
      Objects.requireNonNull(expiresAt, "expiresAt");
      Objects.requireNonNull(lastUsedAt, "lastUsedAt");
    }
  }

  /**
   * Makes a key for {@code subject}.
   *
   * @param subject whom the key authenticates as
   * @param name the owner's label: 1 to {@value #MAX_NAME_CHARS} characters, no control character
   * @param scopes up to {@value #MAX_SCOPES} scopes, each 1 to {@value #MAX_SCOPE_CHARS} of {@code
   *     A-Z a-z 0-9 . _ : -}
   * @param expiresIn the key's lifetime, from {@link #MIN_LIFETIME} to {@link Builder#maxLifetime};
   *     {@code null} for {@link Builder#defaultLifetime}
   * @return the key, shown here only; empty when the subject already holds {@link
   *     Builder#maxKeysPerSubject} live keys
   * @throws NullPointerException if {@code subject}, {@code name} or {@code scopes} is null
   * @throws IllegalArgumentException when an argument is out of its bounds (the message names the
   *     bound, never the value)
   * @throws StoreUnavailableException when the store cannot be reached
   */
  public Optional<Created> create(
      String subject, String name, Set<String> scopes, Duration expiresIn) {
    Objects.requireNonNull(subject, "subject");
    checkName(name);
    Set<String> checkedScopes = checkScopes(scopes);
    Duration lifetime = expiresIn == null ? defaultLifetime : expiresIn;
    checkLifetime(lifetime);
    if (subject.isBlank()) {
      throw new IllegalArgumentException("subject cannot be blank");
    }
    return FailClosed.manage(
        "api key store",
        () -> {
          Instant now = clock.instant();
          String id = ApiKeyFormat.newId(store.shardFor(subject));
          String secret = ApiKeyFormat.newSecret();
          ApiKeyRecord record =
              new ApiKeyRecord(
                  id,
                  subject,
                  name,
                  checkedScopes,
                  now,
                  now.plus(lifetime),
                  false,
                  Optional.empty(),
                  ApiKeyFormat.hashSecret(secret));
          if (!store.create(record, maxKeysPerSubject, now)) {
            return Optional.empty();
          }
          if (listening) {
            listener.onEvent(new AuthEvent.Issued(now, subject, "api key"));
          }
          return Optional.of(new Created(id, format.compose(id, secret), record.expiresAt()));
        });
  }

  /**
   * The subject's keys that still work (neither revoked nor expired), oldest first, without
   * secrets.
   *
   * @param subject whose keys
   * @return the keys
   * @throws StoreUnavailableException when the store cannot be reached
   */
  public List<KeyInfo> list(String subject) {
    Objects.requireNonNull(subject, "subject");
    return FailClosed.manage(
        "api key store",
        () -> {
          Instant now = clock.instant();
          List<KeyInfo> out = new ArrayList<>();
          for (ApiKeyRecord r : store.list(subject, now)) {
            if (r.liveAt(now)) {
              out.add(
                  new KeyInfo(
                      r.id(), r.name(), r.scopes(), r.createdAt(), r.expiresAt(), r.lastUsedAt()));
            }
          }
          return List.copyOf(out);
        });
  }

  /**
   * Revokes the subject's key {@code id}: from now on it is refused as {@link
   * AuthResult.Reason#REVOKED}.
   *
   * @param subject the key's owner
   * @param id the key's id
   * @return whether a key was revoked; false for an unknown id, one already revoked, or another
   *     subject's key (which stays untouched)
   * @throws StoreUnavailableException when the store cannot be reached
   */
  public boolean revoke(String subject, String id) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(id, "id");
    if (!ApiKeyRecord.isId(id)) {
      return false;
    }
    return FailClosed.manage(
        "api key store",
        () -> {
          boolean revoked = store.revoke(subject, id);
          if (revoked && listening) {
            listener.onEvent(new AuthEvent.Revoked(clock.instant(), subject, "api key"));
          }
          return revoked;
        });
  }

  /**
   * Checks a key as a client presented it. Never throws.
   *
   * @param key the key; attacker-controlled, may be null
   * @return the principal (see the class comment), or a refusal: {@link
   *     AuthResult.Reason#MALFORMED} for a key of another shape or with a wrong checksum (no store
   *     read), {@link AuthResult.Reason#INVALID_CREDENTIALS} for an unknown key or a wrong secret,
   *     {@link AuthResult.Reason#REVOKED}, {@link AuthResult.Reason#EXPIRED}, {@link
   *     AuthResult.Reason#UNAVAILABLE} when the store cannot be reached
   */
  public AuthResult verify(String key) {
    ApiKeyFormat.Parsed parsed = format.parse(key);
    if (parsed == null) {
      return refused(AuthResult.Reason.MALFORMED, "malformed api key");
    }
    Optional<ApiKeyRecord> found;
    try {
      found = store.find(parsed.id());
    } catch (RuntimeException e) {
      AuthResult.Failure failure = FailClosed.onCheck("api key store", e);
      emitFailure(failure.reason());
      return failure;
    }
    if (found == null) {
      AuthResult.Failure failure = FailClosed.onNull("api key store");
      emitFailure(failure.reason());
      return failure;
    }
    if (found.isEmpty()) {
      return refused(AuthResult.Reason.INVALID_CREDENTIALS, "unknown api key");
    }
    ApiKeyRecord record = found.get();
    Verified verified = verified(record);
    if (verified == null || !MessageDigest.isEqual(verified.secretHash, parsed.secretHash())) {
      return refused(AuthResult.Reason.INVALID_CREDENTIALS, "unknown api key");
    }
    if (record.revoked()) {
      return refused(AuthResult.Reason.REVOKED, "api key revoked");
    }
    Instant now = clock.instant();
    if (!now.isBefore(record.expiresAt())) {
      return refused(AuthResult.Reason.EXPIRED, "api key expired");
    }
    if (record.lastUsedAt().map(last -> !last.plus(lastUsedInterval).isAfter(now)).orElse(true)) {
      recordUse(record.id(), now);
    }
    if (listening) {
      listener.onEvent(new AuthEvent.Succeeded(now, record.subject(), METHOD));
    }
    return verified.result;
  }

  /**
   * What a verification derives from a record: the decoded secret hash and the success to answer.
   * Kept per record instance in a small direct-mapped table, so a store that answers the same
   * immutable record again (the in-memory one) costs no decoding and no principal building; any
   * other record, a changed one included, is derived afresh.
   */
  private static final class Verified {
    final ApiKeyRecord record;
    final byte[] secretHash;
    final AuthResult result;

    Verified(ApiKeyRecord record, byte[] secretHash, AuthResult result) {
      this.record = record;
      this.secretHash = secretHash;
      this.result = result;
    }
  }

  /** The derived parts of {@code record}, or null when its stored hash is unreadable. */
  // Identity on purpose: the same instance is the same immutable record, and the check is one
  // comparison; equal records of other instances are only derived again.
  @SuppressWarnings("ReferenceEquality")
  private Verified verified(ApiKeyRecord record) {
    int slot = record.id().hashCode() & (derived.length() - 1);
    Verified cached = derived.get(slot);
    if (cached != null && cached.record == record) {
      return cached;
    }
    byte[] hash = OpaqueIds.decodeSha256(record.secretHash());
    if (hash == null) {
      return null;
    }
    // Immutable collections from the start: the principal keeps them without copying.
    String[] roles = new String[record.scopes().size()];
    int r = 0;
    for (String scope : record.scopes()) {
      roles[r++] = SCOPE_ROLE_PREFIX + scope;
    }
    Principal principal =
        new Principal(record.subject(), Set.of(roles), Map.of(KEY_ID_ATTRIBUTE, record.id()));
    Verified fresh = new Verified(record, hash, AuthResult.success(principal));
    derived.set(slot, fresh);
    return fresh;
  }

  /**
   * {@return the strategy that verifies a {@link BearerToken} as an API key}, for an {@code
   * AuthenticatorChain} or a web layer's bearer dispatch
   */
  public Authenticator<BearerToken> authenticator() {
    return authenticator;
  }

  /**
   * A bearer strategy for API keys and every other bearer token together, for an {@code
   * AuthenticatorChain} (which holds one strategy per credentials type): a value with this
   * service's key prefix is verified here, any other goes to {@code otherBearers} (typically {@code
   * JwtTokenService.authenticator()}). A JWT never starts with the prefix, so no token reaches the
   * wrong check.
   *
   * <pre>{@code
   * AuthenticatorChain chain = AuthenticatorChain.builder()
   *     .add(apiKeys.authenticatorBeside(jwtService.authenticator()))
   *     .add(sessions.authenticator())
   *     .build();
   * }</pre>
   *
   * @param otherBearers the strategy for bearer tokens that are not API keys
   * @return the combined strategy
   * @throws NullPointerException when {@code otherBearers} is null
   */
  public Authenticator<BearerToken> authenticatorBeside(Authenticator<BearerToken> otherBearers) {
    Objects.requireNonNull(otherBearers, "otherBearers");
    Authenticator<BearerToken> keys = authenticator;
    return new Authenticator<>() {
      @Override
      public Class<BearerToken> credentialType() {
        return BearerToken.class;
      }

      @Override
      public AuthResult authenticate(BearerToken credentials) {
        return format.recognizes(credentials.value())
            ? keys.authenticate(credentials)
            : otherBearers.authenticate(credentials);
      }

      @Override
      public String toString() {
        return keys + " beside " + otherBearers;
      }
    };
  }

  /**
   * {@return whether {@code bearer} has this service's key prefix} ({@code lk_<app>_}), so a web
   * layer sends it here rather than to the JWT verifier. Says nothing of its validity.
   *
   * @param bearer a bearer value, or {@code null}
   */
  public boolean recognizes(String bearer) {
    return format.recognizes(bearer);
  }

  /** {@return the prefix every key of this service starts with, {@code lk_<app>_}} */
  public String keyPrefix() {
    return format.prefix();
  }

  /**
   * {@return the scopes of a principal this service authenticated}: its roles that start with
   * {@value #SCOPE_ROLE_PREFIX}, without that prefix
   *
   * @param principal the principal
   */
  public static Set<String> scopes(Principal principal) {
    Set<String> out = new LinkedHashSet<>();
    for (String role : principal.roles()) {
      if (role.startsWith(SCOPE_ROLE_PREFIX)) {
        out.add(role.substring(SCOPE_ROLE_PREFIX.length()));
      }
    }
    return Set.copyOf(out);
  }

  /** The last-use write: best effort, so a store that fails it never fails a verification. */
  private void recordUse(String id, Instant now) {
    try {
      store.touch(id, now);
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "api key last-use write failed (" + e.getClass().getName() + ")");
    }
  }

  private AuthResult.Failure refused(AuthResult.Reason reason, String detail) {
    emitFailure(reason);
    return AuthResult.failure(reason, detail);
  }

  private void emitFailure(AuthResult.Reason reason) {
    if (listening) {
      listener.onEvent(new AuthEvent.Failed(clock.instant(), null, METHOD, reason));
    }
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()
        || name.length() > MAX_NAME_CHARS
        || !name.chars()
            .allMatch(c -> c >= 0x20 && c != 0x7f && !Character.isSurrogate((char) c))) {
      throw new IllegalArgumentException(
          "name must be 1 to " + MAX_NAME_CHARS + " printable characters");
    }
  }

  private static Set<String> checkScopes(Set<String> scopes) {
    Objects.requireNonNull(scopes, "scopes");
    if (scopes.size() > MAX_SCOPES) {
      throw new IllegalArgumentException("at most " + MAX_SCOPES + " scopes");
    }
    for (String scope : scopes) {
      if (scope == null || !SCOPE.matcher(scope).matches()) {
        throw new IllegalArgumentException(
            "a scope is 1 to " + MAX_SCOPE_CHARS + " characters of A-Z a-z 0-9 . _ : -");
      }
    }
    return Set.copyOf(scopes);
  }

  private void checkLifetime(Duration lifetime) {
    if (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(maxLifetime) > 0) {
      throw new IllegalArgumentException(
          "expires_in must be from " + MIN_LIFETIME + " to " + maxLifetime);
    }
  }

  /** {@return the longest lifetime {@link #create} accepts} */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  @Override
  public String toString() {
    return "ApiKeys[prefix="
        + format.prefix()
        + ", store="
        + store
        + ", maxKeysPerSubject="
        + maxKeysPerSubject
        + "]";
  }

  /**
   * Configures {@link ApiKeys}. Defaults: the prefix {@code lk_app_}, the system UTC clock, no
   * listener, 20 live keys per subject, a 90-day default and 365-day maximum lifetime, a last-use
   * write at most once a minute per key. Not thread-safe; build once.
   */
  public static final class Builder {
    private final ApiKeyStore store;
    private String appPrefix = "app";
    private Clock clock = Clock.systemUTC();
    private AuthListener listener;
    private int maxKeysPerSubject = 20;
    private Duration defaultLifetime = Duration.ofDays(90);
    private Duration maxLifetime = Duration.ofDays(365);
    private Duration lastUsedInterval = Duration.ofMinutes(1);

    private Builder(ApiKeyStore store) {
      this.store = store;
    }

    /**
     * The application's part of the key prefix: keys read {@code lk_<app>_...}, so a secret scanner
     * and a person tell whose key a leaked one is.
     *
     * @param app 1 to 16 of {@code a-z 0-9}
     * @return this builder
     * @throws IllegalArgumentException when {@code app} is out of that shape
     */
    public Builder appPrefix(String app) {
      Objects.requireNonNull(app, "app");
      if (!APP.matcher(app).matches()) {
        throw new IllegalArgumentException("appPrefix must be 1 to 16 of a-z 0-9: " + app);
      }
      this.appPrefix = app;
      return this;
    }

    /**
     * The clock that stamps creation, expiry and use.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Who receives the events (see {@link ApiKeys}); a listener that throws is ignored.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(AuthListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The most live keys one subject may hold (default 20); {@link ApiKeys#create} answers empty
     * beyond.
     *
     * @param max 1 to 1000
     * @return this builder
     */
    public Builder maxKeysPerSubject(int max) {
      if (max < 1 || max > 1000) {
        throw new IllegalArgumentException("maxKeysPerSubject must be 1..1000: " + max);
      }
      this.maxKeysPerSubject = max;
      return this;
    }

    /**
     * The lifetime of a key created without one (default 90 days).
     *
     * @param lifetime at least {@link ApiKeys#MIN_LIFETIME}, at most the maximum lifetime
     * @return this builder
     */
    public Builder defaultLifetime(Duration lifetime) {
      this.defaultLifetime = atLeastMinimum(lifetime, "defaultLifetime");
      return this;
    }

    /**
     * The longest lifetime a key may be given (default 365 days).
     *
     * @param lifetime at least {@link ApiKeys#MIN_LIFETIME}
     * @return this builder
     */
    public Builder maxLifetime(Duration lifetime) {
      this.maxLifetime = atLeastMinimum(lifetime, "maxLifetime");
      return this;
    }

    /**
     * How stale a key's last use may get before a verification writes it again (default one
     * minute): a key used constantly costs one write per interval, not one per request.
     *
     * @param interval positive
     * @return this builder
     */
    public Builder lastUsedInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("lastUsedInterval must be positive: " + interval);
      }
      this.lastUsedInterval = interval;
      return this;
    }

    private static Duration atLeastMinimum(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(MIN_LIFETIME) < 0) {
        throw new IllegalArgumentException(name + " must be at least " + MIN_LIFETIME + ": " + d);
      }
      return d;
    }

    /**
     * Builds the service.
     *
     * @return the service
     * @throws IllegalStateException when the default lifetime exceeds the maximum
     */
    public ApiKeys build() {
      if (defaultLifetime.compareTo(maxLifetime) > 0) {
        throw new IllegalStateException(
            "defaultLifetime cannot exceed maxLifetime: " + defaultLifetime + " > " + maxLifetime);
      }
      return new ApiKeys(this);
    }
  }
}
