package dev.latchkey.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A parsed Redis URL. Malformed input is refused with an {@link IllegalArgumentException} whose
 * message says what is wrong and never repeats the URL (it may hold a password).
 *
 * @param kind which client the URL asks for
 * @param tls whether to connect with TLS ({@code rediss://})
 * @param user the ACL user, or null
 * @param password the password, or null; never shown by {@link #toString}
 * @param nodes the host(s): one for standalone, the sentinels, or the cluster seed nodes
 * @param database the database number (standalone only)
 * @param masterName the Sentinel master name, or null
 */
record RedisUrl(
    Kind kind,
    boolean tls,
    String user,
    String password,
    List<HostAndPort> nodes,
    int database,
    String masterName) {

  enum Kind {
    STANDALONE,
    SENTINEL,
    CLUSTER
  }

  RedisUrl {
    nodes = List.copyOf(nodes);
  }

  @Override
  public String toString() {
    return "RedisUrl[kind="
        + kind
        + ", tls="
        + tls
        + ", user="
        + user
        + ", password="
        + (password == null ? "none" : "<redacted>")
        + ", nodes="
        + nodes
        + ", database="
        + database
        + ", masterName="
        + masterName
        + "]";
  }

  static RedisUrl parse(String url) {
    if (url == null) {
      throw new NullPointerException("url");
    }
    int sep = url.indexOf("://");
    if (sep < 0) {
      throw invalid("expected <scheme>://");
    }
    String scheme = url.substring(0, sep).toLowerCase(Locale.ROOT);
    Kind kind;
    boolean tls = false;
    int defaultPort = 6379;
    switch (scheme) {
      case "redis" -> kind = Kind.STANDALONE;
      case "rediss" -> {
        kind = Kind.STANDALONE;
        tls = true;
      }
      case "redis-sentinel" -> {
        kind = Kind.SENTINEL;
        defaultPort = 26379;
      }
      case "redis-cluster" -> kind = Kind.CLUSTER;
      default -> throw invalid("the scheme must be redis, rediss, redis-sentinel or redis-cluster");
    }
    String rest = url.substring(sep + 3);
    if (rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
      throw invalid("query parameters and fragments are not supported");
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    int at = authority.lastIndexOf('@');
    String user = null;
    String password = null;
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        user = decode(userInfo, "user");
      } else {
        user = colon == 0 ? null : decode(userInfo.substring(0, colon), "user");
        password = decode(userInfo.substring(colon + 1), "password");
      }
      authority = authority.substring(at + 1);
    }
    List<HostAndPort> nodes = new ArrayList<>();
    for (String node : authority.split(",", -1)) {
      nodes.add(hostAndPort(node, defaultPort));
    }
    int database = 0;
    String masterName = null;
    switch (kind) {
      case STANDALONE -> {
        if (nodes.size() != 1) {
          throw invalid("a standalone URL names exactly one host");
        }
        if (!path.isEmpty()) {
          database = number(path, "database");
        }
      }
      case SENTINEL -> {
        if (path.isEmpty() || path.contains("/")) {
          throw invalid("a sentinel URL ends with /<master-name>");
        }
        masterName = decode(path, "master name");
      }
      case CLUSTER -> {
        if (!path.isEmpty()) {
          throw invalid("a cluster URL has no path (a cluster has one database)");
        }
      }
    }
    return new RedisUrl(kind, tls, user, password, nodes, database, masterName);
  }

  private static HostAndPort hostAndPort(String node, int defaultPort) {
    String host;
    String port = null;
    if (node.startsWith("[")) {
      int close = node.indexOf(']');
      if (close < 0) {
        throw invalid("an IPv6 host lacks its closing ']'");
      }
      host = node.substring(1, close);
      String after = node.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw invalid("expected ':' after an IPv6 host");
        }
        port = after.substring(1);
      }
    } else {
      int colon = node.indexOf(':');
      host = colon < 0 ? node : node.substring(0, colon);
      port = colon < 0 ? null : node.substring(colon + 1);
    }
    if (host.isEmpty()) {
      throw invalid("a host is empty");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == ':')) {
        throw invalid("a host name holds a character that is not allowed");
      }
    }
    int p = port == null ? defaultPort : number(port, "port");
    if (p < 1 || p > 65535) {
      throw invalid("a port must be between 1 and 65535");
    }
    return new HostAndPort(host, p);
  }

  private static int number(String s, String what) {
    if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw invalid("the " + what + " must be a number");
    }
    return Integer.parseInt(s);
  }

  /** Percent-decodes a URL part; an error message never shows the part. */
  private static String decode(String s, String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw invalid("the " + what + " holds a broken %-escape");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw invalid("the " + what + " holds a broken %-escape");
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c == '/' || c == '@') {
        throw invalid("the " + what + " holds an unescaped '" + c + "'");
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException invalid(String why) {
    return new IllegalArgumentException("invalid Redis URL: " + why);
  }

  /**
   * A new client for this URL, its connect, read and pool waits bounded by {@code timeout}.
   *
   * @throws dev.latchkey.core.StoreUnavailableException when a Sentinel or Cluster URL's nodes
   *     cannot be reached
   */
  UnifiedJedis connect(Duration timeout) {
    int ms = (int) timeout.toMillis();
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(ms)
            .socketTimeoutMillis(ms)
            .blockingSocketTimeoutMillis(ms)
            .database(database());
    if (tls()) {
      // The JDK's trust store and hostname verification.
      config.sslOptions(SslOptions.defaults());
    }
    if (user() != null) {
      config.user(user());
    }
    if (password() != null) {
      config.password(password());
    }
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(32);
    pool.setMaxIdle(32);
    // Waiting for a pooled connection is bounded too: a call never hangs on a busy pool.
    pool.setMaxWait(timeout);
    try {
      return switch (kind()) {
        case STANDALONE ->
            RedisClient.builder()
                .hostAndPort(nodes().get(0))
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
        case SENTINEL ->
            RedisSentinelClient.builder()
                .masterName(masterName())
                .sentinels(new HashSet<>(nodes()))
                .clientConfig(config.build())
                .sentinelClientConfig(
                    DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(ms)
                        .socketTimeoutMillis(ms)
                        .build())
                .poolConfig(pool)
                .build();
        case CLUSTER ->
            RedisClusterClient.builder()
                .nodes(new HashSet<>(nodes()))
                .clientConfig(config.build())
                .poolConfig(pool)
                .maxAttempts(3)
                .maxTotalRetriesDuration(timeout.multipliedBy(2))
                .build();
      };
    } catch (JedisException e) {
      throw RedisCalls.unavailable("connect", e);
    }
  }
}
