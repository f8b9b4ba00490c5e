package dev.latchkey.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bursts of login attempts that are all in flight at once, counting the bCrypt evaluations they
 * cause.
 *
 * <p>The interleaving is forced, not hoped for: every attempt of a burst starts at one barrier, and
 * an attempt that reaches bCrypt ({@link GatedHasher#verify}) waits there until every other attempt
 * of the burst has either reached bCrypt too or returned. So no evaluation finishes, and no failure
 * or success is recorded, before every attempt has passed the throttle: a throttle that checks
 * before bCrypt and counts after it lets all of them through, one that reserves atomically lets
 * through only its budget.
 */
final class ConcurrentGuesses {
  private ConcurrentGuesses() {}

  /** A {@link PasswordHasher} that counts verifications and can hold them at a gate. */
  static final class GatedHasher implements PasswordHasher {
    private static final long GATE_SECONDS = 20;
    private final PasswordHasher delegate;
    private final AtomicInteger verifications = new AtomicInteger();
    private final ThreadLocal<Boolean> entered = ThreadLocal.withInitial(() -> false);
    private volatile CountDownLatch gate;

    GatedHasher(PasswordHasher delegate) {
      this.delegate = delegate;
    }

    /** Verifications so far (the dummy one for unknown users included). */
    int verifications() {
      return verifications.get();
    }

    @Override
    public String hash(char[] password) {
      return delegate.hash(password);
    }

    @Override
    public boolean verify(char[] password, String storedHash) {
      verifications.incrementAndGet();
      CountDownLatch g = gate;
      if (g != null) {
        entered.set(true);
        g.countDown();
        try {
          g.await(GATE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return delegate.verify(password, storedHash);
    }

    @Override
    public boolean needsRehash(String storedHash) {
      return delegate.needsRehash(storedHash);
    }

    private void arm(int parties) {
      gate = new CountDownLatch(parties);
    }

    private void disarm() {
      gate = null;
    }

    /** An attempt of the burst has returned: it counts as arrived if it never reached bCrypt. */
    private void left() {
      if (!entered.get()) {
        gate.countDown();
      }
      entered.set(false);
    }
  }

  /**
   * Runs {@code attempts} at once, attempt {@code i} on {@code nodes.get(i % nodes.size())}, on
   * {@code pool} (at least as many threads as attempts); their results in order.
   */
  static List<AuthResult> burst(
      List<PasswordAuthenticator> nodes,
      GatedHasher hasher,
      List<PasswordCredentials> attempts,
      ExecutorService pool)
      throws Exception {
    int n = attempts.size();
    hasher.arm(n);
    CyclicBarrier start = new CyclicBarrier(n);
    List<Future<AuthResult>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        PasswordAuthenticator node = nodes.get(i % nodes.size());
        PasswordCredentials attempt = attempts.get(i);
        futures.add(
            pool.submit(
                () -> {
                  start.await(20, TimeUnit.SECONDS);
                  try {
                    return node.authenticate(attempt);
                  } finally {
                    hasher.left();
                  }
                }));
      }
      List<AuthResult> results = new ArrayList<>();
      for (Future<AuthResult> f : futures) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      hasher.disarm();
    }
  }

  /** An IPv6 address in its own random /64 of the documentation prefix. */
  static String randomIpv6() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return String.format(
        "2001:db8:%x:%x::%x", r.nextInt(0x10000), r.nextInt(0x10000), 1 + r.nextInt(0xffff));
  }
}
