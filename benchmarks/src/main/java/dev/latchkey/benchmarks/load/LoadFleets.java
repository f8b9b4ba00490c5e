package dev.latchkey.benchmarks.load;

import dev.latchkey.core.InMemoryUserDirectory;
import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.PasswordAuthenticator;
import dev.latchkey.core.PasswordHasher;
import dev.latchkey.core.Principal;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.UserAccount;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.redis.RedisStores;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

/**
 * Builds the {@link LoadEngine.Fleet}s the load test runs on: one node on in-memory stores, or
 * several nodes on one Redis, each with its own {@link RedisStores} (its own client, pool and
 * revocation replica), as separate application processes would have.
 *
 * <p>Lifetimes are short (seconds, see {@link Lifetimes}) so that a run of a few minutes reaches a
 * steady state in which expiry removes as much as the load adds.
 */
final class LoadFleets {
  private static final byte[] SECRET =
      "a load-test HMAC secret of at least 32 bytes".getBytes(StandardCharsets.UTF_8);

  /**
   * How long things live in a run.
   *
   * @param accessToken the access-token lifetime (whole seconds)
   * @param session the session idle timeout; the absolute timeout is twice that
   * @param refreshToken a refresh token's lifetime; its family lives twice that
   */
  record Lifetimes(Duration accessToken, Duration session, Duration refreshToken) {
    /** The longest anything (a refresh family) lives; a store holds nothing older. */
    Duration longest() {
      return refreshToken.multipliedBy(2);
    }

    /**
     * The login throttle: its counters (one per unknown name tried) live for a session's idle
     * timeout, so they reach a steady state as fast as the rest.
     */
    ThrottlePolicy throttle() {
      return new ThrottlePolicy(
          5, 1_000_000, session, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    static final Lifetimes SHORT =
        new Lifetimes(Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(3));
    static final Lifetimes SOAK =
        new Lifetimes(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(20));
  }

  private LoadFleets() {}

  /** The password strategy over {@code users} accounts hashed at bcrypt cost 4. */
  static InMemoryUserDirectory directory(int users) {
    PasswordHasher hasher = PasswordHasher.bcrypt(4);
    InMemoryUserDirectory directory = InMemoryUserDirectory.create();
    // One hash for all: the load measures Latchkey, not thousands of setup hashes.
    String hash = hasher.hash(LoadEngine.PASSWORD.toCharArray());
    for (int i = 0; i < users; i++) {
      directory.add(
          new UserAccount(
              LoadEngine.loginName(i), Principal.of(LoadEngine.subject(i), Set.of("user")), hash));
    }
    return directory;
  }

  /** One node on in-memory stores; the store size is sampled through the stores' own counters. */
  static LoadEngine.Fleet memory(int users, int sessionCap, Lifetimes life) {
    Clock clock = Clock.systemUTC();
    SessionStore sessionStore = SessionManager.inMemoryStore(clock);
    RevocationList revocations = JwtTokenService.inMemoryRevocationList(clock);
    RefreshTokenStore refreshStore = RefreshTokens.inMemoryStore(clock);
    JwtTokenService tokens = tokens(life, clock).revocationList(revocations).build();
    LoadEngine.Node node =
        new LoadEngine.Node(
            "memory",
            sessions(sessionStore, sessionCap, life, clock),
            tokens,
            refresh(tokens, refreshStore, life, clock));
    PasswordAuthenticator passwords =
        PasswordAuthenticator.builder(directory(users), PasswordHasher.bcrypt(4))
            .throttle(LoginThrottle.inMemory(life.throttle(), clock))
            .clock(clock)
            .build();
    LongSupplier size =
        () ->
            count(sessionStore, "indexedSessions")
                + count(revocations, "size")
                + count(refreshStore, "tokens");
    return new LoadEngine.Fleet(List.of(node), passwords, Duration.ZERO, size, () -> {});
  }

  /**
   * {@code nodes} nodes on the Redis at {@code url}, each with its own client built from the URL
   * with {@code timeout}, sharing one key prefix; the login throttle is on Redis too.
   *
   * @param heartbeat the revocation replicas' heartbeat; the propagation bound is three of them
   *     plus a margin for pub/sub delivery on a loaded machine
   */
  static LoadEngine.Fleet redis(
      String url,
      int nodes,
      int users,
      int sessionCap,
      Lifetimes life,
      Duration timeout,
      Duration heartbeat) {
    Clock clock = Clock.systemUTC();
    String prefix = "load:";
    List<RedisStores> all = new ArrayList<>();
    List<LoadEngine.Node> list = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        RedisStores redis =
            RedisStores.fromUrl(url)
                .timeout(timeout)
                .clock(clock)
                .revocationHeartbeat(heartbeat)
                .keyPrefix(prefix)
                .build();
        all.add(redis);
        JwtTokenService tokens = tokens(life, clock).revocationList(redis.revocationList()).build();
        list.add(
            new LoadEngine.Node(
                "node" + (char) ('A' + i),
                sessions(redis.sessionStore(), sessionCap, life, clock),
                tokens,
                refresh(tokens, redis.refreshTokenStore(), life, clock)));
      }
    } catch (RuntimeException e) {
      all.forEach(RedisStores::close);
      throw e;
    }
    PasswordAuthenticator passwords =
        PasswordAuthenticator.builder(directory(users), PasswordHasher.bcrypt(4))
            .throttle(all.get(0).loginThrottle(life.throttle()))
            .clock(clock)
            .build();
    Duration bound = heartbeat.multipliedBy(3).plusMillis(500);
    return new LoadEngine.Fleet(
        list, passwords, bound, () -> dbSize(url, timeout), () -> all.forEach(RedisStores::close));
  }

  private static SessionManager sessions(SessionStore store, int cap, Lifetimes life, Clock clock) {
    return SessionManager.builder(store)
        .idleTimeout(life.session())
        .absoluteTimeout(life.session().multipliedBy(2))
        .renewalInterval(life.session().dividedBy(4))
        .expiredNotice(Duration.ofSeconds(1))
        .maxSessionsPerSubject(cap, SessionStore.CapPolicy.END_OLDEST)
        .clock(clock)
        .build();
  }

  private static JwtTokenService.Builder tokens(Lifetimes life, Clock clock) {
    return JwtTokenService.builder(
            KeyRing.of(SigningKey.hmac("load-1", SECRET, SigningAlgorithm.HS256)),
            "https://load.example",
            "load")
        .accessTokenLifetime(life.accessToken())
        .clockSkew(Duration.ofSeconds(1))
        // Every node of these fleets reads the one clock.
        .fleetClockSkew(Duration.ZERO)
        .clock(clock);
  }

  private static RefreshTokens refresh(
      JwtTokenService tokens,
      dev.latchkey.core.spi.RefreshTokenStore store,
      Lifetimes life,
      Clock clock) {
    return RefreshTokens.builder(tokens, store)
        .refreshTokenLifetime(life.refreshToken())
        .familyLifetime(life.refreshToken().multipliedBy(2))
        .clock(clock)
        .build();
  }

  /**
   * A package-private counter of an in-memory store, read reflectively: the stores do not publish
   * their size (it is not part of the SPI), and the load test must not need a public hook for it.
   */
  private static long count(Object store, String method) {
    try {
      Method m = store.getClass().getDeclaredMethod(method);
      m.setAccessible(true);
      return ((Number) m.invoke(store)).longValue();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return -1;
    }
  }

  /** DBSIZE on a short-lived connection of its own (not one of the nodes' pools). */
  static long dbSize(String url, Duration timeout) {
    try (Jedis admin = admin(url, timeout)) {
      return admin.dbSize();
    }
  }

  /** How many clients the server has, not counting the connection that asks. */
  static long clientCount(String url, Duration timeout) {
    try (Jedis admin = admin(url, timeout)) {
      return admin.clientList().lines().filter(l -> !l.isBlank()).count() - 1;
    }
  }

  private static Jedis admin(String url, Duration timeout) {
    URI uri = URI.create(url);
    // RESP2 stated: a plain Jedis warns on every connection when left to negotiate.
    return new Jedis(
        new HostAndPort(uri.getHost(), uri.getPort()),
        DefaultJedisClientConfig.builder()
            .timeoutMillis((int) timeout.toMillis())
            .protocol(RedisProtocol.RESP2)
            .build());
  }
}
