package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RevocationList} must have, through the SPI only. An implementation's
 * test extends this class and creates a fresh, empty list on the given clock; expiry is tested by
 * moving the clock, so an implementation must also judge an entry's end by that clock (a remote
 * store may in addition let its backend expire the entry).
 */
public abstract class RevocationListContract {
  protected static final String ISS = "https://issuer.example";

  protected TestClock clock;
  protected RevocationList list;

  /** A fresh, empty list whose notion of time is {@code clock}. */
  protected abstract RevocationList createList(TestClock clock);

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
}
