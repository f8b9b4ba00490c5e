package dev.latchkey.benchmarks;

import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.spi.SessionStore.CapPolicy;
import dev.latchkey.redis.RedisStores;
import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import dev.latchkey.session.LoginOutcome;
import dev.latchkey.session.SessionManager;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * What does a server-side session on Redis cost per request with Latchkey, against Spring Session
 * Data Redis's two repositories, on the same private {@code redis-server} (a free loopback port),
 * one thread, one operation at a time?
 *
 * <ul>
 *   <li>{@code create}: a login. Latchkey: {@code SessionManager.login} with the per-subject index
 *       and a cap of 4 sessions (the oldest ended past that). Spring: {@code createSession}, the
 *       same two attributes plus the principal name, {@code save}.
 *   <li>{@code readTouch}: a request that checks its cookie and slides the idle timeout. Latchkey:
 *       {@code authenticate} with {@code renewalInterval(0)} so every read also renews. Spring:
 *       {@code findById}, {@code setLastAccessedTime(now)}, {@code save} (what its {@code
 *       SessionRepositoryFilter} does per request).
 *   <li>{@code check}: a request that checks its cookie at the default renewal interval (at most a
 *       minute), so that almost every check renews nothing. Latchkey: {@code authenticate} on a
 *       manager with the default interval (one {@code GET}). Spring: the same as {@code readTouch},
 *       which is what its filter does on every request.
 *   <li>{@code attributeWrite}: a request that checks its cookie and writes one attribute.
 *       Latchkey: {@code authenticate} then {@code setAttribute}. Spring: {@code findById}, {@code
 *       setLastAccessedTime}, {@code setAttribute}, {@code save}.
 *   <li>{@code floorGet}: the floor, one {@code GET} of a 32-byte value through the
 *       implementation's own client: for Latchkey the very Jedis client its {@code RedisStores}
 *       runs on (the benchmark builds it and hands it to {@code RedisStores.builder}), for Spring a
 *       {@code RedisTemplate} on its {@code LettuceConnectionFactory} (the path its repositories'
 *       commands take). Any operation that waits for one round trip costs at least this with that
 *       client, so Spring's read-and-touch ÷ Latchkey's {@code floorGet} bounds what any
 *       one-round-trip read-and-touch can reach against Spring in the same run.
 *   <li>{@code floorScript}: a tighter floor, one {@code EVALSHA} of the cheapest script that
 *       returns a live session as the implementation stores it, through the same client: {@code
 *       return redis.call('GET', KEYS[1])} on Latchkey's session string, {@code return
 *       redis.call('HGETALL', KEYS[1])} on Spring's session hash. A read-and-touch that is safe in
 *       one round trip must be a script: its writes depend on what it read (an ended or expired
 *       session must not be renewed back to life, and the new expiry is capped by the stored
 *       absolute one), and a {@code MULTI} block cannot branch. So it costs at least a script that
 *       reads the session and writes nothing.
 * </ul>
 *
 * <p>{@link RedisCommandsPerOperation} counts the Redis commands of each of these.
 *
 * <p>Run: {@code mvn -B -q -Ppeers -pl benchmarks -am package -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar RedisSession -f 1 -wi 2 -w 1s -i 3 -r 1s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisSessionBenchmark {
  static final int SESSIONS = 2_000;
  static final int SUBJECTS = 2_000;
  static final Map<String, String> ATTRIBUTES =
      Map.of("user-agent", "Mozilla/5.0 (X11; Linux x86_64)", "address", "192.0.2.10");

  @Param({"latchkey", "springPlain", "springIndexed"})
  public String impl;

  RedisServer server;
  Sessions sessions;
  String[] ids;
  int next;

  @Setup
  public void setUp() throws Exception {
    server = RedisFixture.standalone();
    sessions = Sessions.of(impl, server);
    ids = new String[SESSIONS];
    for (int i = 0; i < SESSIONS; i++) {
      ids[i] = sessions.create("warm-" + i);
    }
    sessions.prepareFloorScript(ids[0]);
  }

  @Benchmark
  public String create() {
    return sessions.create("user-" + (next++ % SUBJECTS));
  }

  @Benchmark
  public boolean readTouch() {
    return sessions.readTouch(ids[next++ % SESSIONS]);
  }

  @Benchmark
  public boolean check() {
    return sessions.check(ids[next++ % SESSIONS]);
  }

  @Benchmark
  public boolean attributeWrite() {
    int i = next++;
    return sessions.attributeWrite(ids[i % SESSIONS], "cart-" + (i & 1023));
  }

  @Benchmark
  public boolean floorGet() {
    return sessions.floorGet();
  }

  @Benchmark
  public boolean floorScript() {
    return sessions.floorScript();
  }

  @TearDown
  public void tearDown() throws Exception {
    sessions.close();
    server.close();
  }

  /** The three operations on one implementation. */
  interface Sessions extends AutoCloseable {
    /** A new session of {@code subject}; its raw id. */
    String create(String subject);

    boolean readTouch(String id);

    /** A request's cookie check as the implementation does it by default (see {@code check}). */
    boolean check(String id);

    boolean attributeWrite(String id, String value);

    /** Ends the session {@code id}; whether it was live. */
    boolean logout(String id);

    /** How many live sessions {@code subject} has; -1 when the implementation cannot list. */
    int list(String subject);

    /** Ends every session of {@code subject}; how many, or -1 when it cannot find them. */
    int logoutEverywhere(String subject);

    /** One {@code GET} of {@link #FLOOR_KEY} through this implementation's own client. */
    boolean floorGet();

    /** Loads the floor script and picks the key of the live session {@code id} for it. */
    void prepareFloorScript(String id);

    /** One {@code EVALSHA} of the floor script on a session's key, through the same client. */
    boolean floorScript();

    /** The cheapest script that returns a session held as a hash; it writes nothing. */
    String FLOOR_SCRIPT = "return redis.call('HGETALL', KEYS[1])";

    /** The cheapest script that returns a session held as one string; it writes nothing. */
    String FLOOR_SCRIPT_STRING = "return redis.call('GET', KEYS[1])";

    String FLOOR_KEY = "floor";

    /** 32 bytes, about a session id's size. */
    String FLOOR_VALUE = "0123456789abcdef0123456789abcdef";

    static Sessions of(String impl, RedisServer server) {
      return of(impl, server, 8);
    }

    /**
     * {@code impl} on {@code server}; Latchkey's Jedis pool holds up to {@code connections}
     * connections (Jedis's default is 8), Spring's Lettuce factory shares one connection among all
     * threads, its default.
     */
    static Sessions of(String impl, RedisServer server, int connections) {
      return switch (impl) {
        case "latchkey" -> new LatchkeySessions(server, connections);
        case "springPlain" -> new SpringSessions(server, false);
        case "springIndexed" -> new SpringSessions(server, true);
        default -> throw new IllegalArgumentException(impl);
      };
    }

    /** Releases the implementation's client; throws nothing checked. */
    @Override
    void close();
  }

  static final class LatchkeySessions implements Sessions {
    private final RedisStores stores;
    private final UnifiedJedis client;
    private final SessionManager manager;
    private final SessionManager checker;
    private String floorSha;
    private List<String> floorHash;

    LatchkeySessions(RedisServer server, int connections) {
      // The benchmark builds the client and hands it to the stores, so the floor goes through
      // the very client (pool, timeouts, connections) the stores use.
      ConnectionPoolConfig pool = new ConnectionPoolConfig();
      pool.setMaxTotal(connections);
      pool.setMaxIdle(connections);
      client =
          RedisClient.builder()
              .hostAndPort(new HostAndPort("127.0.0.1", server.port()))
              .poolConfig(pool)
              .build();
      stores = RedisStores.builder(client).keyPrefix("bench:").build();
      client.set(FLOOR_KEY, FLOOR_VALUE);
      manager =
          SessionManager.builder(stores.sessionStore())
              .idleTimeout(Duration.ofMinutes(30))
              .absoluteTimeout(Duration.ofHours(12))
              .renewalInterval(Duration.ZERO)
              .maxSessionsPerSubject(4, CapPolicy.END_OLDEST)
              .build();
      // The same sessions, checked at the default renewal interval.
      checker =
          SessionManager.builder(stores.sessionStore())
              .idleTimeout(Duration.ofMinutes(30))
              .absoluteTimeout(Duration.ofHours(12))
              .maxSessionsPerSubject(4, CapPolicy.END_OLDEST)
              .build();
    }

    @Override
    public boolean check(String id) {
      return checker.authenticate(new SessionCookie(id)).succeeded();
    }

    @Override
    public boolean logout(String id) {
      return manager.logout(id);
    }

    @Override
    public int list(String subject) {
      return manager.sessionsOf(subject).size();
    }

    @Override
    public int logoutEverywhere(String subject) {
      return manager.logoutEverywhere(subject);
    }

    @Override
    public String create(String subject) {
      LoginOutcome out = manager.login(Principal.of(subject, Set.of("user")), ATTRIBUTES);
      return out.created().orElseThrow().id();
    }

    @Override
    public boolean readTouch(String id) {
      return manager.authenticate(new SessionCookie(id)).succeeded();
    }

    @Override
    public boolean attributeWrite(String id, String value) {
      return manager.authenticate(new SessionCookie(id)).succeeded()
          && manager.setAttribute(id, "cart", value);
    }

    @Override
    public boolean floorGet() {
      return client.get(FLOOR_KEY) != null;
    }

    @Override
    public void prepareFloorScript(String id) {
      floorHash = List.of(RedisSessionBenchmark.sessionKey(client));
      floorSha = client.scriptLoad(FLOOR_SCRIPT_STRING, floorHash.get(0));
    }

    @Override
    public boolean floorScript() {
      return client.evalsha(floorSha, floorHash, List.of()) instanceof String value
          && !value.isEmpty();
    }

    @Override
    public void close() {
      stores.close();
      client.close();
    }
  }

  /**
   * The key of one Latchkey session under the benchmark's prefix. The store's key names are its own
   * business, so the first string key with a session's shape ({@code ...:s:<hash>}) is taken: every
   * session has the same shape.
   */
  static String sessionKey(redis.clients.jedis.UnifiedJedis client) {
    for (String key : client.keys("bench:*:s:*")) {
      if (client.type(key).equals("string")) {
        return key;
      }
    }
    throw new IllegalStateException("no session key found");
  }

  static final class SpringSessions implements Sessions {
    private static final byte[] FLOOR = FLOOR_KEY.getBytes(StandardCharsets.UTF_8);

    /** Where both repositories keep a session's hash (their default namespace). */
    private static final String SESSION_HASH_PREFIX = "spring:session:sessions:";

    private final LettuceConnectionFactory factory;
    private final RedisTemplate<String, Object> template;
    private final SessionRepository<? extends Session> repository;
    private String floorSha;
    private byte[] floorHash;

    SpringSessions(RedisServer server, boolean indexed) {
      factory =
          new LettuceConnectionFactory(
              new RedisStandaloneConfiguration("127.0.0.1", server.port()));
      factory.afterPropertiesSet();
      factory.start();
      // Spring Session's own template set-up: string keys, JDK-serialised values (its default).
      template = new RedisTemplate<>();
      template.setConnectionFactory(factory);
      template.setKeySerializer(RedisSerializer.string());
      template.setHashKeySerializer(RedisSerializer.string());
      template.afterPropertiesSet();
      template.execute(
          (RedisCallback<Boolean>)
              c -> c.stringCommands().set(FLOOR, FLOOR_VALUE.getBytes(StandardCharsets.UTF_8)));
      if (indexed) {
        RedisIndexedSessionRepository r = new RedisIndexedSessionRepository(template);
        r.setDefaultMaxInactiveInterval(Duration.ofMinutes(30));
        repository = r;
      } else {
        RedisSessionRepository r = new RedisSessionRepository(template);
        r.setDefaultMaxInactiveInterval(Duration.ofMinutes(30));
        repository = r;
      }
    }

    @Override
    public String create(String subject) {
      return createTyped(repository, subject);
    }

    private static <S extends Session> String createTyped(
        SessionRepository<S> repo, String subject) {
      S s = repo.createSession();
      s.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, subject);
      ATTRIBUTES.forEach(s::setAttribute);
      repo.save(s);
      return s.getId();
    }

    @Override
    public boolean readTouch(String id) {
      return touchTyped(repository, id, null);
    }

    @Override
    public boolean check(String id) {
      return touchTyped(repository, id, null);
    }

    @Override
    public boolean logout(String id) {
      if (repository.findById(id) == null) {
        return false;
      }
      repository.deleteById(id);
      return true;
    }

    @Override
    public int list(String subject) {
      return repository instanceof FindByIndexNameSessionRepository<?> indexed
          ? indexed.findByPrincipalName(subject).size()
          : -1;
    }

    @Override
    public int logoutEverywhere(String subject) {
      if (!(repository instanceof FindByIndexNameSessionRepository<?> indexed)) {
        return -1;
      }
      Map<String, ?> found = indexed.findByPrincipalName(subject);
      found.keySet().forEach(repository::deleteById);
      return found.size();
    }

    @Override
    public boolean attributeWrite(String id, String value) {
      return touchTyped(repository, id, value);
    }

    private static <S extends Session> boolean touchTyped(
        SessionRepository<S> repo, String id, String cart) {
      S s = repo.findById(id);
      if (s == null) {
        return false;
      }
      s.setLastAccessedTime(Instant.now());
      if (cart != null) {
        s.setAttribute("cart", cart);
      }
      repo.save(s);
      return true;
    }

    @Override
    public boolean floorGet() {
      return template.execute((RedisCallback<byte[]>) c -> c.stringCommands().get(FLOOR)) != null;
    }

    @Override
    public void prepareFloorScript(String id) {
      floorHash = (SESSION_HASH_PREFIX + id).getBytes(StandardCharsets.UTF_8);
      floorSha =
          template.execute(
              (RedisCallback<String>)
                  c ->
                      c.scriptingCommands()
                          .scriptLoad(FLOOR_SCRIPT.getBytes(StandardCharsets.UTF_8)));
      if (!floorScript()) {
        throw new IllegalStateException(
            "session " + id + " has no hash " + SESSION_HASH_PREFIX + id);
      }
    }

    @Override
    public boolean floorScript() {
      List<?> fields =
          template.execute(
              (RedisCallback<List<?>>)
                  c -> c.scriptingCommands().evalSha(floorSha, ReturnType.MULTI, 1, floorHash));
      return fields != null && !fields.isEmpty();
    }

    @Override
    public void close() {
      factory.destroy();
    }
  }
}
