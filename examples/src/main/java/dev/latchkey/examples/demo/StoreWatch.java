package dev.latchkey.examples.demo;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Logs a store outage once when it is noticed and once when the store answers again, never once per
 * request: an answer that found the store unreachable reports it here, and while it is down a probe
 * asks the store every {@code interval}. So at most one outage line and one recovery line are
 * logged per interval, however many requests fail. Safe for concurrent use.
 */
final class StoreWatch implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(StoreWatch.class.getName());

  private final String store;
  private final BooleanSupplier reachable;
  private final AtomicBoolean up = new AtomicBoolean(true);
  private final ScheduledExecutorService probe;

  StoreWatch(String store, BooleanSupplier reachable, Duration interval) {
    this.store = store;
    this.reachable = reachable;
    this.probe =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "demo-store-probe");
              t.setDaemon(true);
              return t;
            });
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
    if (up.get()) {
      return; // a reachable store is not asked: requests notice an outage
    }
    boolean answers;
    try {
      answers = reachable.getAsBoolean();
    } catch (RuntimeException e) {
      answers = false;
    }
    if (answers && up.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.INFO, "store reachable again (" + store + ")");
    }
  }

  @Override
  public void close() {
    probe.shutdownNow();
  }
}
