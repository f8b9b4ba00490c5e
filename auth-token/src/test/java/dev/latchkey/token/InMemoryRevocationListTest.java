package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.RevocationListContract;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.spi.RevocationList;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryRevocationListTest extends RevocationListContract {

  @Override
  protected RevocationList createList(TestClock clock) {
    return InMemoryRevocationList.create(clock);
  }

  @Override
  protected RevocationList createList(TestClock clock, int maximumEntriesPerSubject) {
    return InMemoryRevocationList.create(
        clock, InMemoryRevocationList.DEFAULT_MAXIMUM_ENTRIES, maximumEntriesPerSubject);
  }

  @Override
  protected TokenService node(Clock clock, RevocationList shared, Duration fleetClockSkew) {
    return Fleet.node(clock, shared, fleetClockSkew);
  }

  @Test
  void fullListFoldsANewRevocationIntoItsSubjectInsteadOfRefusingOrForgetting() {
    InMemoryRevocationList small = InMemoryRevocationList.create(clock, 2);
    Instant iat = clock.instant().minusSeconds(5);
    small.revokeToken(ISS, "a", "alice", iat, clock.instant().plusSeconds(60));
    small.revokeToken(ISS, "b", "bob", iat, clock.instant().plusSeconds(60));

    // Another user's revocation is never refused: it becomes carol's not-before.
    small.revokeToken(ISS, "c", "carol", iat, clock.instant().plusSeconds(60));

    assertThat(small.isRevoked(ISS, "a", "alice", iat)).isTrue();
    assertThat(small.isRevoked(ISS, "b", "bob", iat)).isTrue();
    assertThat(small.isRevoked(ISS, "c", "carol", iat)).isTrue();
    // The collateral is carol's alone, and only for tokens issued up to the revoked one.
    assertThat(small.isRevoked(ISS, "d", "carol", iat.minusSeconds(1))).isTrue();
    assertThat(small.isRevoked(ISS, "d", "carol", iat.plusMillis(1))).isFalse();
    assertThat(small.isRevoked(ISS, "d", "bob", iat)).isFalse();
    assertThat(small.heldEntries()).isEqualTo(2);
  }

  @Test
  void aFloodOfOneUsersRevocationsStaysWithinTheirShareAndPassesNone() {
    InMemoryRevocationList list = InMemoryRevocationList.create(clock, 1_000_000, 16);
    Instant start = clock.instant().minusSeconds(60);
    int flood = 16 + 1_000;
    for (int i = 0; i < flood; i++) {
      list.revokeToken(
          ISS, "j" + i, "mallory", start.plusMillis(i), clock.instant().plusSeconds(600));
    }
    list.revokeToken(ISS, "x", "alice", start, clock.instant().plusSeconds(600));

    for (int i = 0; i < flood; i++) {
      assertThat(list.isRevoked(ISS, "j" + i, "mallory", start.plusMillis(i))).isTrue();
    }
    assertThat(list.isRevoked(ISS, "x", "alice", start)).isTrue();
    assertThat(list.isRevoked(ISS, "y", "alice", start)).isFalse();
    assertThat(list.heldEntries()).isEqualTo(16 + 1);
  }

  @Test
  void heldEntriesAreCountedDownWhenTheyEnd() {
    InMemoryRevocationList list = InMemoryRevocationList.create(clock, 1_000_000, 16);
    for (int i = 0; i < 10; i++) {
      list.revokeToken(
          ISS, "j" + i, "u" + (i % 3), clock.instant(), clock.instant().plusSeconds(10 + i));
      list.revokeFamily("u" + i, "f" + i, clock.instant(), clock.instant().plusSeconds(30));
    }
    assertThat(list.heldEntries()).isEqualTo(20);

    // Subjects whose every part has ended are dropped; a write drops its subject's ended parts.
    clock.advance(Duration.ofSeconds(35));
    list.revokeToken(ISS, "late", "u0", clock.instant(), clock.instant().plusSeconds(60));
    assertThat(list.heldEntries()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(60));
    assertThat(list.heldEntries()).isZero();
    assertThat(list.size()).isZero();
  }

  @Test
  void expiredEntriesAreRemovedNotJustHidden() {
    InMemoryRevocationList list = InMemoryRevocationList.create(clock);
    list.revokeToken(ISS, "a", "alice", clock.instant().plusSeconds(60));
    list.revokeSubject("bob", clock.instant(), clock.instant().plusSeconds(120));
    assertThat(list.size()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(61));
    assertThat(list.size()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(60));
    assertThat(list.size()).isZero();
  }

  @Test
  void alreadyExpiredRevocationIsNotStored() {
    InMemoryRevocationList list = InMemoryRevocationList.create(clock);

    list.revokeToken(ISS, "a", "alice", clock.instant());

    assertThat(list.size()).isZero();
  }

  @Test
  void expiredEntriesMakeRoomAgain() {
    InMemoryRevocationList small = InMemoryRevocationList.create(clock, 1);
    small.revokeToken(ISS, "a", "alice", clock.instant().plusSeconds(60));
    clock.advance(Duration.ofSeconds(61));

    small.revokeToken(ISS, "b", "alice", clock.instant().plusSeconds(60));

    assertThat(small.isRevoked(ISS, "b", "alice", clock.instant())).isTrue();
  }
}
