package dev.latchkey.redis;

import dev.latchkey.core.HashedId;
import dev.latchkey.core.OpaqueIds;
import dev.latchkey.core.Principal;
import dev.latchkey.core.RefreshRecord;
import dev.latchkey.core.RefreshTokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link RefreshTokenStore} on Redis. In the subject's slot: each token is a hash {@code
 * <prefix>{<shard>}:rf:<hash>} (family, principal JSON, times, state {@code L} live or {@code C}
 * consumed, its successor); each family a hash {@code rff:<family hash>} whose state {@code L} or
 * {@code E} (ended) every rotation checks, so ending a family is one write however long it is; a
 * subject's families are indexed in the sorted set {@code rfu:<subject hash>} scored by family
 * end. The shard and the subject hash are keyed ({@link Placement}): a token's tag names no one.
 * Every key lives until its family's end, which keeps consumed tokens for reuse detection
 * exactly as long as needed. {@link #rotate} is one script: consume, mint the successor, honour a
 * grace retry once, or end the family on reuse. Thread-safe.
 */
final class RedisRefreshTokenStore implements RefreshTokenStore {
  private static final RedisCalls.Script CREATE =
      Lua.script(
          """
          local now, fe = tonumber(ARGV[1]), tonumber(ARGV[2])
          if fe <= now then return 0 end
          redis.call('DEL', KEYS[1])
          redis.call('HSET', KEYS[1], unpack(ARGV, 4))
          keepuntil(KEYS[1], fe, now)
          redis.call('HSET', KEYS[2], 'st', 'L', 'fe', ARGV[2])
          keepuntil(KEYS[2], fe, now)
          redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
          redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3])
          keepindex(KEYS[3], now)
          return 1
          """);

  private static final RedisCalls.Script ROTATE =
      Lua.script(
          """
          local h = redis.call('HGETALL', KEYS[1])
          if #h == 0 then return {'I'} end
          local t = tomap(h)
          local now = tonumber(ARGV[1])
          local fe, e = tonumber(t['fe']), tonumber(t['e'])
          if not fe or not e or not t['fk'] then return {'I'} end
          local fam = ARGV[4] .. 'rff:' .. t['fk']
          if redis.call('HGET', fam, 'st') ~= 'L' or fe <= now or e <= now then return {'I'} end
          local function mint()
            local e2 = math.min(now + tonumber(ARGV[2]), fe)
            redis.call('DEL', KEYS[2])
            redis.call('HSET', KEYS[2], 'v', t['v'], 'fam', t['fam'], 'fk', t['fk'], 'p', t['p'],
              'i', ARGV[1], 'e', ms(e2), 'fe', t['fe'], 'st', 'L')
            keepuntil(KEYS[2], fe, now)
            return {'R', ms(e2), t['fam'], t['p'], t['fe']}
          end
          if t['st'] == 'L' then
            redis.call('HSET', KEYS[1], 'st', 'C', 'ct', ARGV[1], 'succ', ARGV[5])
            return mint()
          end
          local ct = tonumber(t['ct']) or 0
          if t['st'] == 'C' and t['rt'] ~= '1' and now - ct < tonumber(ARGV[3]) then
            -- A grace retry (the first answer was lost): replace the unused first successor.
            local prev = ARGV[4] .. 'rf:' .. (t['succ'] or '')
            if redis.call('HGET', prev, 'st') == 'L' then
              redis.call('DEL', prev)
              redis.call('HSET', KEYS[1], 'rt', '1', 'succ', ARGV[5])
              return mint()
            end
          end
          redis.call('HSET', fam, 'st', 'E')
          return {'U', t['p']}
          """);

  private static final RedisCalls.Script REVOKE_FAMILY =
      Lua.script(
          """
          local fk = redis.call('HGET', KEYS[1], 'fk')
          if not fk then return 0 end
          local fam = ARGV[2] .. 'rff:' .. fk
          local f = redis.call('HMGET', fam, 'st', 'fe')
          if f[1] ~= 'L' or (tonumber(f[2]) or 0) <= tonumber(ARGV[1]) then return 0 end
          redis.call('HSET', fam, 'st', 'E')
          return 1
          """);

  private static final RedisCalls.Script REVOKE_SUBJECT =
      Lua.script(
          """
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
          local n = 0
          for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
            local fam = ARGV[2] .. 'rff:' .. m
            if redis.call('HGET', fam, 'st') == 'L' then
              redis.call('HSET', fam, 'st', 'E')
              n = n + 1
            end
          end
          return n
          """);

  private final RedisCalls redis;
  private final Keys keys;
  private final Placement placement;
  private final Clock clock;

  RedisRefreshTokenStore(RedisCalls redis, Keys keys, Placement placement, Clock clock) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.placement = Objects.requireNonNull(placement, "placement");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The subject's keyed tag ({@link Placement}): the same on every node sharing this Redis. */
  @Override
  public String shardFor(String subject) {
    return placement.shardOf(subject);
  }

  @Override
  public void create(RefreshRecord record) {
    Objects.requireNonNull(record, "record");
    HashedId id = record.id();
    Placement.Subject subject = placement.of(record.principal().subject());
    if (!id.shard().equals(subject.shard())) {
      throw new IllegalArgumentException("the token's shard is not its subject's");
    }
    String familyHash = OpaqueIds.hash(record.familyId());
    String slot = keys.slot(id.shard());
    redis.eval(
        "refresh create",
        CREATE,
        List.of(
            keys.refreshToken(id), slot + "rff:" + familyHash, keys.refreshSubjectIndex(subject)),
        List.of(
            Long.toString(clock.millis()),
            ms(record.familyExpiresAt()),
            familyHash,
            "v", "1",
            "fam", record.familyId(),
            "fk", familyHash,
            "p", PrincipalCodec.encode(record.principal()),
            "i", ms(record.issuedAt()),
            "e", ms(record.expiresAt()),
            "fe", ms(record.familyExpiresAt()),
            "st", "L"));
  }

  @Override
  public Rotation rotate(
      HashedId presented, HashedId successorId, Instant now, Duration lifetime, Duration grace) {
    Objects.requireNonNull(presented, "presented");
    Objects.requireNonNull(successorId, "successorId");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(lifetime, "lifetime");
    Objects.requireNonNull(grace, "grace");
    if (!presented.shard().equals(successorId.shard())) {
      // Another subject's shard: the presented token cannot be this successor's predecessor.
      return new Rotation.Invalid();
    }
    List<?> out =
        (List<?>)
            redis.eval(
                "refresh rotate",
                ROTATE,
                List.of(keys.refreshToken(presented), keys.refreshToken(successorId)),
                List.of(
                    ms(now),
                    RedisCalls.millis(lifetime),
                    RedisCalls.millis(grace),
                    keys.slot(presented.shard()),
                    successorId.hash()));
    String kind = RedisCalls.str(out.get(0));
    if (kind.equals("R")) {
      Optional<Principal> principal = PrincipalCodec.decode(RedisCalls.str(out.get(3)));
      if (principal.isEmpty()) {
        return new Rotation.Invalid();
      }
      return new Rotation.Rotated(
          new RefreshRecord(
              successorId,
              RedisCalls.str(out.get(2)),
              principal.get(),
              now,
              Instant.ofEpochMilli(RedisCalls.num(out.get(1))),
              Instant.ofEpochMilli(RedisCalls.num(out.get(4)))));
    }
    if (kind.equals("U")) {
      return new Rotation.Reused(
          PrincipalCodec.decode(RedisCalls.str(out.get(1))).map(Principal::subject).orElse(null));
    }
    return new Rotation.Invalid();
  }

  @Override
  public boolean revokeFamily(HashedId id) {
    Objects.requireNonNull(id, "id");
    Object reply =
        redis.eval(
            "refresh revoke family",
            REVOKE_FAMILY,
            List.of(keys.refreshToken(id)),
            List.of(Long.toString(clock.millis()), keys.slot(id.shard())));
    return RedisCalls.num(reply) == 1;
  }

  @Override
  public int revokeSubject(String subject) {
    Objects.requireNonNull(subject, "subject");
    Placement.Subject place = placement.of(subject);
    Object reply =
        redis.eval(
            "refresh revoke subject",
            REVOKE_SUBJECT,
            List.of(keys.refreshSubjectIndex(place)),
            List.of(Long.toString(clock.millis()), keys.slot(place.shard())));
    return (int) RedisCalls.num(reply);
  }

  private static String ms(Instant t) {
    return Long.toString(t.toEpochMilli());
  }
}
