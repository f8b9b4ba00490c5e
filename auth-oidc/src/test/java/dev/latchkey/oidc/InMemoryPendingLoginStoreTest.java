package dev.latchkey.oidc;

import dev.latchkey.core.PendingLoginStoreContract;
import dev.latchkey.core.spi.PendingLoginStore;

/** The shared {@link PendingLoginStoreContract} on the in-memory store. */
class InMemoryPendingLoginStoreTest extends PendingLoginStoreContract {
  private InMemoryPendingLoginStore memory;

  @Override
  protected PendingLoginStore createStore() {
    memory = InMemoryPendingLoginStore.create();
    return memory;
  }

  @Override
  protected long footprint(String client) {
    return memory.size();
  }
}
