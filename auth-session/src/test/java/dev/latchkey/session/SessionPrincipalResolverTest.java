package dev.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.PrincipalResolver;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.OpaqueIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SessionPrincipalResolverTest {
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));
  private static final Principal ALICE_ADMIN = Principal.of("alice", Set.of("user", "admin"));

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
  private final InMemorySessionStore memory = InMemorySessionStore.builder().clock(clock).build();
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();

  /** The user table as it is now: what an application's resolver would read. */
  private final Map<String, Principal> users = new ConcurrentHashMap<>(Map.of("alice", ALICE));

  private final AtomicInteger lookups = new AtomicInteger();
  // What the resolver does instead of reading the table, when set: a fault or a wrong answer.
  private final AtomicReference<PrincipalResolver> override = new AtomicReference<>();
  private final PrincipalResolver resolver =
      subject -> {
        lookups.incrementAndGet();
        PrincipalResolver o = override.get();
        return o != null ? o.resolve(subject) : Optional.ofNullable(users.get(subject));
      };

  private final SessionManager sessions =
      SessionManager.builder(memory)
          .idleTimeout(Duration.ofMinutes(30))
          .clock(clock)
          .listener(events::add)
          .principalResolver(resolver)
          .build();

  private String login() {
    return sessions.login(ALICE, Map.of()).created().orElseThrow().id();
  }

  private Reason refusal(String sid) {
    return sessions.authenticate(new SessionCookie(sid)).failure().orElseThrow().reason();
  }

  @Test
  void roleGrantedAfterLoginIsSeenOnTheNextCheck() {
    String sid = login();
    assertThat(sessions.check(new SessionCookie(sid)).principal()).contains(ALICE);

    users.put("alice", ALICE_ADMIN);

    SessionCheck check = sessions.check(new SessionCookie(sid));
    assertThat(check.principal()).contains(ALICE_ADMIN);
    assertThat(check.active().orElseThrow().session().subject()).isEqualTo("alice");
    assertThat(sessions.authenticate(new SessionCookie(sid)))
        .isEqualTo(AuthResult.success(ALICE_ADMIN));
    assertThat(sessions.authenticator().authenticate(new SessionCookie(sid)).principal())
        .contains(ALICE_ADMIN);
  }

  @Test
  void roleWithdrawnAfterLoginIsGoneOnTheNextCheck() {
    users.put("alice", ALICE_ADMIN);
    String sid = sessions.login(ALICE_ADMIN, Map.of()).created().orElseThrow().id();

    users.put("alice", ALICE);

    assertThat(sessions.authenticate(new SessionCookie(sid)).principal().orElseThrow().roles())
        .containsExactly("user");
  }

  @Test
  void subjectThatMayNoLongerSignInIsRevokedAndItsSessionEnded() {
    String sid = login();

    users.remove("alice");

    assertThat(refusal(sid)).isEqualTo(Reason.REVOKED);
    assertThat(events)
        .last()
        .isEqualTo(new AuthEvent.Failed(clock.instant(), null, "session", Reason.REVOKED));
    users.put("alice", ALICE);
    assertThat(refusal(sid)).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(sessions.sessionsOf("alice")).isEmpty();
  }

  @Test
  void resolverOutageIsUnavailableAndEndsNothing() {
    String sid = login();

    override.set(
        subject -> {
          throw new StoreUnavailableException("user table unreachable");
        });
    assertThat(refusal(sid)).isEqualTo(Reason.UNAVAILABLE);
    SessionCheck check = sessions.check(new SessionCookie(sid));
    assertThat(check.failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);

    override.set(null);
    assertThat(sessions.authenticate(new SessionCookie(sid)).principal()).contains(ALICE);
  }

  @Test
  void resolverThrowingAnythingElseIsUnavailableToo() {
    String sid = login();

    override.set(
        subject -> {
          throw new IllegalStateException("mapper bug with secret row data");
        });

    AuthResult result = sessions.authenticate(new SessionCookie(sid));
    assertThat(result.failure().orElseThrow().reason()).isEqualTo(Reason.UNAVAILABLE);
    assertThat(result.failure().orElseThrow().detail()).doesNotContain("secret");
    override.set(null);
    assertThat(sessions.authenticate(new SessionCookie(sid)).succeeded()).isTrue();
  }

  @Test
  void resolverAnsweringAnotherSubjectNeverLogsTheClientInAsThem() {
    String sid = login();

    override.set(subject -> Optional.of(Principal.of("mallory", Set.of("admin"))));

    assertThat(refusal(sid)).isEqualTo(Reason.UNAVAILABLE);
    override.set(null);
    assertThat(sessions.authenticate(new SessionCookie(sid)).principal()).contains(ALICE);
  }

  @Test
  void resolverAnsweringNullIsUnavailable() {
    String sid = login();

    override.set(subject -> null);

    assertThat(refusal(sid)).isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void resolverIsNotAskedForACookieThatNamesNoLiveSession() {
    String sid = login();
    clock.advance(Duration.ofMinutes(31));

    assertThat(refusal(sid)).isEqualTo(Reason.EXPIRED);
    assertThat(refusal(OpaqueIds.generate())).isEqualTo(Reason.INVALID_CREDENTIALS);
    assertThat(refusal("not-an-id")).isEqualTo(Reason.MALFORMED);
    assertThat(lookups).hasValue(0);
  }

  @Test
  void withoutAResolverTheLoginPrincipalIsAnsweredForTheSessionsLife() {
    SessionManager frozen = SessionManager.builder(memory).clock(clock).build();
    String sid = frozen.login(ALICE, Map.of()).created().orElseThrow().id();

    users.put("alice", ALICE_ADMIN);
    users.remove("alice");

    assertThat(frozen.authenticate(new SessionCookie(sid))).isEqualTo(AuthResult.success(ALICE));
  }
}
