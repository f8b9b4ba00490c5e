package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.RefreshTokenStoreContract;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryRefreshTokenStoreTest extends RefreshTokenStoreContract {

  @Override
  protected RefreshTokenStore createStore(TestClock clock) {
    return InMemoryRefreshTokenStore.create(clock);
  }

  @Override
  protected long footprint(String... subjects) {
    InMemoryRefreshTokenStore memory = (InMemoryRefreshTokenStore) store;
    return memory.tokens() + memory.families();
  }

  private InMemoryRefreshTokenStore memory() {
    return (InMemoryRefreshTokenStore) store;
  }

  @Test
  void familyIsForgottenAtItsEnd() {
    HashedId first = login("alice");
    store.rotate(first, newId("alice"), policy(NO_GRACE));
    assertThat(memory().tokens()).isEqualTo(2);

    clock.advance(FAMILY);

    assertThat(memory().tokens()).isZero();
    assertThat(memory().families()).isZero();
  }

  @Test
  void endedFamilyKeepsOnlyItsConsumedTokensUntilItsEnd() {
    HashedId first = login("alice");
    store.rotate(first, newId("alice"), policy(NO_GRACE));

    store.revokeFamily(first);

    assertThat(memory().tokens()).isEqualTo(1);
    clock.advance(FAMILY);
    assertThat(memory().tokens()).isZero();
  }

  /** A global bound refuses the newcomer; it never evicts a family someone else still uses. */
  @Test
  void fullStoreRefusesTheNewcomerAndEvictsNobody() {
    InMemoryRefreshTokenStore small = InMemoryRefreshTokenStore.create(clock, 2);
    store = small;
    HashedId alices = login("alice");
    HashedId bobs = login("bob");

    assertThatThrownBy(() -> login("carol")).isInstanceOf(StoreUnavailableException.class);

    assertThat(small.families()).isEqualTo(2);
    assertThat(store.rotate(alices, newId("alice"), policy(NO_GRACE)))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    assertThat(store.rotate(bobs, newId("bob"), policy(NO_GRACE)))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
  }

  @Test
  void fullStoreMakesRoomFromEndedFamiliesOnly() {
    InMemoryRefreshTokenStore small = InMemoryRefreshTokenStore.create(clock, 2);
    store = small;
    HashedId alices = login("alice");
    HashedId bobs = login("bob");
    store.revokeFamily(alices);
    clock.advance(Duration.ofMinutes(1));

    HashedId carols = login("carol");

    assertThat(small.families()).isEqualTo(2);
    assertThat(store.rotate(bobs, newId("bob"), policy(NO_GRACE)))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    assertThat(store.rotate(carols, newId("carol"), policy(NO_GRACE)))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
  }
}
