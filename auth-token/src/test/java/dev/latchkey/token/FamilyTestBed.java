package dev.latchkey.token;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * What the tests of the refresh-family parts share: a test clock, an access-token service that
 * mints {@code "access-of-<family>"} valid for 15 minutes, and an in-memory store on that clock.
 */
final class FamilyTestBed {
  static final Principal ALICE = Principal.of("alice", Set.of("user"));
  static final Duration DELAY = Duration.ofSeconds(10);

  final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  final TokenService access = mock(TokenService.class);
  final InMemoryRefreshTokenStore store = InMemoryRefreshTokenStore.create(clock);

  FamilyTestBed() {
    when(access.issue(any(), anyString(), anyMap()))
        .thenAnswer(
            call ->
                new TokenService.IssuedToken(
                    "access-of-" + call.getArgument(1), clock.instant().plusSeconds(900)));
  }

  /** Refresh tokens for a day, families for a week, no grace, 16 families a subject. */
  static RefreshTokenStore.Policy policy(int rotationsPerMinute) {
    return new RefreshTokenStore.Policy(
        Duration.ofDays(1),
        Duration.ofDays(7),
        Duration.ZERO,
        16,
        rotationsPerMinute,
        Duration.ofMinutes(1));
  }
}
