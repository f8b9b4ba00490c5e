package dev.latchkey.account;

import dev.latchkey.core.ApiKeyStoreContract;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.spi.ApiKeyStore;

/** The shared {@link ApiKeyStoreContract} on {@link InMemoryApiKeyStore}. */
class InMemoryApiKeyStoreTest extends ApiKeyStoreContract {
  @Override
  protected ApiKeyStore createStore(TestClock clock) {
    return InMemoryApiKeyStore.create();
  }
}
