package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshRecord;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link RefreshTokenStore} must have, through the SPI only. An
 * implementation's test extends this class and creates a fresh, empty store whose notion of time
 * follows the given clock: the in-memory store runs on it; a store on a server's clock adds how far
 * the test has moved the clock since the store was made (so store time = test clock plus the real
 * time the test has taken, never less, and {@link #timeTolerance} says how much more).
 */
public abstract class RefreshTokenStoreContract {
  protected static final Duration LIFETIME = Duration.ofHours(1);
  protected static final Duration FAMILY = Duration.ofHours(8);
  protected static final Duration NO_GRACE = Duration.ZERO;
  protected static final Duration GRACE = Duration.ofSeconds(10);
  protected static final int FAMILIES = 8;

  /** High enough that only the rate-limit tests meet the limit. */
  protected static final int RATE = 1_000_000;

  protected TestClock clock;
  protected RefreshTokenStore store;

  /** A fresh, empty store whose notion of time follows {@code clock} (see the class comment). */
  protected abstract RefreshTokenStore createStore(TestClock clock);

  /**
   * What the store holds for {@code subjects} (the in-memory store: for everyone), counted as the
   * implementation stores it: entries, keys, hash fields. Only compared with itself.
   */
  protected abstract long footprint(String... subjects);

  /** How much later than the test clock the store's clock may read (0 when it is the clock). */
  protected Duration timeTolerance() {
    return Duration.ZERO;
  }

  @BeforeEach
  void setUpStore() {
    clock = TestClock.atNow();
    store = createStore(clock);
  }

  /** A new token id for {@code subject}, with the tag this store gives it. */
  protected HashedId newId(String subject) {
    return OpaqueIds.parse(OpaqueIds.generateInShard(store.shardFor(subject))).orElseThrow();
  }

  protected static RefreshTokenStore.Policy policy(Duration grace) {
    return new RefreshTokenStore.Policy(
        LIFETIME, FAMILY, grace, FAMILIES, RATE, Duration.ofMinutes(1));
  }

  /** Starts a family for {@code subject} and returns its first token's id. */
  protected HashedId login(String subject) {
    return login(Principal.of(subject, Set.of("user")), policy(NO_GRACE)).id();
  }

  protected RefreshRecord login(Principal principal, RefreshTokenStore.Policy policy) {
    return store.create(newId(principal.subject()), OpaqueIds.randomToken(), principal, policy);
  }

  private RefreshTokenStore.Rotation rotate(
      HashedId presented, HashedId successor, Duration grace) {
    return store.rotate(presented, successor, policy(grace));
  }

  /** Asserts that {@code t} is a store time read now: not before the test clock, nor far after. */
  protected void assertStoreTimeNow(Instant t) {
    assertThat(t).isBetween(clock.instant(), clock.instant().plus(timeTolerance()));
  }

  @Test
  void shardTagsAreNoUnkeyedHashOfTheSubject() {
    UnkeyedHashes.assertTagsCarryNoUnkeyedHash(store::shardFor);
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
    assertStoreTimeNow(successor.issuedAt());
    assertThat(successor.expiresAt()).isEqualTo(successor.issuedAt().plus(LIFETIME));
  }

  @Test
  void successorKeepsTheFamilyAndItsEnd() {
    RefreshRecord created = login(Principal.of("alice", Set.of("user")), policy(NO_GRACE));
    assertStoreTimeNow(created.issuedAt());
    assertThat(created.familyExpiresAt()).isEqualTo(created.issuedAt().plus(FAMILY));
    assertThat(created.expiresAt()).isEqualTo(created.issuedAt().plus(LIFETIME));
    HashedId second = newId("alice");
    RefreshRecord s1 = rotated(rotate(created.id(), second, NO_GRACE));
    RefreshRecord s2 = rotated(rotate(second, newId("alice"), NO_GRACE));

    assertThat(s1.familyId()).isEqualTo(created.familyId());
    assertThat(s2.familyId()).isEqualTo(s1.familyId());
    assertThat(s2.familyExpiresAt()).isEqualTo(created.familyExpiresAt());
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

    assertThat(reuse)
        .isInstanceOfSatisfying(
            RefreshTokenStore.Rotation.Reused.class,
            r -> assertThat(r.subject()).isEqualTo("alice"));
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
    RefreshRecord created = login(Principal.of("alice", Set.of("user")), policy(NO_GRACE));
    HashedId id = created.id();
    // Rotate every 30 minutes, so that no single token expires before the family does.
    for (int i = 1; i <= 15; i++) {
      clock.set(start.plus(Duration.ofMinutes(30L * i)));
      HashedId n = newId("alice");
      rotated(rotate(id, n, NO_GRACE));
      id = n;
    }
    clock.set(start.plus(FAMILY).minus(Duration.ofMinutes(10)));

    RefreshRecord last = rotated(rotate(id, newId("alice"), NO_GRACE));

    assertThat(last.expiresAt()).isEqualTo(created.familyExpiresAt());
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
        assertThat(rotate(id, n, NO_GRACE)).isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
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
    assertThat(rotate(retried, newId("alice"), GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
  }

  /**
   * The successor a grace retry replaced was handed to someone (the first caller, or a thief who
   * raced the client): presenting it later is theft, so it is remembered and ends the family.
   */
  @Test
  void successorReplacedByAGraceRetryIsReuseNotUnknown() {
    HashedId first = login("alice");
    HashedId lost = newId("alice");
    rotated(rotate(first, lost, GRACE));
    clock.advance(Duration.ofSeconds(3));
    HashedId retried = newId("alice");
    rotated(rotate(first, retried, GRACE));
    clock.advance(Duration.ofMinutes(5));

    assertThat(rotate(lost, newId("alice"), GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Reused.class);
    assertThat(rotate(retried, newId("alice"), GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  @Test
  void secondGraceRetryIsReuse() {
    HashedId first = login("alice");
    rotated(rotate(first, newId("alice"), GRACE));
    HashedId retried = newId("alice");
    rotated(rotate(first, retried, GRACE));

    assertThat(rotate(first, newId("alice"), GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Reused.class);
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
        .isInstanceOf(RefreshTokenStore.Rotation.Reused.class);
    assertThat(rotate(second, newId("alice"), GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  @Test
  void withoutGraceAnySecondUseIsReuse() {
    HashedId first = login("alice");
    rotated(rotate(first, newId("alice"), NO_GRACE));

    assertThat(rotate(first, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Reused.class);
  }

  @Test
  void revokeFamilyEndsItAndNamesItsSubjectAndFamily() {
    HashedId first = login("alice");
    HashedId second = newId("alice");
    RefreshRecord successor = rotated(rotate(first, second, NO_GRACE));

    assertThat(store.revokeFamily(second))
        .contains(new RefreshTokenStore.EndedFamily("alice", successor.familyId()));

    assertThat(rotate(second, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
    assertThat(store.revokeFamily(second)).isEmpty();
  }

  @Test
  void successorCarriesThePrincipalWithRolesAndAttributes() {
    Principal carol = new Principal("carol", Set.of("admin", "user"), Map.of("tenant", "acme"));
    HashedId id = login(carol, policy(NO_GRACE)).id();

    RefreshRecord successor = rotated(rotate(id, newId("carol"), NO_GRACE));

    assertThat(successor.principal()).isEqualTo(carol);
  }

  @Test
  void revokeFamilyThroughAConsumedTokenEndsTheFamily() {
    HashedId first = login("alice");
    HashedId second = newId("alice");
    RefreshRecord successor = rotated(rotate(first, second, NO_GRACE));

    assertThat(store.revokeFamily(first))
        .contains(new RefreshTokenStore.EndedFamily("alice", successor.familyId()));
    assertThat(store.revokeFamily(first)).isEmpty();

    assertThat(rotate(second, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  @Test
  void revokeSubjectCountsOnlyLiveFamilies() {
    HashedId ended = login("alice");
    login("alice");
    store.revokeFamily(ended);

    assertThat(store.revokeSubject("alice")).hasSize(1);
  }

  @Test
  void revokeFamilyOfUnknownTokenEndsNothing() {
    assertThat(store.revokeFamily(newId("alice"))).isEmpty();
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

    assertThat(store.revokeSubject("alice")).hasSize(2);

    assertThat(rotate(phone, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
    assertThat(rotate(laptop, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
    assertThat(rotate(bobs, newId("bob"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    assertThat(store.revokeSubject("alice")).isEmpty();
  }

  /**
   * A second presentation whose time reads earlier than the first's (two requests whose clock reads
   * and store arrivals are in opposite orders, or a replay through a lagging node) is reuse: with
   * no grace, no order of timestamps opens a retry.
   */
  @Test
  void secondPresentationIsReuseEvenWhenTheClockReadsEarlier() {
    HashedId first = login("alice");
    clock.advance(Duration.ofSeconds(30));
    HashedId winner = newId("alice");
    rotated(rotate(first, winner, NO_GRACE));
    clock.advance(Duration.ofSeconds(-5));

    assertThat(rotate(first, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Reused.class);
    assertThat(rotate(winner, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  @Test
  void withoutGraceASecondUseAtTheSameInstantIsReuse() {
    HashedId first = login("alice");
    HashedId winner = newId("alice");
    rotated(rotate(first, winner, NO_GRACE));

    assertThat(rotate(first, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Reused.class);
    assertThat(rotate(winner, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  /**
   * Two presentations of one token released together by a barrier, many rounds. Whatever the
   * interleaving, the store serialises them: the first to reach it finds the token live and
   * rotates; the second finds it consumed (never live again), so it is reuse and ends the family,
   * which leaves the winner's successor dead.
   */
  @Test
  void twoRacingPresentationsOfOneTokenHaveExactlyOneWinner() throws Exception {
    race(2, 100);
  }

  /** As with two, with 64 at once: one Rotated, 63 Reused, the winner's successor dead. */
  @Test
  void sixtyFourRacingPresentationsOfOneTokenHaveExactlyOneWinner() throws Exception {
    race(64, 10);
  }

  private void race(int threads, int rounds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < rounds; round++) {
        HashedId first = login("racer" + round);
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Future<RefreshTokenStore.Rotation>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          HashedId successor = newId("racer" + round);
          Callable<RefreshTokenStore.Rotation> task =
              () -> {
                barrier.await(30, TimeUnit.SECONDS);
                return rotate(first, successor, NO_GRACE);
              };
          futures.add(pool.submit(task));
        }
        List<RefreshRecord> winners = new ArrayList<>();
        int reused = 0;
        for (Future<RefreshTokenStore.Rotation> f : futures) {
          RefreshTokenStore.Rotation r = f.get(60, TimeUnit.SECONDS);
          if (r instanceof RefreshTokenStore.Rotation.Rotated won) {
            winners.add(won.successor());
          } else {
            assertThat(r)
                .as("round %d", round)
                .isInstanceOf(RefreshTokenStore.Rotation.Reused.class);
            reused++;
          }
        }
        assertThat(winners).as("round %d", round).hasSize(1);
        assertThat(reused).isEqualTo(threads - 1);
        if (threads > 1) {
          assertThat(rotate(winners.get(0).id(), newId("racer" + round), NO_GRACE))
              .as("round %d", round)
              .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void consumedTokenOfAnEndedFamilyStaysReuse() {
    HashedId first = login("alice");
    HashedId second = newId("alice");
    rotated(rotate(first, second, NO_GRACE));
    store.revokeFamily(second);

    assertThat(rotate(first, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Reused.class);
    assertThat(rotate(second, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  /**
   * One client looping refreshes: 10,000 rotations of one family leave exactly the state that 10
   * left. The last {@link RefreshTokenStore#REMEMBERED_CONSUMED} consumed tokens are still reuse;
   * an older one is unknown, which rotates nothing and ends nothing.
   */
  @Test
  void tenThousandRotationsOfOneFamilyLeaveConstantState() {
    HashedId bobs = login("bob");
    HashedId current = login("alice");
    List<HashedId> consumed = new ArrayList<>();
    long afterTen = 0;
    for (int i = 1; i <= 10_000; i++) {
      HashedId next = newId("alice");
      rotated(rotate(current, next, NO_GRACE));
      consumed.add(current);
      current = next;
      if (i == 10) {
        afterTen = footprint("alice", "bob");
      }
    }

    assertThat(footprint("alice", "bob")).isEqualTo(afterTen);
    HashedId old = consumed.get(consumed.size() - 1 - RefreshTokenStore.REMEMBERED_CONSUMED);
    assertThat(rotate(old, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
    HashedId next = newId("alice");
    rotated(rotate(current, next, NO_GRACE));
    assertThat(rotate(bobs, newId("bob"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    assertThat(rotate(consumed.get(consumed.size() - 1), newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Reused.class);
    assertThat(rotate(next, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
  }

  /** Over its rate a live token is refused, stays live and unconsumed, and works later. */
  @Test
  void rotationsOverTheRateAreRefusedAndChangeNothing() {
    RefreshTokenStore.Policy three =
        new RefreshTokenStore.Policy(
            LIFETIME, FAMILY, NO_GRACE, FAMILIES, 3, Duration.ofMinutes(1));
    HashedId current = login(Principal.of("alice", Set.of("user")), three).id();
    Instant windowStart = null;
    for (int i = 0; i < 3; i++) {
      HashedId next = newId("alice");
      RefreshRecord r = rotated(store.rotate(current, next, three));
      windowStart = windowStart == null ? r.issuedAt() : windowStart;
      current = next;
    }

    long before = footprint("alice");

    RefreshTokenStore.Rotation limited = store.rotate(current, newId("alice"), three);
    assertThat(limited)
        .isEqualTo(new RefreshTokenStore.Rotation.Limited(windowStart.plus(Duration.ofMinutes(1))));
    assertThat(store.rotate(current, newId("alice"), three)).isEqualTo(limited);
    assertThat(footprint("alice")).isEqualTo(before);

    clock.advance(Duration.ofMinutes(1));
    rotated(store.rotate(current, newId("alice"), three));
  }

  /**
   * One subject logging in again and again ends only its own oldest families; another subject's
   * family is untouched, and the flooding subject's state stays at its cap.
   */
  @Test
  void oneSubjectsLoginFloodEndsOnlyItsOwnOldestFamilies() {
    HashedId bobs = login("bob");
    List<HashedId> alices = new ArrayList<>();
    for (int i = 0; i < FAMILIES; i++) {
      alices.add(login("alice"));
    }
    long atCap = footprint("alice", "bob");
    for (int i = 0; i < 200; i++) {
      alices.add(login("alice"));
    }

    assertThat(footprint("alice", "bob")).isEqualTo(atCap);
    assertThat(rotate(bobs, newId("bob"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    assertThat(rotate(alices.get(alices.size() - FAMILIES - 1), newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
    for (HashedId live : alices.subList(alices.size() - FAMILIES, alices.size())) {
      assertThat(rotate(live, newId("alice"), NO_GRACE))
          .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    }
  }

  @Test
  void revokeFamilyByIdEndsThatFamilyOfThatSubjectOnly() {
    RefreshRecord phone = login(Principal.of("alice", Set.of("user")), policy(NO_GRACE));
    HashedId laptop = login("alice");

    assertThat(store.revokeFamilyById("bob", phone.familyId())).isFalse();
    assertThat(store.revokeFamilyById("alice", phone.familyId())).isTrue();

    assertThat(rotate(phone.id(), newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Invalid.class);
    assertThat(rotate(laptop, newId("alice"), NO_GRACE))
        .isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    assertThat(store.revokeFamilyById("alice", phone.familyId())).isFalse();
    assertThat(store.revokeFamilyById("alice", OpaqueIds.randomToken())).isFalse();
  }

  @Test
  void revokeSubjectNamesTheFamiliesItEnded() {
    RefreshRecord phone = login(Principal.of("alice", Set.of("user")), policy(NO_GRACE));
    RefreshRecord laptop = login(Principal.of("alice", Set.of("user")), policy(NO_GRACE));
    RefreshRecord ended = login(Principal.of("alice", Set.of("user")), policy(NO_GRACE));
    store.revokeFamily(ended.id());

    assertThat(store.revokeSubject("alice"))
        .containsExactlyInAnyOrder(phone.familyId(), laptop.familyId());
  }

  @Test
  void reuseNamesTheFamilyItEnded() {
    RefreshRecord created = login(Principal.of("alice", Set.of("user")), policy(NO_GRACE));
    rotated(rotate(created.id(), newId("alice"), NO_GRACE));

    assertThat(rotate(created.id(), newId("alice"), NO_GRACE))
        .isEqualTo(new RefreshTokenStore.Rotation.Reused("alice", created.familyId()));
    assertThat(store.revokeFamilyById("alice", created.familyId())).isFalse();
  }

  @Test
  void familyIsLiveUntilItEnds() {
    RefreshRecord created = login(Principal.of("alice", Set.of("user")), policy(NO_GRACE));
    RefreshRecord successor = rotated(rotate(created.id(), newId("alice"), NO_GRACE));
    assertThat(store.familyLive("alice", created.familyId())).isTrue();
    assertThat(store.familyLive("bob", created.familyId())).isFalse();
    assertThat(store.familyLive("alice", OpaqueIds.randomToken())).isFalse();

    rotate(created.id(), newId("alice"), NO_GRACE);

    assertThat(store.familyLive("alice", successor.familyId())).isFalse();
  }

  @Test
  void familyIsNotLivePastItsAbsoluteEndOrOnceRevoked() {
    RefreshRecord expiring = login(Principal.of("alice", Set.of("user")), policy(NO_GRACE));
    RefreshRecord revoked = login(Principal.of("alice", Set.of("user")), policy(NO_GRACE));
    store.revokeFamilyById("alice", revoked.familyId());
    assertThat(store.familyLive("alice", revoked.familyId())).isFalse();

    clock.advance(FAMILY);

    assertThat(store.familyLive("alice", expiring.familyId())).isFalse();
  }

  private static RefreshRecord rotated(RefreshTokenStore.Rotation r) {
    assertThat(r).isInstanceOf(RefreshTokenStore.Rotation.Rotated.class);
    return ((RefreshTokenStore.Rotation.Rotated) r).successor();
  }
}
