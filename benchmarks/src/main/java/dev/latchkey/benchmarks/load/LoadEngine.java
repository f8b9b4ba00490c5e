package dev.latchkey.benchmarks.load;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordCredentials;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionCheck;
import dev.latchkey.session.SessionInfo;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.RefreshTokens;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Drives many simulated users through the real mix of Latchkey calls on a {@link Fleet} of one or
 * more nodes, and checks invariants while it runs: it counts violations (a promise broken) and
 * errors (an unexpected exception or refusal), never just "no exception".
 *
 * <p>Invariants checked on every operation that can see them:
 *
 * <ul>
 *   <li>an ended session (logout, log out everywhere, ended by the cap) is never accepted after the
 *       call that ended it returned, on any node (sessions have no propagation delay);
 *   <li>a revoked access token is never accepted after the revoking call returned on the same node,
 *       nor after {@link Fleet#revocationBound} on another node;
 *   <li>a refresh token is never honoured twice (every honoured token is remembered), a replayed
 *       one ends its family, and a refresh token of an ended family is never honoured;
 *   <li>a subject never holds more live sessions than the cap ({@code sessionsOf});
 *   <li>an unknown user never logs in, a check never answers for another subject.
 * </ul>
 *
 * <p>Each user is driven by one thread at a time (a per-user lock), by every thread in turn and on
 * a random node per operation, so what one node did is checked on the others. The run stops by
 * itself after its duration or its operation budget. Store sizes, heap and thread counts are
 * sampled while it runs.
 */
final class LoadEngine {

  /** One application node: its own session manager, token service and refresh tokens. */
  record Node(
      String name, SessionManager sessions, JwtTokenService tokens, RefreshTokens refresh) {}

  /**
   * The nodes under test and what the engine needs to know about them.
   *
   * @param revocationBound how long after a revocation on one node another node may still accept
   *     the token (the written propagation bound); zero for shared in-memory stores
   * @param storeSize entries held by the stores now (in memory: sessions + revocations + refresh
   *     records; Redis: DBSIZE), or -1 when unknown
   */
  record Fleet(
      List<Node> nodes,
      PasswordAuthenticator passwords,
      Duration revocationBound,
      LongSupplier storeSize,
      Runnable closer)
      implements AutoCloseable {
    Fleet {
      nodes = List.copyOf(nodes);
    }

    /** The same fleet measured against another propagation bound. */
    Fleet withRevocationBound(Duration bound) {
      return new Fleet(nodes, passwords, bound, storeSize, closer);
    }

    @Override
    public void close() {
      closer.run();
    }
  }

  /**
   * A run's shape.
   *
   * @param strict whether a live session or token refused for another reason than its expiry is an
   *     error (false during fault injection, where Redis may lose data)
   */
  record Config(
      Duration duration,
      long maxOperations,
      int users,
      int threads,
      int sessionCap,
      Duration sampleEvery,
      boolean strict) {}

  /** One sample of the run's state. */
  record Sample(
      long elapsedMillis,
      long operations,
      long errors,
      long violations,
      long unavailable,
      long heapUsedBytes,
      int threads,
      long storeSize) {
    @Override
    public String toString() {
      return String.format(
          "t=%6.1fs ops=%9d errors=%d violations=%d unavailable=%d heap=%4dMB"
              + " threads=%3d store=%d",
          elapsedMillis / 1000.0,
          operations,
          errors,
          violations,
          unavailable,
          heapUsedBytes >> 20,
          threads,
          storeSize);
    }
  }

  /** The counters at the end of a run. */
  record Report(
      long operations,
      Map<String, Long> byKind,
      long errors,
      long violations,
      long unavailable,
      long lost,
      long maxUnavailableMillis,
      long maxCallMillis,
      List<String> firstProblems,
      List<Sample> samples,
      Duration elapsed) {
    String summary() {
      return String.format(
          "operations=%d in %.1fs (%.0f/s) errors=%d violations=%d"
              + " unavailable=%d lost=%d maxUnavailableMs=%d maxCallMs=%d%n  by kind: %s",
          operations,
          elapsed.toMillis() / 1000.0,
          operations * 1000.0 / Math.max(1, elapsed.toMillis()),
          errors,
          violations,
          unavailable,
          lost,
          maxUnavailableMillis,
          maxCallMillis,
          byKind);
    }
  }

  /** A login name's password for every simulated user; the directory holds its cost-4 hash. */
  static final String PASSWORD = "correct horse battery staple";

  static String loginName(int user) {
    return "user" + user + "@load.example";
  }

  static String subject(int user) {
    return "u" + user;
  }

  private static final Duration EXPIRY_SLACK = Duration.ofSeconds(2);
  private static final int KEEP_ENDED = 8;

  private final Fleet fleet;
  private final Config config;
  private final User[] users;
  private final Set<String> honouredRefresh = ConcurrentHashMap.newKeySet();
  private static final int RECENT_UNAVAILABLE = 16;
  private final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
  private final LongAdder operations = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder violations = new LongAdder();
  private final LongAdder unavailable = new LongAdder();
  private final Map<String, LongAdder> unavailableByKind = new ConcurrentHashMap<>();
  private final java.util.concurrent.ConcurrentLinkedDeque<String> recentUnavailable =
      new java.util.concurrent.ConcurrentLinkedDeque<>();

  /** The operation each worker is running, to say which kind an UNAVAILABLE answer was. */
  private final ThreadLocal<String> currentKind = ThreadLocal.withInitial(() -> "management");

  private final LongAdder slowUnavailable = new LongAdder();
  private volatile long slowUnavailableNanos = Long.MAX_VALUE;

  /** How long this worker's last timed call took, for the UNAVAILABLE diagnosis. */
  private final ThreadLocal<Long> lastCallNanos = ThreadLocal.withInitial(() -> 0L);

  private final LongAdder lost = new LongAdder();
  private final LongAccumulator maxUnavailableNanos = new LongAccumulator(Math::max, 0);
  private final LongAccumulator maxCallNanos = new LongAccumulator(Math::max, 0);
  private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
  private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong familySeq = new AtomicLong();
  private volatile boolean stop;
  private volatile long faultEndedNanos = Long.MIN_VALUE;
  private long startNanos;

  LoadEngine(Fleet fleet, Config config) {
    this.fleet = fleet;
    this.config = config;
    this.users = new User[config.users()];
    for (int i = 0; i < users.length; i++) {
      users[i] = new User(i);
    }
  }

  /** Asks a running {@link #run} to stop after the operations in flight. */
  void stop() {
    stop = true;
  }

  /**
   * Tells the engine that Redis answers again after losing data: a revocation made before may be
   * missing on another node for the propagation bound counted from now (see {@code
   * RedisStores#revocationList}), not from the revocation.
   */
  void faultEnded() {
    faultEndedNanos = System.nanoTime();
  }

  /**
   * From now on, counts apart the UNAVAILABLE answers whose call took at least {@code took}: with
   * the client timeout there, those are calls that gave up waiting (a stalled machine or server),
   * the others a store that answered an error (refused, not recovered).
   */
  void countSlowUnavailableFrom(Duration took) {
    slowUnavailableNanos = took.toNanos();
  }

  /** UNAVAILABLE answers so far whose call took at least {@link #countSlowUnavailableFrom}. */
  long slowUnavailableSoFar() {
    return slowUnavailable.sum();
  }

  /** The counters so far, for a caller watching a run from another thread. */
  long unavailableSoFar() {
    return unavailable.sum();
  }

  long operationsSoFar() {
    return operations.sum();
  }

  long violationsSoFar() {
    return violations.sum();
  }

  /** Runs until the duration or the operation budget is spent; the calling thread waits. */
  Report run() throws InterruptedException {
    startNanos = System.nanoTime();
    long deadline = startNanos + config.duration().toNanos();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < config.threads(); t++) {
      Thread worker = new Thread(() -> work(deadline), "load-" + t);
      worker.setDaemon(true);
      workers.add(worker);
    }
    Thread sampler = new Thread(() -> sampleUntil(deadline), "load-sampler");
    sampler.setDaemon(true);
    sample();
    sampler.start();
    workers.forEach(Thread::start);
    for (Thread w : workers) {
      w.join();
    }
    stop = true;
    sampler.interrupt();
    sampler.join();
    sample();
    Map<String, Long> kinds = new java.util.TreeMap<>();
    byKind.forEach((k, v) -> kinds.put(k, v.sum()));
    synchronized (problems) {
      return new Report(
          operations.sum(),
          kinds,
          errors.sum(),
          violations.sum(),
          unavailable.sum(),
          lost.sum(),
          maxUnavailableNanos.get() / 1_000_000,
          maxCallNanos.get() / 1_000_000,
          List.copyOf(problems),
          List.copyOf(samples),
          Duration.ofNanos(System.nanoTime() - startNanos));
    }
  }

  private void sampleUntil(long deadline) {
    long every = config.sampleEvery().toMillis();
    while (!stop && System.nanoTime() < deadline) {
      try {
        Thread.sleep(every);
      } catch (InterruptedException e) {
        return;
      }
      if (!stop) {
        sample();
      }
    }
  }

  private void sample() {
    Runtime rt = Runtime.getRuntime();
    long size;
    try {
      size = fleet.storeSize().getAsLong();
    } catch (RuntimeException e) {
      size = -1;
    }
    samples.add(
        new Sample(
            (System.nanoTime() - startNanos) / 1_000_000,
            operations.sum(),
            errors.sum(),
            violations.sum(),
            unavailable.sum(),
            rt.totalMemory() - rt.freeMemory(),
            ManagementFactory.getThreadMXBean().getThreadCount(),
            size));
  }

  private void work(long deadline) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    while (!stop && System.nanoTime() < deadline && operations.sum() < config.maxOperations()) {
      User user = users[rnd.nextInt(users.length)];
      if (!user.lock.tryLock()) {
        continue;
      }
      try {
        Node node = fleet.nodes().get(rnd.nextInt(fleet.nodes().size()));
        currentKind.set("other");
        lastCallNanos.set(0L);
        step(user, node, rnd);
      } catch (StoreUnavailableException e) {
        // A management call (login, logout, sessionsOf...) could not reach the store: fail closed.
        unavailable(e.getMessage() + " (" + rootCause(e) + ") at " + where(e));
        user.forgetUncertain();
      } catch (RuntimeException e) {
        error(user, "unexpected " + e + " at " + where(e));
      } finally {
        user.lock.unlock();
      }
      operations.increment();
    }
  }

  private void step(User user, Node node, ThreadLocalRandom rnd) {
    if (user.sessions.isEmpty() && user.pairs.isEmpty()) {
      login(user, node);
      return;
    }
    double r = rnd.nextDouble();
    if (r < 0.08) {
      login(user, node);
    } else if (r < 0.36) {
      checkSession(user, node, rnd);
    } else if (r < 0.64) {
      verifyToken(user, node, rnd);
    } else if (r < 0.76) {
      refresh(user, node, rnd);
    } else if (r < 0.86) {
      logout(user, node, rnd);
    } else if (r < 0.88) {
      logoutEverywhere(user, node);
    } else if (r < 0.95) {
      checkCap(user, node);
    } else {
      unknownUserLogin(rnd);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Operations

  private void login(User user, Node node) {
    count("login");
    AuthResult auth =
        timed(
            () ->
                fleet
                    .passwords()
                    .authenticate(PasswordCredentials.of(user.login, PASSWORD.toCharArray())),
            AuthResult::failure);
    if (auth.failure().isPresent()) {
      refused(user, "password login", auth.failure().get(), false);
      return;
    }
    Principal who = auth.principal().orElseThrow();
    if (!who.subject().equals(user.subject)) {
      violation("password login answered for " + who.subject() + " not " + user.subject);
      return;
    }
    LoginOutcome outcome = timed(() -> node.sessions().login(who, Map.of()), LoginOutcome::failure);
    Optional<LoginOutcome.NewSession> created = outcome.created();
    if (created.isPresent()) {
      for (String handle : created.get().endedHandles()) {
        // Ended by the cap inside the call that just returned: dead from now on, everywhere.
        user.endSessionByHandle(handle, node);
      }
      user.sessions.add(
          new LiveSession(
              created.get().id(),
              created.get().session().handle(),
              created.get().session().expiresAt()));
    } else {
      AuthResult.Failure f = outcome.failure().orElseThrow();
      if (f.reason() == AuthResult.Reason.UNAVAILABLE) {
        unavailable(f.detail());
      } else {
        error(user, "login refused under END_OLDEST: " + outcome);
      }
    }
    RefreshTokens.TokenPair pair = timedCall(() -> node.refresh().login(who));
    user.pairs.add(new Pair(pair, familySeq.incrementAndGet()));
    if (user.pairs.size() > 4) {
      logoutPair(user, node, user.pairs.get(0));
    }
  }

  private void checkSession(User user, Node node, ThreadLocalRandom rnd) {
    count("sessionCheck");
    if (!user.sessions.isEmpty()) {
      LiveSession s = user.sessions.get(rnd.nextInt(user.sessions.size()));
      SessionCheck check =
          timed(() -> node.sessions().check(new SessionCookie(s.rawId)), SessionCheck::failure);
      Optional<SessionCheck.Active> active = check.active();
      if (active.isPresent()) {
        if (!active.get().principal().subject().equals(user.subject)) {
          violation("session check answered for another subject");
        }
        s.expiresAt = active.get().session().expiresAt();
      } else {
        AuthResult.Failure f = check.failure().orElseThrow();
        if (f.reason() == AuthResult.Reason.UNAVAILABLE) {
          unavailable(f.detail());
        } else if (!nearOrPast(s.expiresAt)) {
          refused(user, "live session", f, true);
          user.sessions.remove(s);
        } else {
          user.sessions.remove(s);
        }
      }
    }
    checkEndedSession(user, node, rnd);
  }

  private void checkEndedSession(User user, Node node, ThreadLocalRandom rnd) {
    if (user.endedSessions.isEmpty()) {
      return;
    }
    Ended e = pick(user.endedSessions, rnd);
    // Sessions have no replica: the end is visible on every node once the ending call returned.
    SessionCheck check =
        timed(() -> node.sessions().check(new SessionCookie(e.raw)), SessionCheck::failure);
    if (check.active().isPresent()) {
      violation(
          "ended session accepted on "
              + node.name()
              + " (ended by "
              + e.how
              + " on "
              + e.node
              + " "
              + millisSince(e.atNanos)
              + " ms before)");
    }
  }

  private void verifyToken(User user, Node node, ThreadLocalRandom rnd) {
    count("tokenVerify");
    if (!user.pairs.isEmpty()) {
      Pair p = user.pairs.get(rnd.nextInt(user.pairs.size()));
      AuthResult result =
          timed(() -> node.tokens().verify(p.tokens.accessToken()), AuthResult::failure);
      Optional<AuthResult.Failure> failure = result.failure();
      if (failure.isEmpty()) {
        if (!result.principal().orElseThrow().subject().equals(user.subject)) {
          violation("token verify answered for another subject");
        }
      } else {
        AuthResult.Failure f = failure.get();
        if (f.reason() == AuthResult.Reason.UNAVAILABLE) {
          unavailable(f.detail());
        } else if (!nearOrPast(p.tokens.accessTokenExpiresAt())) {
          refused(
              user,
              "live access token (issued "
                  + (p.issuedMillis - user.revokeAllMillis)
                  + " ms after the last revokeAll returned)",
              f,
              true);
        }
      }
    }
    checkRevokedToken(user, node, rnd);
  }

  private void checkRevokedToken(User user, Node node, ThreadLocalRandom rnd) {
    if (user.revokedTokens.isEmpty()) {
      return;
    }
    Ended e = pick(user.revokedTokens, rnd);
    long since = Math.max(e.atNanos, faultEndedNanos);
    boolean mustRefuse =
        e.node.equals(node.name()) || System.nanoTime() - since > fleet.revocationBound().toNanos();
    if (!mustRefuse) {
      return;
    }
    AuthResult result = timed(() -> node.tokens().verify(e.raw), AuthResult::failure);
    if (result.succeeded()) {
      violation(
          "revoked token accepted on "
              + node.name()
              + " (revoked by "
              + e.how
              + " on "
              + e.node
              + " "
              + millisSince(e.atNanos)
              + " ms before)");
    }
  }

  private void refresh(User user, Node node, ThreadLocalRandom rnd) {
    count("refresh");
    if (!user.deadRefresh.isEmpty() && rnd.nextInt(4) == 0) {
      Ended dead = pick(user.deadRefresh, rnd);
      RefreshTokens.Result result =
          timed(() -> node.refresh().refresh(dead.raw), RefreshTokens.Result::failure);
      if (result.succeeded()) {
        honouredRefresh.add(dead.raw);
        violation("refresh token of an ended family honoured (" + dead.how + ")");
      }
      return;
    }
    if (!user.usedRefresh.isEmpty() && rnd.nextInt(10) == 0) {
      replay(user, node, rnd);
      return;
    }
    if (user.pairs.isEmpty()) {
      return;
    }
    Pair p = user.pairs.get(rnd.nextInt(user.pairs.size()));
    RefreshTokens.Result result =
        timed(() -> node.refresh().refresh(p.tokens.refreshToken()), RefreshTokens.Result::failure);
    if (result.succeeded()) {
      if (!honouredRefresh.add(p.tokens.refreshToken())) {
        violation("refresh token honoured twice");
      }
      user.usedRefresh.add(new Ended(p.tokens.refreshToken(), node.name(), "refresh", p.family));
      trim(user.usedRefresh);
      user.pairs.set(user.pairs.indexOf(p), new Pair(result.tokens().orElseThrow(), p.family));
    } else {
      AuthResult.Failure f = result.failure().orElseThrow();
      if (f.reason() == AuthResult.Reason.UNAVAILABLE) {
        unavailable(f.detail());
        // Redis may have rotated it before the answer was lost: its state is unknown now.
        user.pairs.remove(p);
      } else if (f.reason() == AuthResult.Reason.LOCKED) {
        // The family's rotation limit: nothing changed, the token stays live for a later try.
        return;
      } else {
        if (!nearOrPast(p.tokens.refreshTokenExpiresAt())) {
          refused(user, "live refresh token", f, true);
        }
        user.pairs.remove(p);
      }
    }
  }

  /** Presents a refresh token already honoured: it must fail, and end its family. */
  private void replay(User user, Node node, ThreadLocalRandom rnd) {
    count("refreshReplay");
    Ended used = pick(user.usedRefresh, rnd);
    user.usedRefresh.remove(used);
    RefreshTokens.Result result =
        timed(() -> node.refresh().refresh(used.raw), RefreshTokens.Result::failure);
    if (result.succeeded()) {
      honouredRefresh.add(used.raw);
      violation("replayed refresh token honoured a second time");
      return;
    }
    AuthResult.Reason reason = result.failure().orElseThrow().reason();
    for (Iterator<Pair> it = user.pairs.iterator(); it.hasNext(); ) {
      Pair p = it.next();
      if (p.family == used.family) {
        it.remove();
        if (reason == AuthResult.Reason.REVOKED) {
          // Reuse detected: the family's current refresh token is dead from now on.
          user.deadRefresh.add(
              new Ended(p.tokens.refreshToken(), node.name(), "reuse detection", p.family));
          trim(user.deadRefresh);
        }
      }
    }
    if (reason == AuthResult.Reason.UNAVAILABLE) {
      unavailable("");
    }
  }

  private void logout(User user, Node node, ThreadLocalRandom rnd) {
    count("logout");
    if (!user.sessions.isEmpty()) {
      LiveSession s = user.sessions.remove(rnd.nextInt(user.sessions.size()));
      boolean ended = timedCall(() -> node.sessions().logout(s.rawId));
      if (!ended && !nearOrPast(s.expiresAt)) {
        if (config.strict()) {
          error(user, "logout of a live session ended nothing");
        } else {
          lost.increment();
        }
      }
      Ended e = new Ended(s.rawId, node.name(), "logout", 0);
      user.endedSessions.add(e);
      trim(user.endedSessions);
      // The same node at once: the old id is dead from the moment logout returned.
      if (timed(() -> node.sessions().check(new SessionCookie(s.rawId)), SessionCheck::failure)
          .active()
          .isPresent()) {
        violation("session accepted right after its logout returned on the same node");
      }
    }
    if (!user.pairs.isEmpty()) {
      logoutPair(user, node, user.pairs.get(rnd.nextInt(user.pairs.size())));
    }
  }

  private void logoutPair(User user, Node node, Pair p) {
    user.pairs.remove(p);
    boolean revoked = timedCall(() -> node.tokens().revoke(p.tokens.accessToken()));
    timedCall(() -> node.refresh().logout(p.tokens.refreshToken()));
    if (revoked) {
      user.revoked(p.tokens.accessToken(), node, "revoke");
      if (timed(() -> node.tokens().verify(p.tokens.accessToken()), AuthResult::failure)
          .succeeded()) {
        violation("token accepted right after its revoke returned on the same node");
      }
    } else if (!nearOrPast(p.tokens.accessTokenExpiresAt())) {
      error(user, "revoke of a live access token answered false");
    }
    user.deadRefresh.add(new Ended(p.tokens.refreshToken(), node.name(), "logout", p.family));
    trim(user.deadRefresh);
  }

  private void logoutEverywhere(User user, Node node) {
    count("logoutEverywhere");
    List<LiveSession> sessions = new ArrayList<>(user.sessions);
    List<Pair> pairs = new ArrayList<>(user.pairs);
    user.sessions.clear();
    user.pairs.clear();
    timedCall(() -> node.sessions().logoutEverywhere(user.subject));
    timedCall(() -> node.refresh().logoutEverywhere(user.subject));
    user.revokeAllMillis = System.currentTimeMillis();
    for (LiveSession s : sessions) {
      user.endedSessions.add(new Ended(s.rawId, node.name(), "logoutEverywhere", 0));
    }
    for (Pair p : pairs) {
      user.revoked(p.tokens.accessToken(), node, "logoutEverywhere");
      user.deadRefresh.add(
          new Ended(p.tokens.refreshToken(), node.name(), "logoutEverywhere", p.family));
    }
    trim(user.endedSessions);
    trim(user.deadRefresh);
    if (!sessions.isEmpty()
        && timed(
                () -> node.sessions().check(new SessionCookie(sessions.get(0).rawId)),
                SessionCheck::failure)
            .active()
            .isPresent()) {
      violation("session accepted right after logoutEverywhere returned on the same node");
    }
    if (!pairs.isEmpty()
        && timed(() -> node.tokens().verify(pairs.get(0).tokens.accessToken()), AuthResult::failure)
            .succeeded()) {
      violation("token accepted right after logoutEverywhere returned on the same node");
    }
  }

  private void checkCap(User user, Node node) {
    count("capCheck");
    List<SessionInfo> live = timedCall(() -> node.sessions().sessionsOf(user.subject));
    if (live.size() > config.sessionCap()) {
      violation("subject holds " + live.size() + " sessions, over the cap " + config.sessionCap());
    }
    for (SessionInfo s : live) {
      if (!s.subject().equals(user.subject)) {
        violation("sessionsOf listed another subject's session");
      }
    }
  }

  private void unknownUserLogin(ThreadLocalRandom rnd) {
    count("unknownUserLogin");
    // A fresh name each time: the throttle never locks a real user out.
    String name = "ghost" + rnd.nextLong() + "@load.example";
    AuthResult result =
        timed(
            () ->
                fleet
                    .passwords()
                    .authenticate(PasswordCredentials.of(name, PASSWORD.toCharArray())),
            AuthResult::failure);
    if (result.succeeded()) {
      violation("unknown user logged in");
    } else if (result.failure().orElseThrow().reason() == AuthResult.Reason.UNAVAILABLE) {
      unavailable("");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bookkeeping

  private void refused(User user, String what, AuthResult.Failure f, boolean mayBeLost) {
    if (f.reason() == AuthResult.Reason.UNAVAILABLE) {
      unavailable(f.detail());
    } else if (!config.strict() && mayBeLost) {
      // A Redis that restarted empty lost it: expected during faults, never a wrong success.
      lost.increment();
    } else {
      error(user, what + " refused: " + f.reason() + " " + f.detail());
    }
  }

  private void error(User user, String what) {
    errors.increment();
    note("error [" + user.subject + "]: " + what);
  }

  private void violation(String what) {
    violations.increment();
    note("VIOLATION: " + what);
  }

  private void note(String problem) {
    synchronized (problems) {
      if (problems.size() < 20) {
        problems.add(problem);
      }
    }
  }

  /** The innermost Latchkey frames of an unexpected exception, for the report. */
  private static String where(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (StackTraceElement f : e.getStackTrace()) {
      if (f.getClassName().startsWith("dev.latchkey.") && b.length() < 300) {
        b.append(f.getClassName().substring(12))
            .append('.')
            .append(f.getMethodName())
            .append(':')
            .append(f.getLineNumber())
            .append(' ');
      }
    }
    return b.toString();
  }

  private void count(String kind) {
    byKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    currentKind.set(kind);
  }

  /** Counts an UNAVAILABLE answer, by the kind of operation this thread is running. */
  private void unavailable(String detail) {
    unavailable.increment();
    String kind = currentKind.get();
    unavailableByKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    if (lastCallNanos.get() >= slowUnavailableNanos) {
      slowUnavailable.increment();
    }
    // How long the failing call took tells a client timeout (at least the timeout) from a store
    // that answered an error at once.
    recentUnavailable.addLast(
        "t="
            + millisSince(startNanos)
            + "ms "
            + kind
            + " (call took "
            + lastCallNanos.get() / 1_000_000
            + " ms)"
            + (detail.isEmpty() ? "" : ": " + detail));
    while (recentUnavailable.size() > RECENT_UNAVAILABLE) {
      recentUnavailable.pollFirst();
    }
  }

  private static String rootCause(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }

  /** UNAVAILABLE answers so far, by kind of operation. */
  Map<String, Long> unavailableByKindSoFar() {
    Map<String, Long> kinds = new java.util.TreeMap<>();
    unavailableByKind.forEach((k, v) -> kinds.put(k, v.sum()));
    return kinds;
  }

  /** The last {@value #RECENT_UNAVAILABLE} UNAVAILABLE answers: when, which kind, and why. */
  List<String> recentUnavailable() {
    return List.copyOf(recentUnavailable);
  }

  private static boolean nearOrPast(Instant expiresAt) {
    return Instant.now().plus(EXPIRY_SLACK).isAfter(expiresAt);
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  /** The refusal of a refresh, as the {@link AuthResult.Failure} it stands for. */
  /**
   * A call that answers failures as values: its time counts against the UNAVAILABLE bound.
   *
   * @param failureOf the refusal in the call's outcome, if any
   */
  private <T> T timed(
      java.util.function.Supplier<T> call,
      java.util.function.Function<? super T, Optional<AuthResult.Failure>> failureOf) {
    long t0 = System.nanoTime();
    T result = call.get();
    long took = System.nanoTime() - t0;
    maxCallNanos.accumulate(took);
    lastCallNanos.set(took);
    boolean unavailableAnswer =
        failureOf
            .apply(result)
            .filter(f -> f.reason() == AuthResult.Reason.UNAVAILABLE)
            .isPresent();
    if (unavailableAnswer) {
      maxUnavailableNanos.accumulate(took);
    }
    return result;
  }

  /** A management call that throws {@link StoreUnavailableException}: timed the same way. */
  private <T> T timedCall(java.util.function.Supplier<T> call) {
    long t0 = System.nanoTime();
    try {
      T result = call.get();
      maxCallNanos.accumulate(System.nanoTime() - t0);
      return result;
    } catch (StoreUnavailableException e) {
      long took = System.nanoTime() - t0;
      maxUnavailableNanos.accumulate(took);
      lastCallNanos.set(took);
      throw e;
    }
  }

  private static <T> T pick(Deque<T> deque, ThreadLocalRandom rnd) {
    int i = rnd.nextInt(deque.size());
    Iterator<T> it = deque.iterator();
    T t = it.next();
    while (i-- > 0) {
      t = it.next();
    }
    return t;
  }

  private static <T> void trim(Deque<T> deque) {
    while (deque.size() > KEEP_ENDED) {
      deque.removeFirst();
    }
  }

  private static final class LiveSession {
    final String rawId;
    final String handle;
    volatile Instant expiresAt;

    LiveSession(String rawId, String handle, Instant expiresAt) {
      this.rawId = rawId;
      this.handle = handle;
      this.expiresAt = expiresAt;
    }
  }

  private record Pair(RefreshTokens.TokenPair tokens, long family, long issuedMillis) {
    Pair(RefreshTokens.TokenPair tokens, long family) {
      this(tokens, family, System.currentTimeMillis());
    }
  }

  /** Something ended (a session, an access token, a refresh token): where, when and how. */
  private static final class Ended {
    final String raw;
    final String node;
    final String how;
    final long family;
    final long atNanos = System.nanoTime();

    Ended(String raw, String node, String how, long family) {
      this.raw = raw;
      this.node = node;
      this.how = how;
      this.family = family;
    }
  }

  /** A simulated user's client-side state; touched only under {@link #lock}. */
  private static final class User {
    final ReentrantLock lock = new ReentrantLock();
    final String subject;
    final String login;
    final List<LiveSession> sessions = new ArrayList<>();
    final List<Pair> pairs = new ArrayList<>();
    final Deque<Ended> endedSessions = new ArrayDeque<>();
    final Deque<Ended> revokedTokens = new ArrayDeque<>();
    final Deque<Ended> usedRefresh = new ArrayDeque<>();
    final Deque<Ended> deadRefresh = new ArrayDeque<>();
    long revokeAllMillis;

    User(int i) {
      this.subject = subject(i);
      this.login = loginName(i);
    }

    void endSessionByHandle(String handle, Node node) {
      for (Iterator<LiveSession> it = sessions.iterator(); it.hasNext(); ) {
        LiveSession s = it.next();
        if (s.handle.equals(handle)) {
          it.remove();
          endedSessions.add(new Ended(s.rawId, node.name(), "cap", 0));
          trim(endedSessions);
        }
      }
    }

    void revoked(String accessToken, Node node, String how) {
      revokedTokens.add(new Ended(accessToken, node.name(), how, 0));
      trim(revokedTokens);
    }

    /** After a management call failed midway, what it touched is in an unknown state. */
    void forgetUncertain() {
      sessions.clear();
      pairs.clear();
    }
  }
}
