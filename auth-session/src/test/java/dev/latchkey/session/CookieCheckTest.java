package dev.latchkey.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.latchkey.core.AuthEvent;
import dev.latchkey.core.AuthListener;
import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.PrincipalResolver;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CookieCheckTest {
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));
  private static final SessionTimeouts TIMEOUTS =
      SessionTimeouts.of(
          Duration.ofMinutes(30),
          Duration.ofHours(8),
          Duration.ofMinutes(5),
          Duration.ofMinutes(10));

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
  private final List<AuthEvent> events = new CopyOnWriteArrayList<>();
  private final InMemorySessionStore memory = InMemorySessionStore.builder().clock(clock).build();

  private CookieCheck check(SessionStore store, PrincipalResolver resolver) {
    return new CookieCheck(
        store, TIMEOUTS, clock, events::add, true, resolver, Duration.ofMinutes(5));
  }

  /** A session stored as a login stores it; answers its raw id. */
  private String stored() {
    String raw = OpaqueIds.generateInShard(memory.shardFor("alice"));
    HashedId id = OpaqueIds.parse(raw).orElseThrow();
    memory.create(TIMEOUTS.start(id, ALICE, clock.instant(), Map.of()), 16, CapPolicy.END_OLDEST);
    return raw;
  }

  /** What a check answers, as the record it saw or the refusal's reason. */
  private static Object verify(CookieCheck check, String value) {
    return check.verify(
        new SessionCookie(value), false, (record, principal) -> record, f -> f.reason());
  }

  @Test
  void liveSessionIsAnsweredWithItsRecordRenewedByTheCheckTouch() {
    String raw = stored();
    clock.advance(Duration.ofMinutes(5));

    Object answer = verify(check(memory, null), raw);

    assertThat(answer)
        .isInstanceOfSatisfying(
            SessionRecord.class, r -> assertThat(r.lastSeenAt()).isEqualTo(clock.instant()));
    assertThat(events)
        .containsExactly(new AuthEvent.Succeeded(clock.instant(), "alice", "session"));
  }

  @Test
  void malformedCookieIsRefusedWithoutAskingTheStore() {
    SessionStore store = mock(SessionStore.class);

    assertThat(verify(check(store, null), "not-an-id")).isEqualTo(Reason.MALFORMED);

    verifyNoInteractions(store);
    assertThat(events)
        .containsExactly(new AuthEvent.Failed(clock.instant(), null, "session", Reason.MALFORMED));
  }

  @Test
  void deadSessionIsExpiredWithinTheNoticeAndUnknownPastIt() {
    String raw = stored();
    CookieCheck check = check(memory, null);

    clock.advance(Duration.ofMinutes(30));
    assertThat(verify(check, raw)).isEqualTo(Reason.EXPIRED);
    clock.advance(Duration.ofMinutes(10));
    assertThat(verify(check, raw)).isEqualTo(Reason.INVALID_CREDENTIALS);
  }

  @Test
  void storeFaultIsUnavailable() {
    SessionStore store = mock(SessionStore.class);
    when(store.read(any(), any())).thenThrow(new IllegalStateException("decoder bug"));

    CookieCheck check =
        new CookieCheck(store, TIMEOUTS, clock, events::add, true, null, Duration.ofMinutes(5));

    assertThat(verify(check, OpaqueIds.generate())).isEqualTo(Reason.UNAVAILABLE);
  }

  @Test
  void withoutAListenerNoEventIsMade() {
    AuthListener mustNotBeCalled =
        e -> {
          throw new AssertionError("event made without a listener: " + e);
        };
    CookieCheck quiet =
        new CookieCheck(
            memory, TIMEOUTS, clock, mustNotBeCalled, false, null, Duration.ofMinutes(5));

    assertThat(verify(quiet, stored())).isInstanceOf(SessionRecord.class);
    assertThat(verify(quiet, "bad")).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void resolverPrincipalIsAnsweredInsteadOfTheLogins() {
    Principal admin = Principal.of("alice", Set.of("user", "admin"));
    CookieCheck check = check(memory, subject -> Optional.of(admin));

    AuthResult result =
        check.verify(new SessionCookie(stored()), false, (r, p) -> AuthResult.success(p), f -> f);

    assertThat(result).isEqualTo(AuthResult.success(admin));
  }

  @Test
  void subjectTheResolverNoLongerKnowsIsRevokedAndItsSessionEnded() {
    String raw = stored();

    assertThat(verify(check(memory, subject -> Optional.empty()), raw)).isEqualTo(Reason.REVOKED);

    assertThat(memory.listBySubject("alice", clock.instant())).isEmpty();
  }

  @Test
  void resolverAnsweringAnotherSubjectIsUnavailableAndEndsNothing() {
    String raw = stored();
    Principal bob = Principal.of("bob", Set.of("user"));

    assertThat(verify(check(memory, subject -> Optional.of(bob)), raw))
        .isEqualTo(Reason.UNAVAILABLE);

    assertThat(memory.listBySubject("alice", clock.instant())).hasSize(1);
  }
}
