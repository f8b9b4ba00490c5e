package dev.latchkey.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One Lua script: its source, read once from the resource {@code <name>.lua} beside this class, its
 * SHA-1, how many keys it takes, and how its reply is read. Stores hold one per operation, in a
 * static field, so every script is loaded with its class.
 *
 * <p>A script names every key it touches in {@code KEYS}: either a key itself, or a key prefix in
 * the same Cluster slot (it carries the same hash tag) that the script completes with a member it
 * found in an index, a name Java cannot know without reading first. So Redis Cluster routes the
 * call by its keys, and every key it touches is in that slot.
 *
 * <p>A resource may start with lines {@code --! include <name>}: the Lua of {@code <name>.lua}
 * (shared functions, no {@code redis.call} on a key of its own) is put in their place, in order.
 *
 * <p>Times in scripts are epoch milliseconds. Immutable and thread-safe.
 *
 * @param <R> the reply as Java reads it
 */
final class Script<R> {
  /**
   * The longest TTL a script sets, in ms (100 years): "never" durations must not overflow Redis's
   * expiry. {@code prelude.lua} caps with the same number, and Java code that computes a TTL for a
   * script caps it with this.
   */
  static final long MAX_TTL_MILLIS = 3_153_600_000_000L;

  private static final String INCLUDE = "--! include ";

  private final String name;
  private final String source;
  private final String sha;
  private final int minKeys;
  private final int maxKeys;
  private final Function<Object, R> reply;

  private Script(String name, int minKeys, int maxKeys, Function<Object, R> reply) {
    this.name = name;
    this.source = source(name);
    this.sha = sha1(source);
    this.minKeys = minKeys;
    this.maxKeys = maxKeys;
    this.reply = reply;
  }

  /**
   * The script of resource {@code <name>.lua}, taking exactly {@code keys} keys.
   *
   * @throws IllegalStateException when the resource is missing
   */
  static <R> Script<R> load(String name, int keys, Function<Object, R> reply) {
    return load(name, keys, keys, reply);
  }

  /** The script of resource {@code <name>.lua}, taking from {@code minKeys} to {@code maxKeys}. */
  static <R> Script<R> load(String name, int minKeys, int maxKeys, Function<Object, R> reply) {
    return new Script<>(name, minKeys, maxKeys, Objects.requireNonNull(reply, "reply"));
  }

  /**
   * Runs the script in one round trip (EVALSHA, or EVAL once more on NOSCRIPT) and reads its reply.
   *
   * @throws dev.latchkey.core.StoreUnavailableException when Redis cannot be reached
   * @throws IllegalArgumentException when {@code keys} is not as many keys as the script takes
   */
  R call(RedisCalls redis, String operation, List<String> keys, List<String> args) {
    if (keys.size() < minKeys || keys.size() > maxKeys) {
      throw new IllegalArgumentException(
          "script " + name + " takes " + minKeys + " to " + maxKeys + " keys: " + keys.size());
    }
    return reply.apply(redis.eval(operation, source, sha, keys, args));
  }

  String name() {
    return name;
  }

  /** The whole Lua sent to Redis: the resource with its includes in place. */
  String source() {
    return source;
  }

  String sha() {
    return sha;
  }

  /** The reply as it came (a bulk string, an integer, an array, or null for false). */
  static Object raw(Object o) {
    return o;
  }

  /** The reply as a list; an integer or false reply is no list. */
  static List<?> list(Object o) {
    return (List<?>) o;
  }

  /** The whole Lua of resource {@code <name>.lua}, with its includes in place. */
  static String source(String name) {
    StringBuilder out = new StringBuilder();
    boolean header = true;
    for (String line : resource(name).split("\n", -1)) {
      if (header && line.startsWith(INCLUDE)) {
        out.append(resource(line.substring(INCLUDE.length()).strip()));
        continue;
      }
      header = false;
      out.append(line).append('\n');
    }
    return out.toString();
  }

  private static String resource(String name) {
    try (InputStream in = Script.class.getResourceAsStream(name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing script resource: " + name + ".lua");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read script resource: " + name + ".lua", e);
    }
  }

  private static String sha1(String source) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-1", e);
    }
  }

  @Override
  public String toString() {
    return "Script[" + name + "]";
  }
}
