package dev.latchkey.redis;

import dev.latchkey.core.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The one place through which every store talks to Redis: it maps every Jedis failure to {@link
 * StoreUnavailableException} with a message naming the operation only (never a key or an id), and
 * runs Lua scripts by SHA with a fallback to their source. Thread-safe.
 */
final class RedisCalls {
  private final UnifiedJedis jedis;

  RedisCalls(UnifiedJedis jedis) {
    this.jedis = Objects.requireNonNull(jedis, "jedis");
  }

  UnifiedJedis jedis() {
    return jedis;
  }

  /** Runs {@code call}, turning any Jedis failure into {@link StoreUnavailableException}. */
  <T> T call(String operation, Function<UnifiedJedis, T> call) {
    try {
      return call.apply(jedis);
    } catch (JedisException e) {
      throw unavailable(operation, e);
    }
  }

  /**
   * Runs a script ({@link Script}) with EVALSHA, one round trip when the server has it cached; on
   * NOSCRIPT (a restarted or failed-over server) once more with EVAL, which also caches it again.
   */
  Object eval(String operation, String source, String sha, List<String> keys, List<String> args) {
    try {
      try {
        return jedis.evalsha(sha, keys, args);
      } catch (JedisNoScriptException e) {
        return jedis.eval(source, keys, args);
      }
    } catch (JedisException e) {
      throw unavailable(operation, e);
    }
  }

  static StoreUnavailableException unavailable(String operation, Throwable cause) {
    // The cause stays for diagnosis; the message names the operation only.
    return new StoreUnavailableException("redis unavailable: " + operation, cause);
  }

  /** A Lua reply element as a string: Jedis answers bulk strings as String or byte[]. */
  static String str(Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    return o.toString();
  }

  /**
   * A duration in milliseconds for a script, saturated at {@link Long#MAX_VALUE}: callers pass huge
   * durations to mean "never", and the scripts compare them as numbers.
   */
  static String millis(java.time.Duration d) {
    if (d.isNegative()) {
      return "0";
    }
    try {
      return Long.toString(d.toMillis());
    } catch (ArithmeticException e) {
      return Long.toString(Long.MAX_VALUE);
    }
  }

  /** A Lua reply element as a long. */
  static long num(Object o) {
    if (o instanceof Long l) {
      return l;
    }
    return Long.parseLong(str(o));
  }
}
