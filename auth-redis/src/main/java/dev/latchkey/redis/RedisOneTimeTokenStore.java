package dev.latchkey.redis;

import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.OneTimeTokenRecord;
import dev.latchkey.core.spi.OneTimeTokenStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link OneTimeTokenStore} on Redis. Each token is a hash at {@code <prefix>{<shard>}:ot:<hash>}
 * (fields {@code s} subject, {@code p} purpose, {@code i e r} issuedAt, expiresAt, retainUntil in
 * epoch ms, {@code c} the code's digest or empty, {@code a} attempts), expiring by {@code
 * PEXPIREAT} at its retention. A subject's tokens are indexed in a sorted set {@code
 * <prefix>{<shard>}:oi:<subject hash>} scored by retention, pruned by every store of a token, so a
 * subject holds at most its purposes' bounds. The shard and subject hash are keyed ({@link
 * Placement}), as for sessions: a token's tag names no one. Every operation is one round trip.
 * Thread-safe.
 */
final class RedisOneTimeTokenStore implements OneTimeTokenStore {
  private static final Script<Long> PUT = Script.load("one-time-put", 3, RedisCalls::num);
  private static final Script<Object> CONSUME = Script.load("one-time-consume", 1, Script::raw);
  private static final Script<Object> ATTEMPT = Script.load("one-time-attempt", 1, Script::raw);
  private static final Script<Long> DELETE_ALL =
      Script.load("one-time-delete-all", 2, RedisCalls::num);

  private final RedisCalls redis;
  private final Keys keys;
  private final Placement placement;

  RedisOneTimeTokenStore(RedisCalls redis, Keys keys, Placement placement) {
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
  public int put(OneTimeTokenRecord token, int maxOutstanding, Instant now) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(now, "now");
    if (maxOutstanding < 1) {
      throw new IllegalArgumentException("maxOutstanding must be at least 1: " + maxOutstanding);
    }
    Placement.Subject subject = placement.of(token.subject());
    if (!token.id().shard().equals(subject.shard())) {
      // Elsewhere than its index: neither the bound nor deleteAll would see it.
      throw new IllegalArgumentException("the token id's shard is not its subject's");
    }
    List<String> args = new ArrayList<>();
    args.add(ms(now));
    args.add(Integer.toString(maxOutstanding));
    args.add(token.id().hash());
    args.add(ms(token.retainUntil()));
    args.add(token.purpose());
    args.addAll(
        List.of(
            "s", token.subject(),
            "p", token.purpose(),
            "i", ms(token.issuedAt()),
            "e", ms(token.expiresAt()),
            "r", ms(token.retainUntil()),
            "c", token.codeDigest().orElse(""),
            "a", Integer.toString(token.attempts())));
    long ended =
        PUT.call(
            redis,
            "one-time token put",
            List.of(
                keys.oneTimeToken(token.id()),
                keys.oneTimeIndex(subject),
                keys.oneTimeTokenPrefix(subject.shard())),
            args);
    return (int) ended;
  }

  @Override
  public Optional<OneTimeTokenRecord> find(HashedId id, Instant now) {
    String key = keys.oneTimeToken(Objects.requireNonNull(id, "id"));
    Map<String, String> fields = redis.call("one-time token find", j -> j.hgetAll(key));
    return decode(id, fields, now);
  }

  @Override
  public Optional<OneTimeTokenRecord> consume(HashedId id, Instant now) {
    Object reply =
        CONSUME.call(
            redis,
            "one-time token consume",
            List.of(keys.oneTimeToken(Objects.requireNonNull(id, "id"))),
            List.of());
    return decode(id, fields(reply), now);
  }

  @Override
  public Optional<OneTimeTokenRecord> countAttempt(HashedId id, int maxAttempts, Instant now) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    Object reply =
        ATTEMPT.call(
            redis,
            "one-time code attempt",
            List.of(keys.oneTimeToken(Objects.requireNonNull(id, "id"))),
            List.of(Integer.toString(maxAttempts), ms(now)));
    return decode(id, fields(reply), now);
  }

  @Override
  public int deleteAll(String subject, Instant now) {
    Placement.Subject place = placement.of(Objects.requireNonNull(subject, "subject"));
    long deleted =
        DELETE_ALL.call(
            redis,
            "one-time tokens delete by subject",
            List.of(keys.oneTimeIndex(place), keys.oneTimeTokenPrefix(place.shard())),
            List.of(ms(now)));
    return (int) deleted;
  }

  private static Map<String, String> fields(Object reply) {
    Map<String, String> fields = new HashMap<>();
    if (reply instanceof List<?> list) {
      for (int i = 0; i + 1 < list.size(); i += 2) {
        fields.put(RedisCalls.str(list.get(i)), RedisCalls.str(list.get(i + 1)));
      }
    }
    return fields;
  }

  /**
   * The record the fields hold, unless there are none or it is past its retention at {@code now}.
   */
  private static Optional<OneTimeTokenRecord> decode(
      HashedId id, Map<String, String> f, Instant now) {
    if (f.isEmpty()) {
      return Optional.empty();
    }
    try {
      Instant retainUntil = Instant.ofEpochMilli(Long.parseLong(f.get("r")));
      if (!now.isBefore(retainUntil)) {
        return Optional.empty();
      }
      String code = f.getOrDefault("c", "");
      return Optional.of(
          new OneTimeTokenRecord(
              id,
              f.get("s"),
              f.get("p"),
              Instant.ofEpochMilli(Long.parseLong(f.get("i"))),
              Instant.ofEpochMilli(Long.parseLong(f.get("e"))),
              retainUntil,
              code.isEmpty() ? Optional.empty() : Optional.of(code),
              Integer.parseInt(f.get("a"))));
    } catch (RuntimeException e) {
      // A record this store did not write (or half of one): not a token, never a pass.
      return Optional.empty();
    }
  }

  private static String ms(Instant t) {
    return Long.toString(t.toEpochMilli());
  }

  @Override
  public String toString() {
    return "RedisOneTimeTokenStore[prefix=" + keys.prefix() + "]";
  }
}
