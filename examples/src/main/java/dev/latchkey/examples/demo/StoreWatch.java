package dev.latchkey.examples.demo;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Logs a store outage once when an answer finds the store unreachable, and once when the store
 * answers again (a probe asks it every {@code interval} while it is down), never once per request.
 * Safe for concurrent use.
 */
final class StoreWatch implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(StoreWatch.class.getName());

  private final String store;
  private final BooleanSupplier reachable;
  private final AtomicBoolean up = new AtomicBoolean(true);
  private final ScheduledExecutorService probe =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "demo-store-probe");
            t.setDaemon(true);
            return t;
          });

  StoreWatch(String store, BooleanSupplier reachable, Duration interval) {
    this.store = store;
    this.reachable = reachable;
    long millis = interval.toMillis();
    var unused = probe.scheduleWithFixedDelay(this::probe, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Reports that an answer found the store unreachable; logs only the first of an outage. */
  void unavailable() {
    if (up.compareAndSet(true, false)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "store unreachable (" + store + "): answering 503 until it is back");
    }
  }

  private void probe() {
    // A reachable store is not asked: requests notice an outage.
    if (!up.get() && answers() && up.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.INFO, "store reachable again (" + store + ")");
    }
  }

  private boolean answers() {
    try {
      return reachable.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    probe.shutdownNow();
  }
}
