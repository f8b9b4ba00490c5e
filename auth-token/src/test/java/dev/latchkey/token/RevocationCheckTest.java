package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Principal;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.RevocationList;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The revocation step alone: what it asks the list, and what each answer or failure becomes. */
class RevocationCheckTest {
  private static final Instant IAT = Instant.parse("2026-01-01T00:00:00Z");
  private static final TestClock CLOCK = new TestClock(IAT.plusSeconds(10));

  private static VerifiedClaims claims(String familyId) {
    return new VerifiedClaims(
        Principal.of("alice"),
        "https://issuer",
        "id-1",
        IAT,
        IAT.toEpochMilli(),
        IAT.plusSeconds(900).toEpochMilli(),
        Long.MIN_VALUE,
        familyId,
        Map.of());
  }

  @Test
  void aTokenTheListDoesNotRefusePasses() throws Refusal {
    new RevocationCheck(JwtTokenService.inMemoryRevocationList(CLOCK)).require(claims(null));
  }

  @Test
  void aRevokedIdASubjectCutOffOrAFamilyIsRevoked() {
    RevocationList byId = JwtTokenService.inMemoryRevocationList(CLOCK);
    byId.revokeToken("https://issuer", "id-1", "alice", IAT, CLOCK.instant().plusSeconds(900));
    RevocationList bySubject = JwtTokenService.inMemoryRevocationList(CLOCK);
    bySubject.revokeSubject("alice", IAT.plusMillis(1), CLOCK.instant().plusSeconds(900));
    RevocationList byFamily = JwtTokenService.inMemoryRevocationList(CLOCK);
    byFamily.revokeFamily("alice", "f1", IAT.plusMillis(1), CLOCK.instant().plusSeconds(900));

    for (RevocationList list : new RevocationList[] {byId, bySubject, byFamily}) {
      assertThatThrownBy(() -> new RevocationCheck(list).require(claims("f1")))
          .isInstanceOfSatisfying(
              Refusal.class,
              r -> {
                assertThat(r.reason).isEqualTo(Reason.REVOKED);
                assertThat(r.getMessage()).isEqualTo("token revoked");
              });
    }
  }

  @Test
  void aListThatThrowsFailsClosedAsUnavailable() {
    for (RuntimeException fault :
        new RuntimeException[] {
          new StoreUnavailableException("down"), new IllegalStateException("bug")
        }) {
      RevocationList failing =
          new ForwardingRevocationList(JwtTokenService.inMemoryRevocationList(CLOCK)) {
            @Override
            public boolean isRevoked(
                String issuer, String tokenId, String subject, String familyId, Instant issued) {
              throw fault;
            }
          };

      assertThatThrownBy(() -> new RevocationCheck(failing).require(claims(null)))
          .isInstanceOfSatisfying(
              Refusal.class, r -> assertThat(r.toFailure().reason()).isEqualTo(Reason.UNAVAILABLE));
    }
  }
}
