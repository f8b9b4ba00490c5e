package dev.latchkey.passkey;

import dev.latchkey.core.PasskeyStoreContract;
import dev.latchkey.core.spi.PasskeyStore;
import java.time.Clock;

/** The shared {@link PasskeyStoreContract} on {@link InMemoryPasskeyStore}. */
class InMemoryPasskeyStoreContractTest extends PasskeyStoreContract {
  @Override
  protected PasskeyStore createStore() {
    return new InMemoryPasskeyStore(Clock.systemUTC());
  }
}
