package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.ApiKeyRecord;
import dev.latchkey.core.spi.ApiKeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link ApiKeyStore} keeps, run by each implementation's test as a subclass.
 * Uses only the SPI, so the in-memory and the Redis stores run the same checks. Times are whole
 * milliseconds (Redis keeps milliseconds).
 */
public abstract class ApiKeyStoreContract {
  protected static final Duration LIFETIME = Duration.ofDays(30);

  protected TestClock clock;
  protected ApiKeyStore store;
  private ExecutorService pool;

  /**
   * A fresh, empty store. Tests use fixed subjects, so a store on a shared backend needs its own
   * key space per test, e.g. a unique key prefix.
   */
  protected abstract ApiKeyStore createStore(TestClock clock);

  @BeforeEach
  final void setUpContract() {
    clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    store = createStore(clock);
  }

  @AfterEach
  final void tearDownContract() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /** A new key record of {@code subject}, created now, as the service would make it. */
  protected ApiKeyRecord newKey(String subject) {
    return newKey(subject, clock.instant(), LIFETIME);
  }

  protected ApiKeyRecord newKey(String subject, Instant createdAt, Duration lifetime) {
    String id = store.shardFor(subject) + OpaqueIds.randomToken().substring(0, 13);
    return new ApiKeyRecord(
        id,
        subject,
        "ci",
        Set.of("read", "write"),
        createdAt,
        createdAt.plus(lifetime),
        false,
        Optional.empty(),
        OpaqueIds.hash(OpaqueIds.randomToken()));
  }

  @Test
  void aCreatedKeyIsFoundWithEveryField() {
    ApiKeyRecord key = newKey("alice");

    assertThat(store.create(key, 5, clock.instant())).isTrue();

    assertThat(store.find(key.id())).contains(key);
  }

  @Test
  void anUnknownIdIsNotFound() {
    store.create(newKey("alice"), 5, clock.instant());

    assertThat(store.find(store.shardFor("alice") + "AAAAAAAAAAAAA")).isEmpty();
  }

  @Test
  void anIdAlreadyHeldIsRefused() {
    ApiKeyRecord key = newKey("alice");
    store.create(key, 5, clock.instant());

    assertThatThrownBy(() -> store.create(key, 5, clock.instant()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCapCountsLiveKeysOnly() {
    Instant now = clock.instant();
    ApiKeyRecord first = newKey("alice");
    ApiKeyRecord second = newKey("alice");
    ApiKeyRecord shortLived = newKey("alice", now, Duration.ofMinutes(1));
    assertThat(store.create(first, 3, now)).isTrue();
    assertThat(store.create(second, 3, now)).isTrue();
    assertThat(store.create(shortLived, 3, now)).isTrue();

    assertThat(store.create(newKey("alice"), 3, now)).isFalse();
    assertThat(store.create(newKey("bob"), 3, now)).as("another subject's share").isTrue();

    store.revoke("alice", first.id());
    assertThat(store.create(newKey("alice"), 3, now)).as("a revoked key frees its place").isTrue();
    assertThat(store.create(newKey("alice"), 3, now)).isFalse();

    clock.advance(Duration.ofMinutes(2));
    assertThat(store.create(newKey("alice", clock.instant(), LIFETIME), 3, clock.instant()))
        .as("an expired key frees its place")
        .isTrue();
  }

  @Test
  void revokingMarksTheKeyRevokedOnce() {
    ApiKeyRecord key = newKey("alice");
    store.create(key, 5, clock.instant());

    assertThat(store.revoke("alice", key.id())).isTrue();
    assertThat(store.revoke("alice", key.id())).isFalse();

    assertThat(store.find(key.id())).contains(key.asRevoked());
  }

  @Test
  void anotherSubjectCannotRevokeAKey() {
    ApiKeyRecord key = newKey("alice");
    store.create(key, 5, clock.instant());

    assertThat(store.revoke("bob", key.id())).isFalse();
    assertThat(store.revoke("alice", store.shardFor("alice") + "BBBBBBBBBBBBB")).isFalse();

    assertThat(store.find(key.id())).contains(key);
  }

  @Test
  void listingShowsTheSubjectsUnexpiredKeysOldestFirst() {
    Instant now = clock.instant();
    ApiKeyRecord old = newKey("alice", now.minusSeconds(60), LIFETIME);
    ApiKeyRecord recent = newKey("alice", now, LIFETIME);
    ApiKeyRecord brief = newKey("alice", now, Duration.ofMinutes(1));
    store.create(recent, 5, now);
    store.create(old, 5, now);
    store.create(brief, 5, now);
    store.create(newKey("bob"), 5, now);
    store.revoke("alice", recent.id());

    assertThat(store.list("alice", now))
        .extracting(ApiKeyRecord::id)
        .containsExactlyInAnyOrder(old.id(), recent.id(), brief.id());
    assertThat(store.list("alice", now).get(0)).isEqualTo(old);
    assertThat(store.list("alice", now.plus(Duration.ofMinutes(2))))
        .containsExactly(old, recent.asRevoked());
    assertThat(store.list("carol", now)).isEmpty();
  }

  @Test
  void aUseIsRecordedAndNeverMovedBack() {
    ApiKeyRecord key = newKey("alice");
    store.create(key, 5, clock.instant());
    Instant later = clock.instant().plusSeconds(120);

    store.touch(key.id(), later);
    store.touch(key.id(), later.minusSeconds(60));

    assertThat(store.find(key.id()).orElseThrow().lastUsedAt()).contains(later);
    assertThat(store.find(key.id()).orElseThrow().revoked()).isFalse();
  }

  @Test
  void touchingAnUnknownKeyCreatesNothing() {
    String id = store.shardFor("alice") + "CCCCCCCCCCCCC";

    store.touch(id, clock.instant());

    assertThat(store.find(id)).isEmpty();
    assertThat(store.list("alice", clock.instant())).isEmpty();
  }

  @Test
  void touchingARevokedKeyLeavesItRevoked() {
    ApiKeyRecord key = newKey("alice");
    store.create(key, 5, clock.instant());
    store.revoke("alice", key.id());

    store.touch(key.id(), clock.instant().plusSeconds(5));

    assertThat(store.find(key.id()).orElseThrow().revoked()).isTrue();
  }

  @Test
  void creatingAndRevokingForeverKeepsTheSubjectBounded() {
    int cap = 3;
    for (int i = 0; i < 40; i++) {
      ApiKeyRecord key = newKey("alice");
      assertThat(store.create(key, cap, clock.instant())).isTrue();
      assertThat(store.revoke("alice", key.id())).isTrue();
    }

    assertThat(store.list("alice", clock.instant())).hasSizeLessThanOrEqualTo(2 * cap + 1);
  }

  @Test
  void concurrentCreatesNeverPassTheCap() throws Exception {
    pool = Executors.newFixedThreadPool(8);
    int cap = 3;
    for (int round = 0; round < 20; round++) {
      String subject = "burst" + round;
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        ApiKeyRecord key = newKey(subject);
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.create(key, cap, clock.instant());
                }));
      }
      start.countDown();
      int created = 0;
      for (Future<Boolean> f : results) {
        if (f.get(30, TimeUnit.SECONDS)) {
          created++;
        }
      }
      assertThat(created).as("round %s", round).isEqualTo(cap);
      assertThat(store.list(subject, clock.instant())).hasSize(cap);
    }
  }
}
