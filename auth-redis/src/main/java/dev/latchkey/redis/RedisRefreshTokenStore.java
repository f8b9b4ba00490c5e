package dev.latchkey.redis;

import dev.latchkey.core.Principal;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.RefreshRecord;
import dev.latchkey.core.spi.RefreshTokenStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A {@link RefreshTokenStore} on Redis.
 *
 * <p><b>Layout.</b> Everything of one shard (one subject, bar shard collisions) is one hash {@code
 * <prefix>{<shard>}:rf}, the shard and the subject hash keyed by {@link Placement} (a token's tag
 * names no one), so every script names its only key in {@code KEYS} and a Cluster keeps it in one
 * slot: field {@code t:<token hash>} names the family of each remembered token (the live one and
 * the last {@value RefreshTokenStore#REMEMBERED_CONSUMED} consumed or replaced ones); {@code
 * f:<family hash>} holds a family's state as JSON (principal, end, live token and its expiry,
 * remembered tokens, grace and rate-window state); {@code s:<subject hash>} lists the subject's
 * families, oldest first. A family is a fixed number of fields however often it rotates, and a
 * subject at most {@link Policy#familiesPerSubject()} families. Redis expires the hash ({@code
 * PEXPIREAT}) at the end of the shard's last family; a family that reached its end earlier is
 * dropped by the next script that meets it (a presentation, or the subject's next login).
 *
 * <p><b>Time.</b> Every script reads the server's {@code TIME}: one clock decides issue, expiry,
 * grace and the rate window for every node, whatever the nodes' clocks say. Each operation is one
 * script, one round trip. Thread-safe.
 */
final class RedisRefreshTokenStore implements RefreshTokenStore {

  /** Lua shared by the scripts below: the store's clock and forgetting a family. */
  private static final String COMMON =
      """
      -- The store's one clock: the server's TIME (ARGV[1] is 0 but in this package's tests).
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
      local key = KEYS[1]
      local function load(fk)
        local raw = redis.call('HGET', key, 'f:' .. fk)
        if raw then return cjson.decode(raw) end
        return nil
      end
      local function save(fk, f) redis.call('HSET', key, 'f:' .. fk, cjson.encode(f)) end
      local function unlist(sub, fk)
        local raw = redis.call('HGET', key, 's:' .. sub)
        if not raw then return end
        local kept = {}
        for _, k in ipairs(cjson.decode(raw)) do if k ~= fk then kept[#kept + 1] = k end end
        if #kept == 0 then redis.call('HDEL', key, 's:' .. sub)
        else redis.call('HSET', key, 's:' .. sub, cjson.encode(kept)) end
      end
      -- Drops every field of a family; its tokens become unknown.
      local function forget(fk, f)
        redis.call('HDEL', key, 'f:' .. fk, 't:' .. f.cur)
        for _, h in ipairs(f.c) do redis.call('HDEL', key, 't:' .. h) end
      end
      -- Refuses a live family from now on; its consumed tokens stay known, as reuse.
      local function finish(fk, f)
        if f.st == 'L' then
          f.st = 'E'
          redis.call('HDEL', key, 't:' .. f.cur)
          save(fk, f)
          return true
        end
        return false
      end
      """;

  private static final RedisCalls.Script CREATE =
      Lua.script(
          COMMON
              + """
              local tok, fk, fam, sub = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
              local life, flife, cap = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
              if redis.call('HEXISTS', key, 't:' .. tok) == 1
                  or redis.call('HEXISTS', key, 'f:' .. fk) == 1 then
                return {'D'}
              end
              -- The subject's own families make room (expired, then ended, then oldest).
              local kept = {}
              local raw = redis.call('HGET', key, 's:' .. sub)
              for _, k in ipairs(raw and cjson.decode(raw) or {}) do
                local f = load(k)
                if f and tonumber(f.fe) <= now then forget(k, f)
                elseif f then kept[#kept + 1] = {k, f} end
              end
              while #kept >= cap do
                local at = 1
                for i, kf in ipairs(kept) do if kf[2].st ~= 'L' then at = i break end end
                forget(kept[at][1], kept[at][2])
                table.remove(kept, at)
              end
              local list = {}
              for _, kf in ipairs(kept) do list[#list + 1] = kf[1] end
              list[#list + 1] = fk
              redis.call('HSET', key, 's:' .. sub, cjson.encode(list))
              local fe = now + flife
              local e = math.min(now + life, fe)
              save(fk, {fam = fam, sub = sub, p = ARGV[6], fe = ms(fe), st = 'L', cur = tok,
                e = ms(e), c = {}, rt = '0', wc = '0'})
              redis.call('HSET', key, 't:' .. tok, fk)
              -- Redis forgets the hash at its last family's end (in server time).
              local last = tonumber(redis.call('HGET', key, 'x') or '0')
              if fe > last then
                redis.call('HSET', key, 'x', ms(fe))
                redis.call('PEXPIREAT', key, ms(fe - tonumber(ARGV[1])))
              end
              return {'C', ms(now), ms(e), ms(fe)}
              """);

  private static final RedisCalls.Script ROTATE =
      Lua.script(
          COMMON
              + """
              local p, succ = ARGV[2], ARGV[3]
              local life, grace = tonumber(ARGV[4]), tonumber(ARGV[5])
              local limit, window = tonumber(ARGV[6]), tonumber(ARGV[7])
              local fk = redis.call('HGET', key, 't:' .. p)
              if not fk then return {'I'} end
              local f = load(fk)
              if not f then
                redis.call('HDEL', key, 't:' .. p)
                return {'I'}
              end
              local fe = tonumber(f.fe)
              if fe <= now then
                forget(fk, f)
                unlist(f.sub, fk)
                return {'I'}
              end
              local function remember(h)
                table.insert(f.c, 1, h)
                if #f.c > @KEEP@ then
                  -- Older consumed tokens become unknown: presenting one rotates nothing.
                  redis.call('HDEL', key, 't:' .. table.remove(f.c))
                end
              end
              local function rotate(retry)
                if redis.call('HEXISTS', key, 't:' .. succ) == 1 then return {'D'} end
                local ws = tonumber(f.ws)
                if not ws or now >= ws + window then
                  ws = now
                  f.ws = ms(now)
                  f.wc = '0'
                end
                if tonumber(f.wc) >= limit then return {'L', ms(ws + window)} end
                f.wc = tostring(tonumber(f.wc) + 1)
                if retry then
                  -- The first use's successor was never used: replaced, it is reuse from now on.
                  remember(f.cur)
                  f.rt = '1'
                else
                  remember(p)
                  f.prev = p
                  f.ct = ms(now)
                  f.rt = '0'
                end
                local e = math.min(now + life, fe)
                f.cur = succ
                f.e = ms(e)
                save(fk, f)
                redis.call('HSET', key, 't:' .. succ, fk)
                return {'R', ms(now), ms(e), f.fam, f.p, f.fe}
              end
              if p == f.cur then
                if f.st ~= 'L' or tonumber(f.e) <= now then return {'I'} end
                return rotate(false)
              end
              if f.st == 'L' and f.rt ~= '1' and p == f.prev and grace > 0
                  and now < tonumber(f.ct) + grace then
                return rotate(true)
              end
              finish(fk, f)
              return {'U', f.p, f.fam}
              """
                  .replace("@KEEP@", Integer.toString(REMEMBERED_CONSUMED)));

  private static final RedisCalls.Script REVOKE_FAMILY =
      Lua.script(
          COMMON
              + """
              local fk = ARGV[3]
              if ARGV[2] ~= '' then fk = redis.call('HGET', key, 't:' .. ARGV[2]) end
              if not fk then return {} end
              local f = load(fk)
              if not f or tonumber(f.fe) <= now then return {} end
              if ARGV[4] ~= '' and f.sub ~= ARGV[4] then return {} end
              -- Whom it was and which family, so the caller can refuse its access tokens too.
              if finish(fk, f) then return {f.p, f.fam} end
              return {}
              """);

  private static final RedisCalls.Script REVOKE_SUBJECT =
      Lua.script(
          COMMON
              + """
              local raw = redis.call('HGET', key, 's:' .. ARGV[2])
              local ended = {}
              for _, k in ipairs(raw and cjson.decode(raw) or {}) do
                local f = load(k)
                if f and tonumber(f.fe) > now and finish(k, f) then ended[#ended + 1] = f.fam end
              end
              return ended
              """);

  /** The production shift of the server's time: none. */
  static final LongSupplier SERVER_TIME = () -> 0L;

  private final RedisCalls redis;
  private final Keys keys;
  private final Placement placement;
  private final LongSupplier shiftMillis;

  /**
   * A store on the server's time plus {@code shiftMillis}: {@link #SERVER_TIME} in production. Only
   * tests of this package pass another shift, to move the server's notion of time forward (expiry,
   * grace) as a test clock moves; it is added inside the scripts, so the server's clock still
   * decides, and every node of a test shares it.
   */
  RedisRefreshTokenStore(
      RedisCalls redis, Keys keys, Placement placement, LongSupplier shiftMillis) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.placement = Objects.requireNonNull(placement, "placement");
    this.shiftMillis = Objects.requireNonNull(shiftMillis, "shiftMillis");
  }

  /** The subject's keyed tag ({@link Placement}): the same on every node sharing this Redis. */
  @Override
  public String shardFor(String subject) {
    return placement.shardOf(subject);
  }

  @Override
  public RefreshRecord create(HashedId id, String familyId, Principal principal, Policy policy) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(familyId, "familyId");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(policy, "policy");
    Placement.Subject place = placement.of(principal.subject());
    if (!id.shard().equals(place.shard())) {
      throw new IllegalArgumentException("the token's shard is not its subject's");
    }
    List<?> out =
        (List<?>)
            redis.eval(
                "refresh create",
                CREATE,
                List.of(keys.refreshFamilies(id.shard())),
                List.of(
                    shift(),
                    id.hash(),
                    OpaqueIds.hash(familyId),
                    familyId,
                    place.hash(),
                    PrincipalCodec.encode(principal),
                    RedisCalls.millis(policy.tokenLifetime()),
                    RedisCalls.millis(policy.familyLifetime()),
                    Integer.toString(policy.familiesPerSubject())));
    if (RedisCalls.str(out.get(0)).equals("D")) {
      throw new IllegalArgumentException("refresh token or family already stored");
    }
    return new RefreshRecord(
        id, familyId, principal, instant(out.get(1)), instant(out.get(2)), instant(out.get(3)));
  }

  @Override
  public Rotation rotate(HashedId presented, HashedId successorId, Policy policy) {
    Objects.requireNonNull(presented, "presented");
    Objects.requireNonNull(successorId, "successorId");
    Objects.requireNonNull(policy, "policy");
    if (!presented.shard().equals(successorId.shard())) {
      // Another subject's shard: the presented token cannot be this successor's predecessor.
      return new Rotation.Invalid();
    }
    List<?> out =
        (List<?>)
            redis.eval(
                "refresh rotate",
                ROTATE,
                List.of(keys.refreshFamilies(presented.shard())),
                List.of(
                    shift(),
                    presented.hash(),
                    successorId.hash(),
                    RedisCalls.millis(policy.tokenLifetime()),
                    RedisCalls.millis(policy.grace()),
                    Integer.toString(policy.rotationsPerWindow()),
                    RedisCalls.millis(policy.rotationWindow())));
    switch (RedisCalls.str(out.get(0))) {
      case "R" -> {
        Optional<Principal> principal = PrincipalCodec.decode(RedisCalls.str(out.get(4)));
        if (principal.isEmpty()) {
          return new Rotation.Invalid();
        }
        return new Rotation.Rotated(
            new RefreshRecord(
                successorId,
                RedisCalls.str(out.get(3)),
                principal.get(),
                instant(out.get(1)),
                instant(out.get(2)),
                instant(out.get(5))));
      }
      case "U" -> {
        Optional<Principal> principal = PrincipalCodec.decode(RedisCalls.str(out.get(1)));
        // The family is ended either way; an unreadable principal leaves no subject to report.
        return principal
            .<Rotation>map(p -> new Rotation.Reused(p.subject(), RedisCalls.str(out.get(2))))
            .orElseGet(Rotation.Invalid::new);
      }
      case "L" -> {
        return new Rotation.Limited(instant(out.get(1)));
      }
      case "D" -> throw new IllegalArgumentException("successor id already stored");
      default -> {
        return new Rotation.Invalid();
      }
    }
  }

  @Override
  public Optional<EndedFamily> revokeFamily(HashedId id) {
    Objects.requireNonNull(id, "id");
    List<?> out = revoke(id.shard(), id.hash(), "", "");
    if (out.isEmpty()) {
      return Optional.empty();
    }
    // The family is ended either way; an unreadable principal leaves no subject to report.
    String familyId = RedisCalls.str(out.get(1));
    return PrincipalCodec.decode(RedisCalls.str(out.get(0)))
        .map(p -> new EndedFamily(p.subject(), familyId));
  }

  @Override
  public boolean revokeFamilyById(String subject, String familyId) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(familyId, "familyId");
    Placement.Subject place = placement.of(subject);
    return !revoke(place.shard(), "", OpaqueIds.hash(familyId), place.hash()).isEmpty();
  }

  /**
   * Ends a family found by a token's hash, or by its own hash when it is the subject's.
   *
   * @return the ended family's encoded principal and id; empty when this call ended none
   */
  private List<?> revoke(String shard, String tokenHash, String familyHash, String subjectHash) {
    return (List<?>)
        redis.eval(
            "refresh revoke family",
            REVOKE_FAMILY,
            List.of(keys.refreshFamilies(shard)),
            List.of(shift(), tokenHash, familyHash, subjectHash));
  }

  @Override
  public List<String> revokeSubject(String subject) {
    Objects.requireNonNull(subject, "subject");
    Placement.Subject place = placement.of(subject);
    List<?> out =
        (List<?>)
            redis.eval(
                "refresh revoke subject",
                REVOKE_SUBJECT,
                List.of(keys.refreshFamilies(place.shard())),
                List.of(shift(), place.hash()));
    List<String> ended = new ArrayList<>();
    for (Object familyId : out) {
      ended.add(RedisCalls.str(familyId));
    }
    return List.copyOf(ended);
  }

  private String shift() {
    return Long.toString(shiftMillis.getAsLong());
  }

  private static Instant instant(Object millis) {
    return Instant.ofEpochMilli(RedisCalls.num(millis));
  }
}
