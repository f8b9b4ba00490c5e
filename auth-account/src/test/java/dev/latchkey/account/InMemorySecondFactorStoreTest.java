package dev.latchkey.account;

import dev.latchkey.core.SecondFactorStoreContract;
import dev.latchkey.core.spi.SecondFactorStore;

class InMemorySecondFactorStoreTest extends SecondFactorStoreContract {
  @Override
  protected SecondFactorStore createStore() {
    return new InMemorySecondFactorStore();
  }
}
