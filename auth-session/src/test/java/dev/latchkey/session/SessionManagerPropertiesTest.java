package dev.latchkey.session;

import static dev.latchkey.core.HostileInput.bounded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Gen;
import dev.latchkey.core.HostileInput;
import dev.latchkey.core.HostileInput.Mutated;
import dev.latchkey.core.Principal;
import dev.latchkey.core.Properties;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.OpaqueIds;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Hostile session cookies against {@link SessionManager}: arbitrary and mutated ids only ever get a
 * typed refusal, never an exception, and never a session other than the one whose id is presented
 * unchanged; a refused attempt leaves the real session as it was.
 */
class SessionManagerPropertiesTest {
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));
  private static final Set<Reason> REFUSALS =
      EnumSet.of(Reason.MALFORMED, Reason.INVALID_CREDENTIALS);

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
  private final SessionManager sessions =
      SessionManager.builder(InMemorySessionStore.builder().clock(clock).build())
          .clock(clock)
          .build();
  private final String live = sessions.login(ALICE, Map.of()).created().orElseThrow().id();

  /** Noise, right-length base64url strings and well-formed ids that were never issued. */
  private static Gen<String> arbitraryIds() {
    Gen<String> rightShape =
        Gen.strings(Gen.charsOf(HostileInput.BASE64URL), OpaqueIds.LENGTH, OpaqueIds.LENGTH);
    Gen<String> unissued = random -> OpaqueIds.generate();
    return Gen.oneOf(HostileInput.hostileStrings(80), rightShape, unissued);
  }

  private void assertRefused(String value) {
    AuthResult result = bounded(() -> sessions.authenticate(new SessionCookie(value)));
    assertThat(result.failure().orElseThrow().reason()).isIn(REFUSALS);
    SessionCheck check = bounded(() -> sessions.check(new SessionCookie(value)));
    assertThat(check.active()).isEmpty();
    assertThat(check.failure().orElseThrow().reason()).isIn(REFUSALS);
  }

  @Test
  void arbitraryCookiesAreRefusedWithATypedReason() {
    Properties.forAll(
        1000,
        arbitraryIds(),
        value -> {
          assertRefused(value);
          // Management operations treat it as no session.
          assertThat(bounded(() -> sessions.find(value))).isEmpty();
          assertThat(bounded(() -> sessions.attribute(value, "k"))).isEmpty();
          assertThat(bounded(() -> sessions.setAttribute(value, "k", "v"))).isFalse();
          assertThat(bounded(() -> sessions.rotate(value))).isEmpty();
          assertThat(bounded(() -> sessions.logout(value))).isFalse();
        });
    assertThat(sessions.authenticate(new SessionCookie(live)).succeeded()).isTrue();
  }

  @Test
  void mutatedIdSucceedsOnlyWhenUnchangedAndLeavesTheSessionAlone() {
    Properties.forAll(
        1000,
        HostileInput.mutationsOf(Gen.just(live)),
        (Mutated m) -> {
          if (m.changed()) {
            assertRefused(m.mutated());
            assertThat(bounded(() -> sessions.find(m.mutated()))).isEmpty();
            assertThat(bounded(() -> sessions.rotate(m.mutated()))).isEmpty();
            assertThat(bounded(() -> sessions.logout(m.mutated()))).isFalse();
          } else {
            AuthResult result = sessions.authenticate(new SessionCookie(m.mutated()));
            assertThat(result.principal().orElseThrow()).isEqualTo(ALICE);
          }
          // Whatever was presented, the real session is still live and still alice's.
          assertThat(sessions.authenticate(new SessionCookie(live)).principal()).contains(ALICE);
        });
  }

  @Test
  void megabyteCookiesAreRefusedInBoundedTime() {
    Properties.forAll(5, HostileInput.hugeStrings(""), this::assertRefused);
    Properties.forAll(3, HostileInput.hugeStrings(live), this::assertRefused);
  }
}
