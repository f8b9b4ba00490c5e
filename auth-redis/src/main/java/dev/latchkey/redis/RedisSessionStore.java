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
 * Placement}): a session id's tag names no one. A check is one plain {@code HGETALL} (see {@link
 * #read}); every other operation is one Lua script, one round trip (a login or subject-wide
 * operation may first read the placement key, see there); every key expires by itself. Thread-safe.
 */
final class RedisSessionStore implements SessionStore {
  private static final Script<List<?>> CREATE = Script.load("session-create", 3, Script::list);
  private static final Script<Object> RENEW = Script.load("session-renew", 2, Script::raw);
  private static final Script<Long> SET_ATTRIBUTE =
      Script.load("session-set-attribute", 1, RedisCalls::num);
  private static final Script<Long> CHANGE_ID =
      Script.load("session-change-id", 3, RedisCalls::num);
  private static final Script<Long> DELETE = Script.load("session-delete", 2, RedisCalls::num);
  private static final Script<List<?>> LIST = Script.load("session-list", 2, Script::list);
  private static final Script<Long> DELETE_ALL =
      Script.load("session-delete-all", 2, RedisCalls::num);

  private final RedisCalls redis;
  private final Keys keys;
  private final Placement placement;

  /** Null when the near cache is off. */
  private final SessionNearCache near;

  RedisSessionStore(RedisCalls redis, Keys keys, Placement placement) {
    this(redis, keys, placement, null);
  }

  RedisSessionStore(RedisCalls redis, Keys keys, Placement placement, SessionNearCache near) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.placement = Objects.requireNonNull(placement, "placement");
    this.near = near;
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
    args.add(id.hash());
    args.add(ms(session.retainUntil()));
    args.addAll(encode(session, subject.hash()));
    List<?> out =
        CREATE.call(
            redis,
            "session create",
            List.of(keys.session(id), keys.sessionIndex(subject), keys.sessionPrefix(id.shard())),
            args);
    boolean created = RedisCalls.num(out.get(0)) == 1;
    List<HashedId> ended = new ArrayList<>();
    for (int i = 1; i < out.size(); i++) {
      ended.add(new HashedId(id.shard(), RedisCalls.str(out.get(i))));
    }
    return new CreateResult(created, ended);
  }

  /**
   * One plain {@code HGETALL} of the session's hash; the renewal is decided here, from what it
   * read, with the same rule as every store ({@link SessionTouch#renews}). Only when a renewal is
   * due (at most once per renewal interval of a session, or when another node's renewal has not
   * landed yet) does a second round trip run {@code session-renew}, which checks existence,
   * liveness and the renewal threshold again atomically: a session ended, rotated away or renewed
   * by another node between the two is not written back. A plain read rather than a script because
   * a script costs Redis more than the commands it would save: moving the hash into Lua and back
   * costs several times the {@code HGETALL} itself, and most checks do not renew. A hash rather
   * than one compact string because attribute writers change one field each and must not overwrite
   * each other.
   *
   * <p>With the near cache ({@link SessionNearCache}) a current cached record replaces the {@code
   * HGETALL}; a due renewal still runs the script, then drops the entry.
   */
  @Override
  public Optional<SessionRecord> read(HashedId id, SessionTouch touch) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(touch, "touch");
    String key = keys.session(id);
    SessionRecord cached = near == null ? null : near.get(key);
    if (cached != null) {
      return checked(Optional.of(cached), touch);
    }
    long epoch = near == null ? 0 : near.epoch();
    Map<String, String> fields = redis.call("session read", j -> j.hgetAll(key));
    if (fields == null || fields.isEmpty()) {
      return Optional.empty();
    }
    Optional<SessionRecord> read = decode(id, fields);
    if (near != null && read.isPresent()) {
      near.put(key, read.get(), epoch);
    }
    return checked(read, touch);
  }

  /** {@code read} as a check at the touch's time answers it: absent past retainUntil, renewed. */
  private Optional<SessionRecord> checked(Optional<SessionRecord> read, SessionTouch touch) {
    if (read.isEmpty() || !touch.now().isBefore(read.get().retainUntil())) {
      // Past its notice by this node's clock (Redis's expiry may lag by the clocks' skew).
      return Optional.empty();
    }
    return touch.renews(read.get()) ? renew(read.get(), touch) : read;
  }

  /**
   * The second step of {@link #read}: runs {@code session-renew} for a record a plain read found
   * due for renewal. Empty when the session is gone by then (ended, rotated away, past its notice);
   * otherwise {@code record} with the times as stored afterwards (its own renewal's, or a
   * concurrent one's that made this one not due).
   */
  Optional<SessionRecord> renew(SessionRecord record, SessionTouch touch) {
    HashedId id = record.id();
    Object reply =
        RENEW.call(
            redis,
            "session renew",
            List.of(keys.session(id), keys.sessionIndexPrefix(id.shard())),
            renewArgs(touch.inMillis(), id.hash()));
    forget(id);
    if (!(reply instanceof List<?> times) || times.size() != 3) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new SessionRecord(
              id,
              record.principal(),
              record.createdAt(),
              Instant.ofEpochMilli(RedisCalls.num(times.get(0))),
              Instant.ofEpochMilli(RedisCalls.num(times.get(1))),
              record.absoluteExpiresAt(),
              Instant.ofEpochMilli(RedisCalls.num(times.get(2))),
              record.attributes()));
    } catch (RuntimeException e) {
      // Times that break SessionRecord's rules: answered as absent, as decode does.
      return Optional.empty();
    }
  }

  /**
   * session-renew's arguments: the touch's thresholds and values ({@link SessionTouch#inMillis}),
   * and the TTL that keeps the session until the renewed retainUntil.
   */
  private static List<String> renewArgs(SessionTouch.Millis touch, String hash) {
    // Never negative: retainUntil is never before now; 0 tells the script the session ends at once.
    long ttl = Math.max(0, Math.min(touch.idleRetainUntil() - touch.now(), Script.MAX_TTL_MILLIS));
    return List.of(
        Long.toString(touch.now()),
        Long.toString(touch.renewIfLastSeenAtOrBefore()),
        hash,
        Long.toString(touch.idleExpiresAt()),
        Long.toString(touch.idleRetainUntil()),
        Long.toString(ttl),
        Long.toString(touch.expiredNotice()));
  }

  @Override
  public boolean setAttribute(HashedId id, String name, String value, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(now, "now");
    long reply =
        SET_ATTRIBUTE.call(
            redis,
            "session set attribute",
            List.of(keys.session(id)),
            List.of(ms(now), "x:" + name, value == null ? "0" : "1", value == null ? "" : value));
    forget(id);
    return reply == 1;
  }

  @Override
  public boolean changeId(HashedId from, HashedId to, Instant now) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(now, "now");
    if (!from.shard().equals(to.shard())) {
      throw new IllegalArgumentException("both ids of a session must have the same shard");
    }
    long reply =
        CHANGE_ID.call(
            redis,
            "session change id",
            List.of(keys.session(from), keys.session(to), keys.sessionIndexPrefix(from.shard())),
            List.of(ms(now), from.hash(), to.hash()));
    forget(from);
    return reply == 1;
  }

  @Override
  public boolean delete(HashedId id) {
    Objects.requireNonNull(id, "id");
    long reply =
        DELETE.call(
            redis,
            "session delete",
            List.of(keys.session(id), keys.sessionIndexPrefix(id.shard())),
            List.of(id.hash()));
    forget(id);
    return reply > 0;
  }

  @Override
  public List<SessionRecord> listBySubject(String subject, Instant now) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(now, "now");
    Placement.Subject place = placement.of(subject);
    String shard = place.shard();
    List<?> out =
        LIST.call(
            redis,
            "session list",
            List.of(keys.sessionIndex(place), keys.sessionPrefix(shard)),
            List.of(ms(now)));
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
    long deleted =
        DELETE_ALL.call(
            redis,
            "session delete by subject",
            List.of(keys.sessionIndex(place), keys.sessionPrefix(place.shard())),
            List.of());
    if (near != null) {
      // The ids are not known here; Redis names them too, this only makes this node refuse at once.
      near.invalidateAll();
    }
    return (int) deleted;
  }

  /** Drops {@code id} from the near cache after this node wrote it (Redis will say so too). */
  private void forget(HashedId id) {
    if (near != null) {
      near.invalidate(keys.session(id));
    }
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
    Map<String, String> fields = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      fields.put(RedisCalls.str(flat.get(i)), RedisCalls.str(flat.get(i + 1)));
    }
    return decode(id, fields);
  }

  /** The record in an HGETALL reply, or empty when it is not one this version can read. */
  static Optional<SessionRecord> decode(HashedId id, Map<String, String> fields) {
    try {
      Map<String, String> m = new HashMap<>();
      Map<String, String> attributes = new HashMap<>();
      fields.forEach(
          (k, v) -> {
            if (k.startsWith("x:")) {
              attributes.put(k.substring(2), v);
            } else {
              m.put(k, v);
            }
          });
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
