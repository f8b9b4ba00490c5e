package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.HashedId;
import dev.latchkey.core.RefreshTokenStore;
import dev.latchkey.core.RefreshTokenStoreContract;
import dev.latchkey.core.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryRefreshTokenStoreTest extends RefreshTokenStoreContract {

  @Override
  protected RefreshTokenStore createStore(TestClock clock) {
    return InMemoryRefreshTokenStore.create(clock);
  }

  @Test
  void familyIsForgottenAtItsEnd() {
    HashedId first = login("alice");
    store.rotate(first, newId("alice"), clock.instant(), LIFETIME, NO_GRACE);
    assertThat(((InMemoryRefreshTokenStore) store).size()).isEqualTo(2);

    clock.advance(FAMILY);

    assertThat(((InMemoryRefreshTokenStore) store).size()).isZero();
  }

  @Test
  void endedFamilyIsForgottenAtOnce() {
    HashedId first = login("alice");

    store.revokeFamily(first);

    assertThat(((InMemoryRefreshTokenStore) store).size()).isZero();
  }

  @Test
  void fullStoreDropsTheFamilyClosestToItsEnd() {
    InMemoryRefreshTokenStore small = InMemoryRefreshTokenStore.create(clock, 2);
    store = small;
    HashedId older = login("alice");
    clock.advance(Duration.ofMinutes(1));
    HashedId newer = login("bob");
    clock.advance(Duration.ofMinutes(1));
    HashedId newest = login("carol");

    assertThat(small.size()).isEqualTo(2);
    assertThat(small.revokeFamily(older)).isFalse();
    assertThat(small.revokeFamily(newer)).isTrue();
    assertThat(small.revokeFamily(newest)).isTrue();
  }
}
