package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryUserDirectoryTest {
  private final InMemoryUserDirectory directory = InMemoryUserDirectory.create();

  @Test
  void findsAnAddedAccountByExactLoginName() {
    UserAccount alice = new UserAccount("alice", Principal.of("user-1"), "$2a$04$hash");
    directory.add(alice);

    assertThat(directory.findByLoginName("alice")).contains(alice);
    assertThat(directory.findByLoginName("Alice")).isEmpty();
    assertThat(directory.findByLoginName("bob")).isEmpty();
    assertThat(directory.findByLoginName(null)).isEmpty();
  }

  @Test
  void duplicateLoginNameIsRefused() {
    directory.add(new UserAccount("alice", Principal.of("user-1"), "h"));

    assertThatThrownBy(() -> directory.add(new UserAccount("alice", Principal.of("user-2"), "h")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alice");
  }

  @Test
  void passwordHashCanBeUpdated() {
    directory.add(new UserAccount("alice", Principal.of("user-1"), "old"));

    assertThat(directory.updatePasswordHash("alice", "new")).isTrue();
    assertThat(directory.updatePasswordHash("bob", "new")).isFalse();
    assertThat(directory.findByLoginName("alice").orElseThrow().passwordHash()).isEqualTo("new");
  }

  @Test
  void accountCanBeRemoved() {
    directory.add(new UserAccount("alice", Principal.of("user-1"), "h"));

    assertThat(directory.remove("alice")).isTrue();
    assertThat(directory.remove("alice")).isFalse();
    assertThat(directory.findByLoginName("alice")).isEmpty();
  }

  @Test
  void concurrentAddsOfDistinctNamesAllLand() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int base = t * 1000;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 1000; i++) {
                    directory.add(new UserAccount("u" + (base + i), Principal.of("s" + i), "h"));
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    for (int i = 0; i < 4000; i++) {
      assertThat(directory.findByLoginName("u" + i)).isPresent();
    }
  }

  @Test
  void accountRequiresEveryField() {
    assertThatThrownBy(() -> new UserAccount(null, Principal.of("s"), "h"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new UserAccount("a", null, "h"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new UserAccount("a", Principal.of("s"), null))
        .isInstanceOf(NullPointerException.class);
  }
}
