package dev.latchkey.redis;

import dev.latchkey.core.LoginThrottle;
import dev.latchkey.core.StoreUnavailableException;
import dev.latchkey.core.ThrottlePolicy;
import dev.latchkey.core.spi.ApiKeyStore;
import dev.latchkey.core.spi.OneTimeTokenStore;
import dev.latchkey.core.spi.PasskeyStore;
import dev.latchkey.core.spi.PendingLoginStore;
import dev.latchkey.core.spi.RefreshTokenStore;
import dev.latchkey.core.spi.RevocationList;
import dev.latchkey.core.spi.SecondFactorStore;
import dev.latchkey.core.spi.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import redis.clients.jedis.UnifiedJedis;

// Past 450 lines for a reason: it is the one entry point for every Redis store, and its public
// Builder (RedisStores.Builder) holds each setting's contract; each store's work is in its own
// class (RedisSessionStore, RedisPasskeyStore, ...).
/**
 * Every Latchkey store on one Redis: sessions, revocations, refresh tokens, one-time tokens and
 * login throttling, on a standalone server, a Sentinel-managed primary or a Cluster alike.
 *
 * <p>Built from a Jedis {@link UnifiedJedis} (a {@code RedisClient}, {@code RedisSentinelClient} or
 * {@code RedisClusterClient}), which the caller keeps owning, or from a URL, whose client this
 * object owns and closes:
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host[:port][/db]}
 *   <li>{@code rediss://...} the same over TLS
 *   <li>{@code redis-sentinel://[user:password@]host[:port][,host[:port]...]/<master-name>} (the
 *       credentials are the primary's)
 *   <li>{@code redis-cluster://[user:password@]host[:port][,host[:port]...]}
 * </ul>
 *
 * <pre>{@code
 * try (RedisStores redis =
 *     RedisStores.fromUrl("redis://localhost:6379").keyPrefix("app:").build()) {
 *   SessionStore sessions = redis.sessionStore();
 *   RevocationList revocations = redis.revocationList();
 * }
 * }</pre>
 *
 * <p>Every store throws {@link StoreUnavailableException} when Redis cannot be reached or does not
 * answer within the client's timeouts (from a URL: {@link Builder#timeout}, 2 seconds by default),
 * and recovers by itself when Redis is back. Thread-safe.
 */
public final class RedisStores implements AutoCloseable {
  private final RedisCalls redis;
  private final Keys keys;
  private final Placement placement;
  private final Clock clock;
  private final Duration heartbeat;
  private final int revocationsPerSubject;
  private final ThreadFactory revocationThreads;
  private final boolean ownsClient;
  private final int nearCacheEntries;
  private RedisRevocationList revocations;
  private SessionNearCache nearCache;
  private RenewalHints renewalHints;
  private boolean closed;

  private RedisStores(Builder b, UnifiedJedis client, boolean ownsClient) {
    this.redis = new RedisCalls(client);
    this.keys = new Keys(b.keyPrefix);
    this.placement = new Placement(redis, keys);
    this.clock = b.clock;
    this.heartbeat = b.heartbeat;
    this.revocationsPerSubject = b.revocationsPerSubject;
    this.revocationThreads = b.revocationThreads;
    this.ownsClient = ownsClient;
    this.nearCacheEntries = b.nearCacheEntries;
    if (nearCacheEntries > 0 && !TrackedMasters.supports(client)) {
      throw new IllegalStateException(
          "sessionNearCache needs a RedisClient, RedisSentinelClient or RedisClusterClient: its"
              + " tracking connections must be on the masters the client writes to");
    }
  }

  /**
   * A builder on a client the caller built, configured (timeouts, pool, TLS) and keeps owning:
   * {@link #close} does not close it.
   *
   * @param client a standalone, Sentinel or Cluster client
   * @return a builder with the defaults of its setters
   * @throws NullPointerException if {@code client} is null
   */
  public static Builder builder(UnifiedJedis client) {
    return new Builder(Objects.requireNonNull(client, "client"), null);
  }

  /**
   * A builder that will create its own client from {@code url} (see the class comment).
   *
   * @param url a {@code redis}, {@code rediss}, {@code redis-sentinel} or {@code redis-cluster}
   *     URL; it may hold a password
   * @return a builder with the defaults of its setters
   * @throws NullPointerException if {@code url} is null
   * @throws IllegalArgumentException when the URL is malformed; the message never holds the
   *     password
   */
  public static Builder fromUrl(String url) {
    return new Builder(null, RedisUrl.parse(url));
  }

  /**
   * {@return the session store}. Each call returns a store on the same client and keys.
   *
   * <p>Every key of one subject lives in one Cluster slot, found from a session id by its shard
   * tag. That tag is a keyed hash of the subject under a placement key that the first node to need
   * it creates in Redis ({@code <prefix>placement}) and every node reads: the same on every node,
   * nothing to configure, and nothing a user name gives away without Redis. Two ids of one subject
   * share the tag, so whoever sees both may tell that they are one user's, not whose; it has 18
   * bits, so in a large user base many users share each tag. A node reads the key again every ten
   * seconds, at the cost of one round trip on such a login, so that a fleet whose Redis lost it
   * agrees on one key again.
   */
  public SessionStore sessionStore() {
    return new RedisSessionStore(redis, keys, placement, renewalHints(), nearCache());
  }

  /** This node's renewal hints, made on first use: every session store of the node shares them. */
  private synchronized RenewalHints renewalHints() {
    if (renewalHints == null) {
      renewalHints = new RenewalHints();
    }
    return renewalHints;
  }

  /** The near cache, started on first use; null when it is off. */
  synchronized SessionNearCache nearCache() {
    if (nearCacheEntries == 0) {
      return null;
    }
    if (closed) {
      throw new IllegalStateException("these Redis stores are closed");
    }
    if (nearCache == null) {
      nearCache =
          new SessionNearCache(
                  redis.jedis(),
                  keys,
                  nearCacheEntries,
                  heartbeat,
                  System::nanoTime,
                  revocationThreads)
              .start();
    }
    return nearCache;
  }

  /**
   * {@return the API key store}. Each call returns a store on the same client and keys. A key's id
   * starts with its subject's keyed shard tag (see {@link #sessionStore()}), so a subject's keys
   * and their index share one Cluster slot and the per-subject cap is checked in one script; a
   * verification is one {@code HGETALL}.
   */
  public ApiKeyStore apiKeyStore() {
    return new RedisApiKeyStore(redis, keys, placement);
  }

  /**
   * The revocation list, with its in-process replica (one subscriber thread and one heartbeat
   * thread from {@link Builder#revocationThreads}, started on the first call and stopped by {@link
   * #close}). Always the same instance.
   *
   * <p>A check answered by the replica costs no Redis round trip. The replica is fed by Redis
   * pub/sub, bootstrapped by a SCAN of the revocation keys (on a Cluster, of every master), and
   * resynced (as a union: entries Redis lost are written back) after every reconnection and every
   * gap in a shard's heartbeats. Each shard (each Cluster master; the one server otherwise) proves
   * its own path with a heartbeat published where its revocations are. While the replica is not
   * known to be current (starting, disconnected, or any shard silent for three {@linkplain
   * Builder#revocationHeartbeat heartbeats}) a check asks Redis directly and throws {@link
   * StoreUnavailableException} when it cannot.
   *
   * <p>The replica holds at most about a million entries (each subject at most {@link
   * Builder#revocationsPerSubject} of them); should Redis hold more, checks that find no entry in
   * the replica ask Redis until expiry has made room and a resync has taken everything in again.
   *
   * <p><b>Propagation bound.</b> A revocation made through one node is enforced by every other node
   * within the pub/sub delivery time (milliseconds; measured in the tests) while their
   * subscriptions are healthy. A subscription that breaks is noticed at once when the connection
   * closes, and within three heartbeats (1.5 s by default) when it or any one shard goes silent (a
   * paused master, a broken cluster-bus link, a failover); from then until the path is proven again
   * and resynced, checks go to Redis. So a node can miss a revocation for at most that detection
   * time.
   *
   * <p>When Redis loses data (it restarts empty, or fails over to a replica that had not received
   * the write), a revocation it lost is missing from Redis until a node whose replica holds it
   * resubscribes and writes it back: within one second (the longest resubscription backoff) plus
   * the resync after Redis answers again. Until then another node whose replica lacks it (it was
   * revoked around the outage) may accept the token. The load tests measure against this bound.
   *
   * @return the revocation list, the same instance on every call
   * @throws IllegalStateException when these stores are closed
   */
  public synchronized RevocationList revocationList() {
    if (closed) {
      throw new IllegalStateException("these Redis stores are closed");
    }
    if (revocations == null) {
      revocations =
          new RedisRevocationList(
                  redis,
                  keys,
                  clock,
                  heartbeat,
                  System::nanoTime,
                  revocationsPerSubject,
                  revocationThreads)
              .start();
    }
    return revocations;
  }

  /**
   * {@return the refresh-token store}. A family's tokens live in their subject's slot, placed as
   * the {@linkplain #sessionStore() sessions} are. It decides every time (expiry, grace, rotation
   * rate) by the Redis server's clock, not by {@link Builder#clock}: nodes whose clocks disagree
   * share one outcome.
   */
  public RefreshTokenStore refreshTokenStore() {
    return new RedisRefreshTokenStore(redis, keys, placement, RedisRefreshTokenStore.SERVER_TIME);
  }

  /**
   * {@return the one-time token store} (password reset, email verification, magic links, email
   * codes). One subject's tokens live in its slot, placed as the {@linkplain #sessionStore()
   * sessions} are; each expires in Redis at its retention ({@code PEXPIREAT}).
   */
  public OneTimeTokenStore oneTimeTokenStore() {
    return new RedisOneTimeTokenStore(redis, keys, placement);
  }

  /**
   * {@return the pending-login store} of sign-ins with an OpenID provider, so that a callback may
   * land on any node. One client's logins live in its slot, placed as the {@linkplain
   * #sessionStore() sessions} are (keyed: a tag names no address); each expires in Redis at its
   * expiry ({@code PEXPIREAT}).
   */
  public PendingLoginStore pendingLoginStore() {
    return new RedisPendingLoginStore(redis, keys, placement);
  }

  /**
   * {@return the second-factor store}. A subject's factor and recovery codes live in its slot,
   * placed as its {@linkplain #sessionStore() sessions} are; the step advance and a recovery code's
   * consumption are atomic across every node.
   */
  public SecondFactorStore secondFactorStore() {
    return new RedisSecondFactorStore(redis, keys, placement);
  }

  /**
   * {@return the passkey store}. A subject's passkeys live in its slot, placed as its {@linkplain
   * #sessionStore() sessions} are; a lookup by credential id reads a pointer in the credential's
   * own slot first. A ceremony started on one node finishes on any other: its challenge is taken
   * out atomically ({@code GETDEL}) exactly once, and expires in Redis at its end.
   */
  public PasskeyStore passkeyStore() {
    return new RedisPasskeyStore(redis, keys, placement, clock);
  }

  /**
   * A login throttle under {@code policy}; nodes sharing one policy share the counters.
   *
   * @param policy the limits and lock-outs to apply
   * @return a throttle whose counters live in Redis under this object's key prefix
   * @throws NullPointerException if {@code policy} is null
   */
  public LoginThrottle loginThrottle(ThrottlePolicy policy) {
    return new RedisLoginThrottle(redis, keys, clock, Objects.requireNonNull(policy, "policy"));
  }

  /**
   * {@return whether Redis answers a {@code PING} now}, within the client's timeouts: for a health
   * check. Never throws for an unreachable server.
   */
  public boolean isReachable() {
    try {
      return "PONG".equalsIgnoreCase(redis.call("ping", UnifiedJedis::ping));
    } catch (StoreUnavailableException e) {
      return false;
    }
  }

  /** Stops the revocation replica's threads and closes the client if this object built it. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (revocations != null) {
      revocations.close();
    }
    if (nearCache != null) {
      nearCache.close();
    }
    if (ownsClient) {
      try {
        redis.jedis().close();
      } catch (RuntimeException e) {
        // Closing a client whose server is gone may fail; nothing is left to release.
      }
    }
  }

  /** Configures {@link RedisStores}. Not thread-safe; build once. */
  public static final class Builder {
    private final UnifiedJedis client;
    private final RedisUrl url;
    private String keyPrefix = "latchkey:";
    private Clock clock = Clock.systemUTC();
    private Duration timeout;
    private Duration heartbeat = Duration.ofMillis(500);
    private int revocationsPerSubject = RedisRevocationList.DEFAULT_MAXIMUM_ENTRIES_PER_SUBJECT;
    private ThreadFactory revocationThreads = RevocationFeed.defaultThreads();
    private int nearCacheEntries;

    private Builder(UnifiedJedis client, RedisUrl url) {
      this.client = client;
      this.url = url;
    }

    /**
     * The prefix of every key and of the revocation channel (default {@code "latchkey:"}), so that
     * several applications can share one Redis. It cannot hold braces (they would break the Cluster
     * hash tags).
     *
     * @param prefix the key prefix, at most 64 characters, without <code>'{'</code> or <code>'}'
     *     </code>; may be empty
     * @return this builder
     * @throws NullPointerException if {@code prefix} is null
     * @throws IllegalArgumentException if {@code prefix} holds a brace or is over 64 characters
     */
    public Builder keyPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException("prefix cannot hold '{' or '}': " + prefix);
      }
      if (prefix.length() > 64) {
        throw new IllegalArgumentException("prefix cannot be longer than 64 characters");
      }
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * The clock for the operations whose SPI passes no time (default: the system UTC clock).
     *
     * @param clock the clock; the refresh-token store ignores it and uses the Redis server's time
     * @return this builder
     * @throws NullPointerException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The connect and read timeout of a client built from a URL (default 2 seconds): every call
     * answers or throws within about this time. A client given to {@link #builder} keeps its own.
     *
     * @param timeout positive, at most 60 seconds; whole milliseconds are used
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is not positive or over 60 seconds
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > 60_000) {
        throw new IllegalArgumentException(
            "timeout must be positive and at most 60 seconds: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * How often the revocation replica checks its subscription, with one heartbeat per shard
     * (default 500 ms); a shard silent for three beats is taken as lost and reads go to Redis
     * directly. Keep it well under the client's read timeout.
     *
     * @param heartbeat the interval, from 10 ms to 60 s
     * @return this builder
     * @throws NullPointerException if {@code heartbeat} is null
     * @throws IllegalArgumentException if {@code heartbeat} is under 10 ms or over 60 s
     */
    public Builder revocationHeartbeat(Duration heartbeat) {
      Objects.requireNonNull(heartbeat, "heartbeat");
      if (heartbeat.toMillis() < 10 || heartbeat.toMillis() > 60_000) {
        throw new IllegalArgumentException(
            "heartbeat must be between 10 ms and 60 s: " + heartbeat);
      }
      this.heartbeat = heartbeat;
      return this;
    }

    /**
     * How many live token and family revocations one subject may hold in Redis (default 1000); a
     * revocation beyond it is folded into the subject's not-before (see {@link RevocationList}), so
     * one user cannot fill Redis or every node's replica.
     *
     * @param bound the most live revocation entries per subject, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code bound} is under 1
     */
    public Builder revocationsPerSubject(int bound) {
      if (bound < 1) {
        throw new IllegalArgumentException("revocationsPerSubject must be at least 1: " + bound);
      }
      this.revocationsPerSubject = bound;
      return this;
    }

    /**
     * Where the revocation replica's two threads come from (its subscriber and its heartbeat): by
     * default daemon threads named {@code latchkey-revocations-<n>}. An application that manages
     * its threads (names, priorities, a container's factory) gives its own; each thread it returns
     * runs one long loop until {@link RedisStores#close}, and should be a daemon thread unless the
     * application closes the stores before it exits.
     *
     * @param threads makes one new, unstarted thread per call
     * @return this builder
     * @throws NullPointerException if {@code threads} is null
     */
    public Builder revocationThreads(ThreadFactory threads) {
      this.revocationThreads = Objects.requireNonNull(threads, "threads");
      return this;
    }

    /**
     * Keeps up to {@code maxEntries} sessions read by this node in its memory (off by default), so
     * that a check of a cached session that is not due for renewal costs no round trip. Redis keeps
     * the cache correct through client tracking: a session ended, rotated, renewed or changed by
     * any node is dropped from every node's cache as soon as Redis's invalidation message arrives
     * (the propagation bound: the pub/sub delivery time, milliseconds on a healthy network). The
     * cache answers only while each of its tracking connections is proven current by a heartbeat of
     * {@link #revocationHeartbeat} sent less than three heartbeats ago; a lost connection, a Redis
     * restart or failover, or a flush empties it, and checks read Redis until tracking is back. A
     * due renewal is still written to Redis.
     *
     * <p>Works on a standalone server, a Sentinel-managed primary and a Cluster (a {@code
     * RedisClient}, {@code RedisSentinelClient} or {@code RedisClusterClient}, or any URL) of Redis
     * 6 or later. Redis reports a change only to connections on the node where it happened, so the
     * cache keeps one tracking connection on every master (the one server; the current Sentinel
     * primary; each Cluster master that owns slots), taken from the client's pool of that master,
     * and answers only while every one of them has proven itself by a heartbeat written to that
     * master. A failover, a master lost, or slots moved to another master (the topology is checked
     * at every heartbeat) empties the whole cache, and checks read Redis until every connection is
     * set up on the masters as they are now. Reads still go to masters, never replicas. Takes one
     * heartbeat thread and one subscriber thread per master from {@link #revocationThreads}; each
     * heartbeat writes one short-lived key ({@code <prefix>{<tag>}:nc:...}, gone after three
     * heartbeats) per master. Its connections run {@code HELLO}, {@code CLIENT ID}, {@code CLIENT
     * TRACKING} and {@code SUBSCRIBE} (on a Cluster also {@code CLUSTER SHARDS} and {@code CLUSTER
     * MYID}); where an ACL denies one of them the cache stays empty, never wrong.
     *
     * @param maxEntries the most sessions cached, from 1 to 10,000,000
     * @return this builder
     * @throws IllegalArgumentException if {@code maxEntries} is out of range
     */
    public Builder sessionNearCache(int maxEntries) {
      if (maxEntries < 1 || maxEntries > 10_000_000) {
        throw new IllegalArgumentException(
            "sessionNearCache maxEntries must be from 1 to 10000000: " + maxEntries);
      }
      this.nearCacheEntries = maxEntries;
      return this;
    }

    /**
     * Builds the stores. From a URL this creates the client.
     *
     * @return the stores, to be {@linkplain RedisStores#close() closed} when the application stops
     * @throws IllegalStateException when a timeout was set for a caller's client, or a session near
     *     cache for a client that is no {@code RedisClient}, {@code RedisSentinelClient} or {@code
     *     RedisClusterClient}
     * @throws StoreUnavailableException when a Sentinel or Cluster URL's nodes cannot be reached
     */
    public RedisStores build() {
      if (client != null) {
        if (timeout != null) {
          throw new IllegalStateException(
              "timeout applies to a client built from a URL; configure your own client instead");
        }
        return new RedisStores(this, client, false);
      }
      return new RedisStores(
          this, url.connect(timeout == null ? Duration.ofSeconds(2) : timeout), true);
    }
  }
}
