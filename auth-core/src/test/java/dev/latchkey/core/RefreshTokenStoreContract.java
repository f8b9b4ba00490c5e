package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RefreshTokenStore} must have, through the SPI only. An
 * implementation's test extends this class and creates a fresh, empty store on the given clock
 * (the clock also supplies every {@code now} passed to {@link RefreshTokenStore#rotate}).
 */
public abstract class RefreshTokenStoreContract {
  protected static final Duration LIFETIME = Duration.ofHours(1);
  protected static final Duration FAMILY = Duration.ofHours(8);
  protected static final Duration NO_GRACE = Duration.ZERO;
  protected static final Duration GRACE = Duration.ofSeconds(10);

  protected TestClock clock;
  protected RefreshTokenStore store;

  /** A fresh, empty store whose notion of time is {@code clock}. */
  protected abstract RefreshTokenStore createStore(TestClock clock);

  @BeforeEach
  void setUpStore() {
    clock = TestClock.atNow();
    store = createStore(clock);
  }

  /** A new token id for {@code subject}, with the tag this store gives it. */
  protected HashedId newId(String subject) {
    return OpaqueIds.parse(OpaqueIds.generateInShard(store.shardFor(subject))).orElseThrow();
  }

  /** Starts a family for {@code subject} and returns its first token's id. */
  protected HashedId login(String subject) {
    HashedId id = newId(subject);
    Instant now = clock.instant();
    store.create(
        new RefreshRecord(
            id, OpaqueIds.randomToken(), Principal.of(subject, Set.of("user")), now,
            now.plus(LIFETIME), now.plus(FAMILY)));
    return id;
  }

  private RefreshTokenStore.Rotation rotate(HashedId presented, HashedId successor, Duration grace) {
    return store.rotate(presented, successor, clock.instant(), LIFETIME, grace);
  }

  @Test
  void shardTagsAreNoUnkeyedHashOfTheSubject() {
    // 32 subjects: a tag may match a plain hash's first characters by chance (1 in 2^18 each),
    // never all of them.
    int matches = 0;
    for (int i = 0; i < 32; i++) {
      String subject = "user-" + i;
      String tag = store.shardFor(subject);
      assertThat(OpaqueIds.generateInShard(tag)).endsWith("." + tag);
      matches += UnkeyedHashes.matches(subject, tag);
    }
    assertThat(matches).isLessThanOrEqualTo(1);
  }

  @Test
  void rotatingLiveTokenYieldsSuccessor() {
    HashedId first = login("alice");
    clock.advance(Duration.ofMinutes(5));
    HashedId next = newId("alice");

    RefreshTokenStore.Rotation r = rotate(first, next, NO_GRACE);

    assertThat(r).isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    RefreshRecord successor = ((RefreshTokenStore.Rotation.Rotated) r).successor();
    assertThat(successor.id()).isEqualTo(next);
    assertThat(successor.principal()).isEqualTo(Principal.of("alice", Set.of("user")));
    assertThat(successor.issuedAt()).isEqualTo(clock.instant());
    assertThat(successor.expiresAt()).isEqualTo(clock.instant().plus(LIFETIME));
  }

  @Test
  void successorKeepsTheFamilyAndItsEnd() {
    Instant start = clock.instant();
    HashedId first = login("alice");
    HashedId second = newId("alice");
    RefreshRecord s1 = rotated(rotate(first, second, NO_GRACE));
    RefreshRecord s2 = rotated(rotate(second, newId("alice"), NO_GRACE));

    assertThat(s2.familyId()).isEqualTo(s1.familyId());
    assertThat(s2.familyExpiresAt()).isEqualTo(start.plus(FAMILY));
  }

  @Test
  void successorCanBeRotatedInTurn() {
    HashedId first = login("alice");
    HashedId second = newId("alice");
    rotate(first, second, NO_GRACE);

    assertThat(rotate(second, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
  }

  @Test
  void reusedTokenEndsTheFamily() {
    HashedId first = login("alice");
    HashedId second = newId("alice");
    rotate(first, second, NO_GRACE);

    RefreshTokenStore.Rotation reuse = rotate(first, newId("alice"), NO_GRACE);

    assertThat(reuse).isEqualTo(new RefreshTokenStore.Rotation.Reused("alice"));
    assertThat(rotate(second, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  @Test
  void unknownTokenIsInvalid() {
    login("alice");

    assertThat(rotate(newId("alice"), newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  @Test
  void expiredTokenIsInvalid() {
    HashedId first = login("alice");
    clock.advance(LIFETIME);

    assertThat(rotate(first, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  @Test
  void tokenJustBeforeExpiryRotates() {
    HashedId first = login("alice");
    clock.advance(LIFETIME.minusSeconds(1));

    assertThat(rotate(first, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
  }

  @Test
  void successorExpiryIsCappedByFamilyEnd() {
    Instant start = clock.instant();
    HashedId id = login("alice");
    // Rotate every 30 minutes, so that no single token expires before the family does.
    for (int i = 1; i <= 15; i++) {
      clock.set(start.plus(Duration.ofMinutes(30L * i)));
      HashedId n = newId("alice");
      rotated(rotate(id, n, NO_GRACE));
      id = n;
    }
    clock.set(start.plus(FAMILY).minus(Duration.ofMinutes(10)));

    RefreshRecord last = rotated(rotate(id, newId("alice"), NO_GRACE));

    assertThat(last.expiresAt()).isEqualTo(start.plus(FAMILY));
  }

  @Test
  void familyEndsAtItsAbsoluteLifetimeHoweverOftenItRotates() {
    Instant start = clock.instant();
    HashedId id = login("alice");
    for (int i = 1; i <= 16; i++) {
      clock.set(start.plus(Duration.ofMinutes(30L * i)));
      HashedId n = newId("alice");
      if (i < 16) {
        rotated(rotate(id, n, NO_GRACE));
        id = n;
      } else {
        // 16 * 30 min = 8 h: the family's end.
        assertThat(rotate(id, n, NO_GRACE))
            .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
      }
    }
  }

  @Test
  void graceRetryIsHonouredOnceAndReplacesTheFirstSuccessor() {
    HashedId first = login("alice");
    HashedId lost = newId("alice");
    rotated(rotate(first, lost, GRACE));
    clock.advance(Duration.ofSeconds(3));
    HashedId retried = newId("alice");

    RefreshTokenStore.Rotation retry = rotate(first, retried, GRACE);

    assertThat(retry).isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    assertThat(rotate(lost, newId("alice"), GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
    assertThat(rotate(retried, newId("alice"), GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
  }

  @Test
  void secondGraceRetryIsReuse() {
    HashedId first = login("alice");
    rotated(rotate(first, newId("alice"), GRACE));
    HashedId retried = newId("alice");
    rotated(rotate(first, retried, GRACE));

    assertThat(rotate(first, newId("alice"), GRACE))
        .isEqualTo(new RefreshTokenStore.Rotation.Reused("alice"));
    assertThat(rotate(retried, newId("alice"), GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  @Test
  void retryAfterGraceIsReuse() {
    HashedId first = login("alice");
    HashedId second = newId("alice");
    rotated(rotate(first, second, GRACE));
    clock.advance(GRACE);

    assertThat(rotate(first, newId("alice"), GRACE))
        .isEqualTo(new RefreshTokenStore.Rotation.Reused("alice"));
    assertThat(rotate(second, newId("alice"), GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  @Test
  void withoutGraceAnySecondUseIsReuse() {
    HashedId first = login("alice");
    rotated(rotate(first, newId("alice"), NO_GRACE));

    assertThat(rotate(first, newId("alice"), NO_GRACE))
        .isEqualTo(new RefreshTokenStore.Rotation.Reused("alice"));
  }

  @Test
  void revokeFamilyEndsIt() {
    HashedId first = login("alice");
    HashedId second = newId("alice");
    rotated(rotate(first, second, NO_GRACE));

    assertThat(store.revokeFamily(second)).isTrue();

    assertThat(rotate(second, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
    assertThat(store.revokeFamily(second)).isFalse();
  }

  @Test
  void successorCarriesThePrincipalWithRolesAndAttributes() {
    Principal carol =
        new Principal("carol", Set.of("admin", "user"), Map.of("tenant", "acme"));
    HashedId id = newId("carol");
    Instant now = clock.instant();
    store.create(
        new RefreshRecord(
            id, OpaqueIds.randomToken(), carol, now, now.plus(LIFETIME), now.plus(FAMILY)));

    RefreshRecord successor = rotated(rotate(id, newId("carol"), NO_GRACE));

    assertThat(successor.principal()).isEqualTo(carol);
  }

  @Test
  void revokeFamilyThroughAConsumedTokenEndsTheFamily() {
    HashedId first = login("alice");
    HashedId second = newId("alice");
    rotated(rotate(first, second, NO_GRACE));

    assertThat(store.revokeFamily(first)).isTrue();

    assertThat(rotate(second, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  @Test
  void revokeSubjectCountsOnlyLiveFamilies() {
    HashedId ended = login("alice");
    login("alice");
    store.revokeFamily(ended);

    assertThat(store.revokeSubject("alice")).isEqualTo(1);
  }

  @Test
  void revokeFamilyOfUnknownTokenIsFalse() {
    assertThat(store.revokeFamily(newId("alice"))).isFalse();
  }

  @Test
  void revokeFamilyLeavesOtherFamiliesAlone() {
    HashedId phone = login("alice");
    HashedId laptop = login("alice");

    store.revokeFamily(phone);

    assertThat(rotate(laptop, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
  }

  @Test
  void revokeSubjectEndsEveryFamilyOfTheSubjectOnly() {
    HashedId phone = login("alice");
    HashedId laptop = login("alice");
    HashedId bobs = login("bob");

    assertThat(store.revokeSubject("alice")).isEqualTo(2);

    assertThat(rotate(phone, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
    assertThat(rotate(laptop, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
    assertThat(rotate(bobs, newId("bob"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    assertThat(store.revokeSubject("alice")).isZero();
  }

  @Test
  void concurrentRotationsOfOneTokenYieldExactlyOneSuccessor() throws Exception {
    HashedId first = login("alice");
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<RefreshTokenStore.Rotation>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        HashedId successor = newId("alice");
        Callable<RefreshTokenStore.Rotation> task =
            () -> {
              start.await();
              return rotate(first, successor, NO_GRACE);
            };
        futures.add(pool.submit(task));
      }
      start.countDown();
      int rotated = 0;
      for (Future<RefreshTokenStore.Rotation> f : futures) {
        RefreshTokenStore.Rotation r = f.get(30, TimeUnit.SECONDS);
        if (r instanceof RefreshTokenStore.Rotation.Rotated) {
          rotated++;
        } else {
          // The first loser ends the family; later ones may find it ended already.
          assertThat(r)
              .isInstanceOfAny(
                  RefreshTokenStore.Rotation.Reused.class, RefreshTokenStore.Rotation.Invalid.class);
        }
      }
      assertThat(rotated).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static RefreshRecord rotated(RefreshTokenStore.Rotation r) {
    assertThat(r).isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    return ((RefreshTokenStore.Rotation.Rotated) r).successor();
  }
}
