package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.PrincipalResolver;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With a principal resolver, each refresh mints its access token for the principal as it is now.
 */
class RefreshPrincipalResolverTest {
  static final Principal ALICE = Principal.of("alice", Set.of("user"));
  static final Principal ALICE_ADMIN = Principal.of("alice", Set.of("user", "admin"));

  TestClock clock;
  JwtTokenService access;
  RefreshTokenStore store;
  List<AuthEvent> events;
  Map<String, Principal> users;
  AtomicInteger lookups;

  @BeforeEach
  void setUp() {
    clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    access =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS256)),
                "iss",
                "aud")
            .clock(clock)
            .build();
    store = RefreshTokens.inMemoryStore(clock);
    events = new CopyOnWriteArrayList<>();
    users = new ConcurrentHashMap<>(Map.of("alice", ALICE));
    lookups = new AtomicInteger();
  }

  RefreshTokens refreshTokens(PrincipalResolver resolver) {
    return RefreshTokens.builder(access, store)
        .clock(clock)
        .listener(events::add)
        .principalResolver(resolver)
        .build();
  }

  RefreshTokens withDirectory() {
    return refreshTokens(
        subject -> {
          lookups.incrementAndGet();
          return Optional.ofNullable(users.get(subject));
        });
  }

  private Optional<Principal> principalOf(String accessToken) {
    return access.verify(accessToken).principal();
  }

  @Test
  void aRoleChangeReachesTheNextRefreshAndEveryOneAfter() {
    RefreshTokens refresh = withDirectory();
    RefreshTokens.TokenPair login = refresh.login(ALICE);
    assertThat(principalOf(login.accessToken())).contains(ALICE);

    users.put("alice", ALICE_ADMIN);
    RefreshTokens.TokenPair first = refresh.refresh(login.refreshToken()).tokens().orElseThrow();
    users.put("alice", ALICE);
    RefreshTokens.TokenPair second = refresh.refresh(first.refreshToken()).tokens().orElseThrow();

    assertThat(principalOf(first.accessToken())).contains(ALICE_ADMIN);
    assertThat(principalOf(second.accessToken())).contains(ALICE);
    assertThat(lookups).hasValue(2);
  }

  @Test
  void withoutAResolverTheLoginPrincipalIsKept() {
    RefreshTokens refresh = RefreshTokens.builder(access, store).clock(clock).build();
    RefreshTokens.TokenPair login = refresh.login(ALICE);
    users.put("alice", ALICE_ADMIN);

    RefreshTokens.TokenPair next = refresh.refresh(login.refreshToken()).tokens().orElseThrow();

    assertThat(principalOf(next.accessToken())).contains(ALICE);
  }

  @Test
  void aSubjectTheResolverNoLongerKnowsHasItsFamilyEnded() {
    RefreshTokens refresh = withDirectory();
    RefreshTokens.TokenPair login = refresh.login(ALICE);
    RefreshTokens.TokenPair other = refresh.login(ALICE);
    users.remove("alice");

    RefreshTokens.Result result = refresh.refresh(login.refreshToken());

    assertThat(result.tokens()).isEmpty();
    assertThat(result.failure().orElseThrow().reason()).isEqualTo(Reason.REVOKED);
    assertThat(access.verify(login.accessToken()).failure().orElseThrow().reason())
        .isEqualTo(Reason.REVOKED);
    assertThat(events)
        .anyMatch(e -> e instanceof AuthEvent.Revoked r && "alice".equals(r.subject()));
    // Only the family refreshed is ended here; the other ends at its own next refresh.
    assertThat(refresh.logoutEverywhere("alice")).isEqualTo(1);
    assertThat(refresh.refresh(other.refreshToken()).failure().orElseThrow().reason())
        .isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void aResolverThatIsDownMakesTheRefreshUnavailableAndEndsNothing() {
    RefreshTokens refresh =
        refreshTokens(
            subject -> {
              throw new StoreUnavailableException("test: directory down");
            });
    RefreshTokens.TokenPair login = refresh.login(ALICE);

    RefreshTokens.Result result = refresh.refresh(login.refreshToken());

    assertThat(result.tokens()).isEmpty();
    assertThat(result.failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(access.verify(login.accessToken()).succeeded()).isTrue();
  }

  @Test
  void aResolverThatThrowsAnythingElseMakesTheRefreshUnavailable() {
    RefreshTokens refresh =
        refreshTokens(
            subject -> {
              throw new IllegalStateException("test: bug");
            });
    RefreshTokens.TokenPair login = refresh.login(ALICE);

    assertThat(refresh.refresh(login.refreshToken()).failure().orElseThrow().reason())
        .isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void aResolverAnsweringAnotherSubjectNeverHandsItsTokenOut() {
    RefreshTokens refresh = refreshTokens(subject -> Optional.of(Principal.of("mallory")));
    RefreshTokens.TokenPair login = refresh.login(ALICE);

    RefreshTokens.Result result = refresh.refresh(login.refreshToken());

    assertThat(result.tokens()).isEmpty();
    assertThat(result.failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void withGraceARetryAfterAResolverOutageIsHonoured() {
    AtomicInteger calls = new AtomicInteger();
    RefreshTokens refresh =
        RefreshTokens.builder(access, store)
            .clock(clock)
            .grace(Duration.ofSeconds(30))
            .principalResolver(
                subject -> {
                  if (calls.incrementAndGet() == 1) {
                    throw new StoreUnavailableException("test: directory down once");
                  }
                  return Optional.of(ALICE_ADMIN);
                })
            .build();
    RefreshTokens.TokenPair login = refresh.login(ALICE);
    assertThat(refresh.refresh(login.refreshToken()).failure().orElseThrow().reason())
        .isEqualTo(Reason.UNAVAILABLE);

    clock.advance(Duration.ofSeconds(5));
    RefreshTokens.TokenPair retried = refresh.refresh(login.refreshToken()).tokens().orElseThrow();

    assertThat(principalOf(retried.accessToken())).contains(ALICE_ADMIN);
  }
}
