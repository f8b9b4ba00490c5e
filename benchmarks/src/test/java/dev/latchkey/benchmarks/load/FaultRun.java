package dev.latchkey.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.session.LoginOutcome;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A load run on two Redis nodes in the background while a test breaks Redis underneath it. The
 * engine runs lenient (a Redis that restarted empty loses sessions: counted as lost, not as
 * errors); violations, unexpected exceptions and slow failures are still counted.
 */
final class FaultRun implements AutoCloseable {
  /** The client timeout of every node: each failing call must give up within a few of these. */
  static final Duration TIMEOUT = Duration.ofMillis(500);

  /** The longest a call may take to answer UNAVAILABLE: a login makes two throttle calls. */
  static final Duration FAIL_BOUND = TIMEOUT.multipliedBy(3).plusSeconds(1);

  /**
   * The written bound once Redis lost data (RedisStores#revocationList): three heartbeats, the
   * longest resubscription backoff (1 s) and the resync, with a margin for a loaded machine.
   */
  static final Duration DATA_LOSS_BOUND = Duration.ofSeconds(2);

  /** A call this long or longer gave up at the client timeout (less a margin for the timer). */
  static final Duration SLOW_CALL = TIMEOUT.multipliedBy(9).dividedBy(10);

  /** How many calls after recovery may give up at the client timeout on a stalled machine. */
  static final long STALLS_ALLOWED = 20;

  /** How long the nodes may take to serve again once Redis is back. */
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(15);

  static final long AFTER_OPERATIONS = 5_000;

  final String url;
  final LoadEngine.Fleet fleet;
  final LoadEngine engine;
  private final FutureTask<LoadEngine.Report> task;
  private final Thread thread;

  FaultRun(String url, Duration duration) {
    this.url = url;
    this.fleet =
        LoadFleets.redis(url, 2, 50, 3, LoadFleets.Lifetimes.SOAK, TIMEOUT, Duration.ofMillis(100))
            .withRevocationBound(DATA_LOSS_BOUND);
    this.engine =
        new LoadEngine(
            fleet,
            new LoadEngine.Config(
                duration, Long.MAX_VALUE, 50, 6, 3, Duration.ofSeconds(1), false));
    engine.countSlowUnavailableFrom(SLOW_CALL);
    this.task = new FutureTask<>(engine::run);
    this.thread = new Thread(task, "fault-run");
  }

  FaultRun start() {
    thread.start();
    await(Duration.ofSeconds(20), () -> engine.operationsSoFar() > 2_000, "warm-up");
    return this;
  }

  /** Every node serves a new login, its session check and a token verify, on its own clients. */
  boolean serves() {
    try {
      for (LoadEngine.Node node : fleet.nodes()) {
        Principal p = Principal.of("probe", Set.of("user"));
        Optional<LoginOutcome.NewSession> created = node.sessions().login(p, Map.of()).created();
        if (created.isEmpty()
            || !node.sessions().authenticate(new SessionCookie(created.get().id())).succeeded()
            || !node.tokens().verify(node.tokens().issue(p).value()).succeeded()) {
          return false;
        }
      }
      return true;
    } catch (StoreUnavailableException e) {
      return false;
    }
  }

  /** Waits until every node serves again; returns how long that took. */
  Duration awaitRecovery() {
    long t0 = System.nanoTime();
    await(RECOVERY_BOUND, this::serves, "service back on the same clients");
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  void awaitUnavailable() {
    long before = engine.unavailableSoFar();
    await(
        Duration.ofSeconds(10),
        () -> engine.unavailableSoFar() > before,
        "the load sees UNAVAILABLE");
  }

  /**
   * Lets the load run {@value #AFTER_OPERATIONS} more operations on the recovered service, so that
   * the invariants are checked after the fault too, then stops it and returns its report.
   */
  LoadEngine.Report finish() throws Exception {
    long mark = engine.operationsSoFar();
    await(
        Duration.ofSeconds(30),
        () -> engine.operationsSoFar() >= mark + AFTER_OPERATIONS || task.isDone(),
        "the load goes on after the fault");
    engine.stop();
    return task.get(60, TimeUnit.SECONDS);
  }

  /** The checks every fault run ends with. */
  static void assertHeld(LoadEngine.Report r) {
    String shown = r.summary() + "\n" + String.join("\n", r.firstProblems());
    assertThat(r.violations()).as(shown).isZero();
    assertThat(r.errors()).as(shown).isZero();
    assertThat(r.unavailable()).as("the fault was seen: " + shown).isPositive();
    assertThat(r.maxUnavailableMillis()).as(shown).isLessThanOrEqualTo(FAIL_BOUND.toMillis());
  }

  /**
   * Where a run stood once it settled after a fault.
   *
   * @param unavailable the UNAVAILABLE answers so far
   * @param slow those of them whose call took at least {@link #SLOW_CALL}
   * @param byKind the UNAVAILABLE answers so far by kind of operation
   */
  record Mark(long unavailable, long slow, Map<String, Long> byKind) {}

  /** Where the run stands now. */
  Mark mark() {
    return new Mark(
        engine.unavailableSoFar(), engine.slowUnavailableSoFar(), engine.unavailableByKindSoFar());
  }

  /**
   * Asserts that no store answered UNAVAILABLE after {@code mark}, saying when one did which kinds
   * of operation answered it and the last ones' causes and durations. An answer whose call gave up
   * at the client timeout ({@link #SLOW_CALL} or longer) is a stalled machine, not a store that has
   * not recovered: a loaded machine (a load average of 20 on two cores) may stall a call that long.
   * Those are allowed, up to {@link #STALLS_ALLOWED}; an answer that came faster is a store that
   * answered an error with Redis back (a refused connection, a missing script, a stale pooled
   * connection), and fails the run.
   */
  void assertNoUnavailableAfter(Mark mark, LoadEngine.Report r) {
    Map<String, Long> after = new java.util.TreeMap<>();
    engine
        .unavailableByKindSoFar()
        .forEach(
            (kind, n) -> {
              long more = n - mark.byKind().getOrDefault(kind, 0L);
              if (more > 0) {
                after.put(kind, more);
              }
            });
    long slow = engine.slowUnavailableSoFar() - mark.slow();
    long all = r.unavailable() - mark.unavailable();
    String shown =
        "UNAVAILABLE after recovery: "
            + all
            + " ("
            + slow
            + " at the client timeout) "
            + r.summary()
            + "\n  after recovery by kind: "
            + after
            + "\n  last ones:\n    "
            + String.join("\n    ", engine.recentUnavailable());
    assertThat(all - slow).as(shown).isZero();
    assertThat(slow).as(shown).isLessThanOrEqualTo(STALLS_ALLOWED);
  }

  static boolean refused(AuthResult result) {
    return !result.succeeded();
  }

  static void await(Duration bound, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what + " within " + bound).isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    engine.stop();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    fleet.close();
  }
}
