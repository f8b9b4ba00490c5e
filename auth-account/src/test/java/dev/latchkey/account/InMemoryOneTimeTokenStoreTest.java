package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.OneTimeTokenStoreContract;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.spi.OneTimeTokenStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shared {@link OneTimeTokenStoreContract} on the in-memory store, and its global bound. */
class InMemoryOneTimeTokenStoreTest extends OneTimeTokenStoreContract {

  @Override
  protected OneTimeTokenStore createStore() {
    return InMemoryOneTimeTokenStore.create();
  }

  @Override
  protected long footprint(String subject) {
    return ((InMemoryOneTimeTokenStore) store).size();
  }

  @Test
  void aFullStoreRefusesANewcomerAndEvictsNobody() {
    store = InMemoryOneTimeTokenStore.withMaximumTokens(2);
    var a = put("alice", RESET, 3);
    var b = put("bob", RESET, 3);
    assertThatThrownBy(() -> put("carol", RESET, 3)).isInstanceOf(StoreUnavailableException.class);
    assertThat(store.find(a.id(), clock.instant())).isPresent();
    assertThat(store.find(b.id(), clock.instant())).isPresent();
  }

  @Test
  void aFullStoreMakesRoomByForgettingWhatIsPastItsRetention() {
    store = InMemoryOneTimeTokenStore.withMaximumTokens(2);
    put("alice", RESET, 3);
    put("bob", RESET, 3);
    clock.advance(LIFETIME.multipliedBy(2).plus(Duration.ofSeconds(1)));
    var c = put("carol", RESET, 3);
    assertThat(store.find(c.id(), clock.instant())).isPresent();
  }

  @Test
  void aBoundUnderOneTokenIsRefusedAtBuild() {
    assertThatThrownBy(() -> InMemoryOneTimeTokenStore.withMaximumTokens(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maximumTokens");
  }
}
