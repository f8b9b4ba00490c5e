package dev.latchkey.redis;

import dev.latchkey.core.Principal;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionTouch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SessionStore} on Redis. Each session is a hash at {@code <prefix>{<shard>}:s:<hash>}
 * (fields {@code v} version, {@code p} principal JSON, {@code c l e a r} createdAt, lastSeenAt,
 * expiresAt, absoluteExpiresAt, retainUntil in epoch ms, {@code sub} subject, {@code u} subject
 * hash, {@code x:<name>} one field per attribute so that writers of different attributes do not
 * overwrite each other). A subject's sessions are indexed in a sorted set {@code
 * <prefix>{<shard>}:u:<subject hash>} scored by retainUntil, pruned inside every script that reads
 * it, so it holds exactly what the store holds. The shard and the subject hash are keyed ({@link
 * Placement}): a session id's tag names no one. Every operation is one Lua script, one round trip
 * (a login or subject-wide operation may first read the placement key, see there); every key
 * expires by itself. Thread-safe.
 */
final class RedisSessionStore implements SessionStore {
  private static final RedisCalls.Script CREATE =
      Lua.script(
          """
          local now = tonumber(ARGV[1])
          local max = tonumber(ARGV[2])
          local idx = KEYS[2]
          redis.call('ZREMRANGEBYSCORE', idx, '-inf', ARGV[1])
          local live = {}
          for _, m in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
            if m ~= ARGV[5] then
              local v = redis.call('HMGET', ARGV[4] .. m, 'e', 'c')
              if not v[1] then
                redis.call('ZREM', idx, m)
              elseif (tonumber(v[1]) or 0) > now then
                live[#live + 1] = {m, tonumber(v[2]) or 0}
              end
            end
          end
          local out = {1}
          if #live >= max then
            if ARGV[3] == 'REFUSE_NEW' then return {0} end
            table.sort(live, function(x, y)
              if x[2] ~= y[2] then return x[2] < y[2] end
              return x[1] < y[1]
            end)
            local i = 1
            while #live - i + 1 >= max do
              redis.call('DEL', ARGV[4] .. live[i][1])
              redis.call('ZREM', idx, live[i][1])
              out[#out + 1] = live[i][1]
              i = i + 1
            end
          end
          local r = tonumber(ARGV[6])
          redis.call('DEL', KEYS[1])
          redis.call('HSET', KEYS[1], unpack(ARGV, 7))
          keepuntil(KEYS[1], r, now)
          redis.call('ZADD', idx, ARGV[6], ARGV[5])
          keepindex(idx, now)
          return out
          """);

  /**
   * Read and, when due, renew. KEYS: the session. ARGV: now, minInterval, expiredNotice (ms), the
   * index key prefix, the session's hash, then the renewal as the caller computed it for when the
   * idle timeout decides: expiresAt, retainUntil and the TTL of retainUntil (ms; 0 when already
   * past). Replies the session's fields as HGETALL would after the renewal, or false.
   *
   * <p>Trimmed by measurement (instructions inside redis-server per renewing read, callgrind): the
   * fields are found by one scan of the reply instead of a Lua table of it, the reply is the first
   * HGETALL with the renewed fields put in place instead of a second HGETALL, the numbers written
   * come ready from Java in the usual case (string.format costs as much as a Redis command here),
   * and the index's TTL is set by keepindex's ZCOUNT shortcut.
   */
  private static final RedisCalls.Script READ =
      Lua.script(
          """
          local h = redis.call('HGETALL', KEYS[1])
          if #h == 0 then return false end
          local il, ie, ir, ia, u
          for i = 1, #h, 2 do
            local k = h[i]
            if k == 'l' then il = i + 1
            elseif k == 'e' then ie = i + 1
            elseif k == 'r' then ir = i + 1
            elseif k == 'a' then ia = i + 1
            elseif k == 'u' then u = h[i + 1]
            end
          end
          local now = tonumber(ARGV[1])
          local l, e, r, a = tonumber(h[il]), tonumber(h[ie]), tonumber(h[ir]), tonumber(h[ia])
          -- Unreadable: hand it back as it is, the Java side answers it as absent.
          if not (r and e and l and a) then return h end
          if r <= now then return false end
          if e > now and now - l >= tonumber(ARGV[2]) then
            local es, rs, t = ARGV[6], ARGV[7], ARGV[8]
            if tonumber(es) > a then
              -- The absolute timeout decides: expiresAt is the stored one.
              r = a + tonumber(ARGV[3])
              es, rs = h[ia], ms(r)
              t = r > now and ttl(r - now) or '0'
            end
            redis.call('HSET', KEYS[1], 'l', ARGV[1], 'e', es, 'r', rs)
            if t == '0' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], t) end
            if u then
              local idx = ARGV[4] .. u
              redis.call('ZADD', idx, rs, ARGV[5])
              keepindex(idx, now, rs, t)
            end
            if t == '0' then return false end
            h[il], h[ie], h[ir] = ARGV[1], es, rs
          end
          return h
          """);

  private static final RedisCalls.Script SET_ATTRIBUTE =
      Lua.script(
          """
          local e = tonumber(redis.call('HGET', KEYS[1], 'e'))
          if not e or e <= tonumber(ARGV[1]) then return 0 end
          if ARGV[3] == '1' then
            redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
          else
            redis.call('HDEL', KEYS[1], ARGV[2])
          end
          return 1
          """);

  private static final RedisCalls.Script CHANGE_ID =
      Lua.script(
          """
          local h = redis.call('HGETALL', KEYS[1])
          if #h == 0 then return 0 end
          local m = tomap(h)
          local now = tonumber(ARGV[1])
          local e, r = tonumber(m['e']), tonumber(m['r'])
          if not e or not r or e <= now then return 0 end
          if KEYS[1] == KEYS[2] then return 1 end
          redis.call('DEL', KEYS[2])
          redis.call('HSET', KEYS[2], unpack(h))
          keepuntil(KEYS[2], r, now)
          redis.call('DEL', KEYS[1])
          if m['u'] then
            local idx = ARGV[2] .. m['u']
            redis.call('ZREM', idx, ARGV[3])
            redis.call('ZADD', idx, m['r'], ARGV[4])
            keepindex(idx, now)
          end
          return 1
          """);

  private static final RedisCalls.Script DELETE =
      Lua.script(
          """
          local u = redis.call('HGET', KEYS[1], 'u')
          local n = redis.call('DEL', KEYS[1])
          if u then redis.call('ZREM', ARGV[1] .. u, ARGV[2]) end
          return n
          """);

  private static final RedisCalls.Script LIST =
      Lua.script(
          """
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
          local out = {}
          for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
            local h = redis.call('HGETALL', ARGV[2] .. m)
            if #h == 0 then
              redis.call('ZREM', KEYS[1], m)
            else
              out[#out + 1] = m
              out[#out + 1] = h
            end
          end
          return out
          """);

  private static final RedisCalls.Script DELETE_ALL =
      Lua.script(
          """
          local n = 0
          for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
            n = n + redis.call('DEL', ARGV[1] .. m)
          end
          redis.call('DEL', KEYS[1])
          return n
          """);

  private final RedisCalls redis;
  private final Keys keys;
  private final Placement placement;

  RedisSessionStore(RedisCalls redis, Keys keys, Placement placement) {
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
  public CreateResult create(SessionRecord session, int maxPerSubject, CapPolicy policy) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(policy, "policy");
    if (maxPerSubject < 1) {
      throw new IllegalArgumentException("maxPerSubject must be at least 1: " + maxPerSubject);
    }
    HashedId id = session.id();
    Placement.Subject subject = placement.of(session.principal().subject());
    if (!id.shard().equals(subject.shard())) {
      // Elsewhere than its index: neither the cap nor "log out everywhere" would see it.
      throw new IllegalArgumentException("the session id's shard is not its subject's");
    }
    List<String> args = new ArrayList<>();
    args.add(ms(session.createdAt()));
    args.add(Integer.toString(maxPerSubject));
    args.add(policy.name());
    args.add(keys.sessionPrefix(id.shard()));
    args.add(id.hash());
    args.add(ms(session.retainUntil()));
    args.addAll(encode(session, subject.hash()));
    Object reply =
        redis.eval(
            "session create", CREATE, List.of(keys.session(id), keys.sessionIndex(subject)), args);
    List<?> out = (List<?>) reply;
    boolean created = RedisCalls.num(out.get(0)) == 1;
    List<HashedId> ended = new ArrayList<>();
    for (int i = 1; i < out.size(); i++) {
      ended.add(new HashedId(id.shard(), RedisCalls.str(out.get(i))));
    }
    return new CreateResult(created, ended);
  }

  @Override
  public Optional<SessionRecord> read(HashedId id, SessionTouch touch) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(touch, "touch");
    Object reply =
        redis.eval(
            "session read",
            READ,
            List.of(keys.session(id)),
            readArgs(touch, keys.sessionIndexPrefix(id.shard()), id.hash()));
    if (!(reply instanceof List<?> fields)) {
      return Optional.empty();
    }
    return decode(id, fields);
  }

  /**
   * READ's arguments. The renewal is computed here as {@link SessionTouch#apply} does when the idle
   * timeout decides, in saturating arithmetic: huge durations mean "never".
   */
  private static List<String> readArgs(SessionTouch touch, String indexPrefix, String hash) {
    long now = touch.now().toEpochMilli();
    long notice = RedisCalls.saturatedMillis(touch.expiredNotice());
    long expires = saturatedAdd(now, RedisCalls.saturatedMillis(touch.idleTimeout()));
    long retain = saturatedAdd(expires, notice);
    // Never negative: both durations are; 0 tells the script the session ends at once.
    long ttl = Math.min(saturatedAdd(retain, -now), Lua.MAX_TTL_MILLIS);
    return List.of(
        Long.toString(now),
        Long.toString(RedisCalls.saturatedMillis(touch.minInterval())),
        Long.toString(notice),
        indexPrefix,
        hash,
        Long.toString(expires),
        Long.toString(retain),
        Long.toString(ttl));
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Overflow only when both have the same sign and the sum's sign differs.
    return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
  }

  @Override
  public boolean setAttribute(HashedId id, String name, String value, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(now, "now");
    Object reply =
        redis.eval(
            "session set attribute",
            SET_ATTRIBUTE,
            List.of(keys.session(id)),
            List.of(ms(now), "x:" + name, value == null ? "0" : "1", value == null ? "" : value));
    return RedisCalls.num(reply) == 1;
  }

  @Override
  public boolean changeId(HashedId from, HashedId to, Instant now) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(now, "now");
    if (!from.shard().equals(to.shard())) {
      throw new IllegalArgumentException("both ids of a session must have the same shard");
    }
    Object reply =
        redis.eval(
            "session change id",
            CHANGE_ID,
            List.of(keys.session(from), keys.session(to)),
            List.of(ms(now), keys.sessionIndexPrefix(from.shard()), from.hash(), to.hash()));
    return RedisCalls.num(reply) == 1;
  }

  @Override
  public boolean delete(HashedId id) {
    Objects.requireNonNull(id, "id");
    Object reply =
        redis.eval(
            "session delete",
            DELETE,
            List.of(keys.session(id)),
            List.of(keys.sessionIndexPrefix(id.shard()), id.hash()));
    return RedisCalls.num(reply) > 0;
  }

  @Override
  public List<SessionRecord> listBySubject(String subject, Instant now) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(now, "now");
    Placement.Subject place = placement.of(subject);
    String shard = place.shard();
    Object reply =
        redis.eval(
            "session list",
            LIST,
            List.of(keys.sessionIndex(place)),
            List.of(ms(now), keys.sessionPrefix(shard)));
    List<?> out = (List<?>) reply;
    List<SessionRecord> records = new ArrayList<>();
    for (int i = 0; i + 1 < out.size(); i += 2) {
      HashedId id = new HashedId(shard, RedisCalls.str(out.get(i)));
      decode(id, (List<?>) out.get(i + 1))
          .filter(r -> r.isLiveAt(now) && r.principal().subject().equals(subject))
          .ifPresent(records::add);
    }
    records.sort(Comparator.comparing(SessionRecord::createdAt).thenComparing(r -> r.id().hash()));
    return List.copyOf(records);
  }

  @Override
  public int deleteBySubject(String subject) {
    Objects.requireNonNull(subject, "subject");
    Placement.Subject place = placement.of(subject);
    Object reply =
        redis.eval(
            "session delete by subject",
            DELETE_ALL,
            List.of(keys.sessionIndex(place)),
            List.of(keys.sessionPrefix(place.shard())));
    return (int) RedisCalls.num(reply);
  }

  static String ms(Instant t) {
    return Long.toString(t.toEpochMilli());
  }

  private static List<String> encode(SessionRecord s, String subjectHash) {
    List<String> f = new ArrayList<>();
    add(f, "v", Integer.toString(PrincipalCodec.VERSION));
    add(f, "p", PrincipalCodec.encode(s.principal()));
    add(f, "c", ms(s.createdAt()));
    add(f, "l", ms(s.lastSeenAt()));
    add(f, "e", ms(s.expiresAt()));
    add(f, "a", ms(s.absoluteExpiresAt()));
    add(f, "r", ms(s.retainUntil()));
    add(f, "sub", s.principal().subject());
    add(f, "u", subjectHash);
    s.attributes().forEach((k, v) -> add(f, "x:" + k, v));
    return f;
  }

  private static void add(List<String> f, String name, String value) {
    f.add(name);
    f.add(value);
  }

  /** The record in a flat HGETALL reply, or empty when it is not one this version can read. */
  static Optional<SessionRecord> decode(HashedId id, List<?> flat) {
    try {
      Map<String, String> m = new HashMap<>();
      Map<String, String> attributes = new HashMap<>();
      for (int i = 0; i + 1 < flat.size(); i += 2) {
        String k = RedisCalls.str(flat.get(i));
        String v = RedisCalls.str(flat.get(i + 1));
        if (k.startsWith("x:")) {
          attributes.put(k.substring(2), v);
        } else {
          m.put(k, v);
        }
      }
      if (!Integer.toString(PrincipalCodec.VERSION).equals(m.get("v"))) {
        return Optional.empty();
      }
      Optional<Principal> principal = PrincipalCodec.decode(m.get("p"));
      if (principal.isEmpty() || !principal.get().subject().equals(m.get("sub"))) {
        return Optional.empty();
      }
      return Optional.of(
          new SessionRecord(
              id,
              principal.get(),
              instant(m, "c"),
              instant(m, "l"),
              instant(m, "e"),
              instant(m, "a"),
              instant(m, "r"),
              attributes));
    } catch (RuntimeException e) {
      // A missing or non-numeric field, or times that break SessionRecord's rules.
      return Optional.empty();
    }
  }

  private static Instant instant(Map<String, String> m, String field) {
    return Instant.ofEpochMilli(Long.parseLong(Objects.requireNonNull(m.get(field), field)));
  }
}
