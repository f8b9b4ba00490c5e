package dev.latchkey.token;

import static dev.latchkey.core.HostileInput.bounded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Gen;
import dev.latchkey.core.HostileInput;
import dev.latchkey.core.HostileInput.Mutated;
import dev.latchkey.core.Principal;
import dev.latchkey.core.Properties;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.OpaqueIds;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Hostile refresh tokens against {@link RefreshTokens}: arbitrary and mutated tokens get a typed
 * refusal (never an exception, never REVOKED, which is kept for real reuse), a refused attempt does
 * not consume or end the family it imitates, and only the unchanged token rotates, once.
 */
class RefreshTokensPropertiesTest {
  private static final Principal ALICE = Principal.of("alice", Set.of("user"));
  private static final Set<Reason> REFUSALS =
      EnumSet.of(Reason.MALFORMED, Reason.INVALID_CREDENTIALS);

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final JwtTokenService access =
      JwtTokenService.builder(
              KeyRing.of(SigningKey.hmac("k", new byte[32], SigningAlgorithm.HS256)), "iss", "aud")
          .clock(clock)
          .build();
  private final RefreshTokens refresh =
      RefreshTokens.builder(access, InMemoryRefreshTokenStore.create(clock))
          .clock(clock)
          .refreshTokenLifetime(Duration.ofDays(1))
          .familyLifetime(Duration.ofDays(7))
          .build();

  private static void assertRefused(RefreshTokens.Result result) {
    assertThat(result.failure()).isPresent();
    assertThat(result.failure().orElseThrow().reason()).isIn(REFUSALS);
  }

  private void assertRotates(String raw) {
    RefreshTokens.Result result = bounded(() -> refresh.refresh(raw));
    assertThat(result.failure()).isEmpty();
    RefreshTokens.TokenPair pair = result.tokens().orElseThrow();
    AuthResult verified = access.verify(pair.accessToken());
    assertThat(verified.principal().orElseThrow()).isEqualTo(ALICE);
    assertThat(pair.refreshToken()).isNotEqualTo(raw);
  }

  @Test
  void arbitraryRefreshTokensAreRefusedWithATypedReason() {
    String live = refresh.login(ALICE).refreshToken();
    Gen<String> rightShape =
        Gen.strings(Gen.charsOf(HostileInput.BASE64URL), OpaqueIds.LENGTH, OpaqueIds.LENGTH);
    Gen<String> unissued = random -> OpaqueIds.generate();
    Properties.forAll(
        1000,
        Gen.oneOf(HostileInput.hostileStrings(80), rightShape, unissued, Gen.just((String) null)),
        raw -> {
          assertRefused(bounded(() -> refresh.refresh(raw)));
          assertThat(bounded(() -> refresh.logout(raw))).isFalse();
        });
    assertRotates(live);
  }

  @Test
  void mutatedRefreshTokenRotatesOnlyWhenUnchangedAndLeavesTheFamilyAlone() {
    Properties.forAll(
        500,
        HostileInput.mutationsOf(random -> refresh.login(ALICE).refreshToken()),
        (Mutated m) -> {
          if (m.changed()) {
            assertRefused(bounded(() -> refresh.refresh(m.mutated())));
            assertThat(bounded(() -> refresh.logout(m.mutated()))).isFalse();
          }
          // The real token still rotates exactly once; its second use is reuse.
          assertRotates(m.original());
          RefreshTokens.Result again = refresh.refresh(m.original());
          assertThat(again.failure()).isPresent();
          assertThat(again.failure().orElseThrow().reason()).isEqualTo(Reason.REVOKED);
        });
  }

  @Test
  void megabyteRefreshTokensAreRefusedInBoundedTime() {
    String live = refresh.login(ALICE).refreshToken();
    Properties.forAll(
        5, HostileInput.hugeStrings(""), raw -> assertRefused(bounded(() -> refresh.refresh(raw))));
    Properties.forAll(
        3,
        HostileInput.hugeStrings(live),
        raw -> assertRefused(bounded(() -> refresh.refresh(raw))));
    assertRotates(live);
  }
}
