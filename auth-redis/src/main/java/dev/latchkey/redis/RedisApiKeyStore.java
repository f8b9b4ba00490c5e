package dev.latchkey.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import dev.latchkey.core.spi.ApiKeyRecord;
import dev.latchkey.core.spi.ApiKeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link ApiKeyStore} on Redis. Each key is a hash at {@code <prefix>{<shard>}:k:<id>} (fields
 * {@code s} subject, {@code n} name, {@code sc} scopes as a JSON array, {@code c e l} createdAt,
 * expiresAt, lastUsedAt in epoch ms, {@code v} revoked, {@code h} the secret's SHA-256), expiring
 * by itself at {@code expiresAt}. A subject's keys are indexed in a sorted set {@code
 * <prefix>{<shard>}:ku:<subject hash>} scored by creation. The shard that starts a key id and the
 * subject hash are keyed ({@link Placement}), so an id names no one while a subject's records and
 * index share one Cluster slot and the cap is checked in one script. A verification is one {@code
 * HGETALL}; every other operation is one script. Thread-safe.
 */
final class RedisApiKeyStore implements ApiKeyStore {
  private static final Script<Long> CREATE = Script.load("apikey-create", 3, RedisCalls::num);
  private static final Script<List<?>> LIST = Script.load("apikey-list", 2, Script::list);
  private static final Script<Long> REVOKE = Script.load("apikey-revoke", 1, RedisCalls::num);
  private static final Script<Long> TOUCH = Script.load("apikey-touch", 1, RedisCalls::num);
  private static final Comparator<ApiKeyRecord> OLDEST_FIRST =
      Comparator.comparing(ApiKeyRecord::createdAt).thenComparing(ApiKeyRecord::id);

  private final RedisCalls redis;
  private final Keys keys;
  private final Placement placement;

  RedisApiKeyStore(RedisCalls redis, Keys keys, Placement placement) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.placement = Objects.requireNonNull(placement, "placement");
  }

  /** The subject's keyed tag ({@link Placement}): the same on every node sharing this Redis. */
  @Override
  public String shardFor(String subject) {
    return placement.shardOf(subject);
  }

  @Override
  public boolean create(ApiKeyRecord key, int maxPerSubject, Instant now) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(now, "now");
    if (maxPerSubject < 1) {
      throw new IllegalArgumentException("maxPerSubject must be at least 1: " + maxPerSubject);
    }
    Placement.Subject subject = placement.of(key.subject());
    if (!key.shard().equals(subject.shard())) {
      // Elsewhere than its index: neither the cap nor the listing would see it.
      throw new IllegalArgumentException("the API key id's shard is not its subject's");
    }
    long ttl =
        Math.max(
            1,
            Math.min(key.expiresAt().toEpochMilli() - now.toEpochMilli(), Script.MAX_TTL_MILLIS));
    List<String> args = new ArrayList<>();
    args.add(Long.toString(now.toEpochMilli()));
    args.add(Integer.toString(maxPerSubject));
    args.add(key.id());
    args.add(Long.toString(key.createdAt().toEpochMilli()));
    args.add(Long.toString(ttl));
    args.addAll(encode(key));
    long reply =
        CREATE.call(
            redis,
            "api key create",
            List.of(
                keys.apiKey(key.id()), keys.apiKeyIndex(subject), keys.apiKeyPrefix(key.shard())),
            args);
    if (reply < 0) {
      throw new IllegalArgumentException("the API key id is already held");
    }
    return reply == 1;
  }

  @Override
  public Optional<ApiKeyRecord> find(String id) {
    Objects.requireNonNull(id, "id");
    if (!ApiKeyRecord.isId(id)) {
      return Optional.empty();
    }
    Map<String, String> fields = redis.call("api key read", j -> j.hgetAll(keys.apiKey(id)));
    return decode(id, fields);
  }

  @Override
  public List<ApiKeyRecord> list(String subject, Instant now) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(now, "now");
    Placement.Subject place = placement.of(subject);
    List<?> reply =
        LIST.call(
            redis,
            "api key list",
            List.of(keys.apiKeyIndex(place), keys.apiKeyPrefix(place.shard())),
            List.of());
    List<ApiKeyRecord> out = new ArrayList<>();
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      String id = RedisCalls.str(reply.get(i));
      List<?> flat = (List<?>) reply.get(i + 1);
      Map<String, String> fields = new HashMap<>();
      for (int f = 0; f + 1 < flat.size(); f += 2) {
        fields.put(RedisCalls.str(flat.get(f)), RedisCalls.str(flat.get(f + 1)));
      }
      decode(id, fields)
          .filter(r -> r.subject().equals(subject) && now.isBefore(r.expiresAt()))
          .ifPresent(out::add);
    }
    out.sort(OLDEST_FIRST);
    return List.copyOf(out);
  }

  @Override
  public boolean revoke(String subject, String id) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(id, "id");
    if (!ApiKeyRecord.isId(id)) {
      return false;
    }
    return REVOKE.call(redis, "api key revoke", List.of(keys.apiKey(id)), List.of(subject)) == 1;
  }

  @Override
  public void touch(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    if (ApiKeyRecord.isId(id)) {
      TOUCH.call(
          redis,
          "api key touch",
          List.of(keys.apiKey(id)),
          List.of(Long.toString(at.toEpochMilli())));
    }
  }

  private static List<String> encode(ApiKeyRecord key) {
    JsonArray scopes = new JsonArray();
    key.scopes().stream().sorted().forEach(scopes::add);
    return List.of(
        "s", key.subject(),
        "n", key.name(),
        "sc", scopes.toString(),
        "c", Long.toString(key.createdAt().toEpochMilli()),
        "e", Long.toString(key.expiresAt().toEpochMilli()),
        "v", key.revoked() ? "1" : "0",
        "h", key.secretHash());
  }

  /** The record, or empty when absent or unreadable: an unreadable entry is never a crash. */
  private static Optional<ApiKeyRecord> decode(String id, Map<String, String> f) {
    if (f == null || f.isEmpty()) {
      return Optional.empty();
    }
    try {
      Set<String> scopes = new HashSet<>();
      for (JsonElement e : JsonParser.parseString(f.get("sc")).getAsJsonArray()) {
        scopes.add(e.getAsString());
      }
      String last = f.get("l");
      return Optional.of(
          new ApiKeyRecord(
              id,
              f.get("s"),
              f.get("n"),
              scopes,
              Instant.ofEpochMilli(Long.parseLong(f.get("c"))),
              Instant.ofEpochMilli(Long.parseLong(f.get("e"))),
              "1".equals(f.get("v")),
              last == null
                  ? Optional.empty()
                  : Optional.of(Instant.ofEpochMilli(Long.parseLong(last))),
              f.get("h")));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "RedisApiKeyStore[" + keys.prefix() + "]";
  }
}
