package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.spi.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RevocationList} must have, through the SPI only. An implementation's
 * test extends this class and creates a fresh, empty list on the given clock; expiry is tested by
 * moving the clock, so an implementation must also judge an entry's end by that clock (a remote
 * store may in addition let its backend expire the entry).
 *
 * <p>The fleet cases run token services ({@link #node}) on clocks that disagree within the fleet
 * clock skew, all sharing the list: what a fleet of nodes sharing one store must guarantee.
 */
public abstract class RevocationListContract {
  protected static final String ISS = "https://issuer.example";

  protected TestClock clock;
  protected RevocationList list;

  /** A fresh, empty list whose notion of time is {@code clock}. */
  protected abstract RevocationList createList(TestClock clock);

  /**
   * A fresh, empty list holding at most {@code maximumEntriesPerSubject} token and family entries
   * of one subject.
   */
  protected abstract RevocationList createList(TestClock clock, int maximumEntriesPerSubject);

  /**
   * One node of a fleet: a token service (issuer {@value #ISS}) on its own {@code clock}, keeping
   * its revocations in {@code shared}, whose clocks are assumed within {@code fleetClockSkew} of
   * each other (its verification clock skew is 60 seconds).
   */
  protected abstract TokenService node(Clock clock, RevocationList shared, Duration fleetClockSkew);

  @BeforeEach
  void setUpList() {
    clock = TestClock.atNow();
    list = createList(clock);
  }

  private Instant now() {
    return clock.instant();
  }

  @Test
  void revokedTokenIsRevoked() {
    list.revokeToken(ISS, "jti-1", "alice", now().plusSeconds(600));

    assertThat(list.isRevoked(ISS, "jti-1", "alice", now().minusSeconds(10))).isTrue();
  }

  @Test
  void otherTokensAreNotRevoked() {
    list.revokeToken(ISS, "jti-1", "alice", now().plusSeconds(600));

    assertThat(list.isRevoked(ISS, "jti-2", "alice", now().minusSeconds(10))).isFalse();
    assertThat(list.isRevoked("https://other.example", "jti-1", "alice", now().minusSeconds(10)))
        .isFalse();
    assertThat(list.isRevoked(ISS, "jti-9", "bob", now().minusSeconds(10))).isFalse();
  }

  @Test
  void revokedTokenStaysRevokedUntilItsExpiry() {
    list.revokeToken(ISS, "jti-1", "alice", now().plusSeconds(600));
    Instant iat = now().minusSeconds(10);

    clock.advance(Duration.ofSeconds(599));

    assertThat(list.isRevoked(ISS, "jti-1", "alice", iat)).isTrue();
  }

  @Test
  void revokedTokenIsForgottenAfterItsExpiry() {
    list.revokeToken(ISS, "jti-1", "alice", now().plusSeconds(600));
    Instant iat = now().minusSeconds(10);

    clock.advance(Duration.ofSeconds(601));

    assertThat(list.isRevoked(ISS, "jti-1", "alice", iat)).isFalse();
  }

  @Test
  void subjectCutoffRefusesTokensIssuedBeforeIt() {
    Instant cutoff = now();
    list.revokeSubject("alice", cutoff, now().plusSeconds(900));

    assertThat(list.isRevoked(ISS, "any", "alice", cutoff.minusSeconds(1))).isTrue();
    assertThat(list.isRevoked(ISS, "any", "alice", cutoff.minusSeconds(300))).isTrue();
  }

  @Test
  void subjectCutoffAcceptsTokensIssuedAtOrAfterIt() {
    Instant cutoff = now();
    list.revokeSubject("alice", cutoff, now().plusSeconds(900));

    assertThat(list.isRevoked(ISS, "any", "alice", cutoff)).isFalse();
    assertThat(list.isRevoked(ISS, "any", "alice", cutoff.plusSeconds(1))).isFalse();
  }

  @Test
  void subjectCutoffConcernsOnlyThatSubject() {
    list.revokeSubject("alice", now(), now().plusSeconds(900));

    assertThat(list.isRevoked(ISS, "any", "bob", now().minusSeconds(60))).isFalse();
  }

  @Test
  void laterSubjectCutoffReplacesEarlierOne() {
    Instant early = now().minusSeconds(100);
    Instant late = now();
    list.revokeSubject("alice", early, now().plusSeconds(900));
    list.revokeSubject("alice", late, now().plusSeconds(900));

    assertThat(list.isRevoked(ISS, "any", "alice", late.minusSeconds(50))).isTrue();
  }

  @Test
  void earlierSubjectCutoffNeverReplacesLaterOne() {
    Instant early = now().minusSeconds(100);
    Instant late = now();
    list.revokeSubject("alice", late, now().plusSeconds(900));
    list.revokeSubject("alice", early, now().plusSeconds(900));

    assertThat(list.isRevoked(ISS, "any", "alice", late.minusSeconds(50))).isTrue();
    assertThat(list.isRevoked(ISS, "any", "alice", early.minusSeconds(1))).isTrue();
  }

  @Test
  void subjectCutoffIsForgottenAfterRetainUntil() {
    Instant cutoff = now();
    list.revokeSubject("alice", cutoff, now().plusSeconds(900));

    clock.advance(Duration.ofSeconds(901));

    assertThat(list.isRevoked(ISS, "any", "alice", cutoff.minusSeconds(1))).isFalse();
  }

  @Test
  void subjectCutoffHoldsUntilRetainUntil() {
    Instant cutoff = now();
    list.revokeSubject("alice", cutoff, now().plusSeconds(900));

    clock.advance(Duration.ofSeconds(899));

    assertThat(list.isRevoked(ISS, "any", "alice", cutoff.minusSeconds(1))).isTrue();
  }

  @Test
  void tokenRevocationAndSubjectCutoffAreIndependent() {
    list.revokeToken(ISS, "jti-1", "alice", now().plusSeconds(60));
    Instant cutoff = now();
    list.revokeSubject("alice", cutoff, now().plusSeconds(900));

    clock.advance(Duration.ofSeconds(61));

    assertThat(list.isRevoked(ISS, "jti-1", "alice", cutoff)).isFalse();
    assertThat(list.isRevoked(ISS, "jti-1", "alice", cutoff.minusSeconds(1))).isTrue();
  }

  /** The reason a result was refused for; null for a success. */
  private static AuthResult.Reason reasonOf(AuthResult r) {
    return r.failure().map(AuthResult.Failure::reason).orElse(null);
  }

  // Families

  @Test
  void familyRevocationRefusesEveryTokenNamingItAndNoOther() {
    list.revokeFamily("alice", "fam-1", now().plusSeconds(10), now().plusSeconds(900));
    Instant iat = now().minusSeconds(10);

    assertThat(list.isRevoked(ISS, "j1", "alice", "fam-1", iat)).isTrue();
    assertThat(list.isRevoked(ISS, "j2", "alice", "fam-1", now().plusSeconds(5))).isTrue();
    assertThat(list.isRevoked(ISS, "j3", "alice", "fam-2", iat)).isFalse();
    assertThat(list.isRevoked(ISS, "j4", "alice", null, iat)).isFalse();
    assertThat(list.isRevoked(ISS, "j5", "alice", iat)).isFalse();
    assertThat(list.isRevoked(ISS, "j6", "bob", "fam-1", iat)).isFalse();
  }

  @Test
  void familyRevocationHoldsUntilRetainUntilAndIsForgottenThen() {
    list.revokeFamily("alice", "fam-1", now(), now().plusSeconds(900));
    Instant iat = now();

    clock.advance(Duration.ofSeconds(899));
    assertThat(list.isRevoked(ISS, "j", "alice", "fam-1", iat)).isTrue();
    clock.advance(Duration.ofSeconds(2));
    assertThat(list.isRevoked(ISS, "j", "alice", "fam-1", iat)).isFalse();
  }

  @Test
  void notBeforeIsTheLatestCutoffWhileItIsRetained() {
    assertThat(list.notBefore("alice")).isEmpty();
    Instant late = now().plusSeconds(5);
    list.revokeSubject("alice", late, now().plusSeconds(900));
    list.revokeSubject("alice", now(), now().plusSeconds(900));

    assertThat(list.notBefore("alice")).isEqualTo(Optional.of(late));
    assertThat(list.notBefore("bob")).isEmpty();
    clock.advance(Duration.ofSeconds(901));
    assertThat(list.notBefore("alice")).isEmpty();
  }

  // One subject flooding the list

  /**
   * Mallory revokes her own tokens and families, 1,000 more than her share. No revocation is
   * refused (hers or anyone else's), every one of hers is refused afterwards (those beyond the
   * share through her not-before), and the collateral stays hers and stops at her latest revoked
   * token.
   */
  @Test
  void floodOfOneSubjectsRevocationsNeverRefusesAnotherNorLetsARevokedTokenPass() {
    int share = 8;
    RevocationList bounded = createList(clock, share);
    Instant start = now().minusSeconds(60);
    Instant until = now().plusSeconds(900);
    int flood = share + 1_000;
    for (int i = 0; i < flood; i++) {
      if (i % 10 == 0) {
        bounded.revokeFamily("mallory", "fam-" + i, start.plusMillis(i + 1), until);
      } else {
        bounded.revokeToken(ISS, "j" + i, "mallory", start.plusMillis(i), until);
      }
    }
    bounded.revokeToken(ISS, "stolen", "alice", start, until);
    bounded.revokeFamily("alice", "fam-a", start.plusMillis(1), until);

    for (int i = 0; i < flood; i++) {
      if (i % 10 == 0) {
        assertThat(bounded.isRevoked(ISS, "any", "mallory", "fam-" + i, start.plusMillis(i)))
            .as("family %d", i)
            .isTrue();
      } else {
        assertThat(bounded.isRevoked(ISS, "j" + i, "mallory", start.plusMillis(i)))
            .as("token %d", i)
            .isTrue();
      }
    }
    assertThat(bounded.isRevoked(ISS, "stolen", "alice", start)).isTrue();
    assertThat(bounded.isRevoked(ISS, "other", "alice", "fam-a", start)).isTrue();
    assertThat(bounded.isRevoked(ISS, "other", "alice", "fam-b", start)).isFalse();
    assertThat(bounded.isRevoked(ISS, "fresh", "mallory", "fam-new", start.plusMillis(flood + 1)))
        .isFalse();
  }

  // A fleet whose clocks disagree within the fleet skew

  /**
   * A node whose clock runs 2 s fast mints a token 0.5 s before "log out everywhere" runs on a node
   * with a correct clock: its {@code iat} lies 1.5 s after the revoking node's time, yet it is
   * refused on both nodes afterwards. A login straight after still gets a working token on either
   * node (minted at the cut-off, see the token service).
   */
  @Test
  void logOutEverywhereRefusesATokenMintedJustBeforeOnAFastNode() {
    TestClock fast = new TestClock(now().plusSeconds(2));
    TokenService slowNode = node(clock, list, Duration.ofSeconds(5));
    TokenService fastNode = node(fast, list, Duration.ofSeconds(5));
    Principal alice = Principal.of("alice");
    String minted = fastNode.issue(alice, Map.of()).value();
    clock.advance(Duration.ofMillis(500));
    fast.advance(Duration.ofMillis(500));

    slowNode.revokeAll("alice");

    assertThat(reasonOf(slowNode.verify(minted))).isEqualTo(AuthResult.Reason.REVOKED);
    assertThat(reasonOf(fastNode.verify(minted))).isEqualTo(AuthResult.Reason.REVOKED);
    assertThat(slowNode.verify(slowNode.issue(alice, Map.of()).value()).succeeded()).isTrue();
    assertThat(fastNode.verify(fastNode.issue(alice, Map.of()).value()).succeeded()).isTrue();
    assertThat(slowNode.verify(fastNode.issue(alice, Map.of()).value()).succeeded()).isTrue();
  }

  /**
   * Ending a family refuses, on every node, the family's tokens minted before, and one minted after
   * on a fast node by a refresh that was already under way (up to the promised bound); the other
   * families of the subject are untouched.
   */
  @Test
  void familyRevocationRefusesTheFamilysTokensOnEveryNodeIncludingOnesMintedInFlight() {
    TestClock fast = new TestClock(now().plusSeconds(3));
    TokenService a = node(clock, list, Duration.ofSeconds(5));
    TokenService b = node(fast, list, Duration.ofSeconds(5));
    Principal alice = Principal.of("alice");
    String fromA = a.issue(alice, "fam-1", Map.of()).value();
    String fromB = b.issue(alice, "fam-1", Map.of()).value();
    String otherFamily = b.issue(alice, "fam-2", Map.of()).value();

    a.revokeFamily("alice", "fam-1", now().plusSeconds(10));
    clock.advance(Duration.ofSeconds(9));
    fast.advance(Duration.ofSeconds(9));
    String inFlight = b.issue(alice, "fam-1", Map.of()).value();

    for (TokenService node : new TokenService[] {a, b}) {
      for (String t : new String[] {fromA, fromB, inFlight}) {
        assertThat(reasonOf(node.verify(t))).isEqualTo(AuthResult.Reason.REVOKED);
      }
      assertThat(node.verify(otherFamily).succeeded()).isTrue();
    }
    // The entry outlives every such token: just before the in-flight one's last accepted moment.
    clock.advance(Duration.ofMinutes(15));
    fast.advance(Duration.ofMinutes(15));
    assertThat(reasonOf(a.verify(inFlight))).isEqualTo(AuthResult.Reason.REVOKED);
  }
}
