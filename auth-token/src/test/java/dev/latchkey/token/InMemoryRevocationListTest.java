package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.RevocationList;
import dev.latchkey.core.RevocationListContract;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryRevocationListTest extends RevocationListContract {

  @Override
  protected RevocationList createList(TestClock clock) {
    return InMemoryRevocationList.create(clock);
  }

  @Test
  void fullListRefusesNewRevocationsInsteadOfForgettingLiveOnes() {
    InMemoryRevocationList small = InMemoryRevocationList.create(clock, 2);
    small.revokeToken(ISS, "a", "alice", clock.instant().plusSeconds(60));
    small.revokeToken(ISS, "b", "alice", clock.instant().plusSeconds(60));

    assertThatThrownBy(() -> small.revokeToken(ISS, "c", "alice", clock.instant().plusSeconds(60)))
        .isInstanceOf(StoreUnavailableException.class);
    assertThat(small.isRevoked(ISS, "a", "alice", clock.instant())).isTrue();
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
