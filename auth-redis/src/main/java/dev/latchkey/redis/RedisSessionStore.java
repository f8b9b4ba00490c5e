package dev.latchkey.redis;

import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionTouch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link SessionStore} on Redis. Each session is one string at {@code <prefix>{<shard>}:s:<hash>}
 * ({@link SessionValue}: a header of its times and subject hash that scripts read, then JSON), and
 * a subject's sessions are indexed in a sorted set {@code <prefix>{<shard>}:u:<subject hash>}
 * scored by the latest retainUntil a session can reach ({@link #indexUntil}), pruned of sessions
 * that are gone by every script that reads it (and by a login that finds it over the cap). A
 * renewal never moves a session's score, so it never writes the index; the index lives as long as
 * its latest score, so a subject's index outlasts its last session by up to the absolute timeout.
 * The shard and the subject hash are keyed ({@link Placement}): a session id's tag names no one. A
 * check is one plain {@code GET}, or the renewing script alone when this node knows a renewal is
 * due (see {@link #read}); a login under its cap is a pipeline of plain commands (see {@link
 * #create}); every other operation is one Lua script, one round trip (a login or subject-wide
 * operation may first read the placement key, see there); every key expires by itself. Needs Redis
 * 7.0 or later ({@code PEXPIRE} with {@code NX} and {@code GT}). Values of another type (sessions
 * of an earlier format) read as absent. Thread-safe.
 */
final class RedisSessionStore implements SessionStore {
  private static final Script<Long> CREATE = Script.load("session-create", 3, RedisCalls::num);
  private static final Script<List<?>> CAP = Script.load("session-cap", 2, Script::list);
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
  private final RenewalHints hints;

  /** Null when the near cache is off. */
  private final SessionNearCache near;

  /**
   * A store sharing {@code hints} (one per node: every store of a node learns from every read) and
   * {@code near}, null when the near cache is off.
   */
  RedisSessionStore(
      RedisCalls redis, Keys keys, Placement placement, RenewalHints hints, SessionNearCache near) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.placement = Objects.requireNonNull(placement, "placement");
    this.hints = Objects.requireNonNull(hints, "hints");
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
    long now = session.createdAt().toEpochMilli();
    long retainUntil = session.retainUntil().toEpochMilli();
    String value = SessionValue.encode(session, subject.hash());
    CreateResult result;
    if (policy == CapPolicy.REFUSE_NEW) {
      result = createWithinCap(session, subject, value, maxPerSubject);
    } else if (retainUntil > now) {
      result = createThenCap(session, subject, value, maxPerSubject);
    } else {
      // Past its notice at its creation: nothing to store, so nothing to make room for.
      result = new CreateResult(true, List.of());
    }
    if (result.created()) {
      hints.saw(id, session.lastSeenAt().toEpochMilli());
    }
    return result;
  }

  /**
   * {@link CapPolicy#END_OLDEST}: the session, its index entry and the index's expiry as plain
   * commands in one pipeline, then, only when the index holds more than the cap, {@code
   * session-cap}, which ends the oldest live sessions beyond it. Plain commands rather than one
   * script because a login then costs Redis less server time than Spring Session's (a script cost
   * about three times that), and the common login is under its cap. Not atomic, and it need not be:
   * the id is returned only once every command has succeeded, so a pipeline or cap script cut short
   * leaves at most a session no one holds the id of, which expires by itself (and holds a place
   * under the cap until then); and the session is written before its index entry, so a "log out
   * everywhere" running in between ends it or finds it indexed afterwards, as a login that followed
   * it. The index's expiry is set if it has none ({@code NX}) and extended if the new session
   * outlives it ({@code GT}): it lives as long as its longest-kept member.
   */
  private CreateResult createThenCap(
      SessionRecord session, Placement.Subject subject, String value, int maxPerSubject) {
    HashedId id = session.id();
    long now = session.createdAt().toEpochMilli();
    long retainUntil = session.retainUntil().toEpochMilli();
    long ttl = Math.min(retainUntil - now, Script.MAX_TTL_MILLIS);
    long indexUntil = indexUntil(session);
    long indexTtl = Math.min(indexUntil - now, Script.MAX_TTL_MILLIS);
    String key = keys.session(id);
    String index = keys.sessionIndex(subject);
    long indexed =
        redis.call(
            "session create",
            j -> {
              try (AbstractPipeline p = j.pipelined()) {
                List<Response<?>> replies = new ArrayList<>();
                replies.add(p.set(key, value, SetParams.setParams().px(ttl)));
                // Exact as a double for any real date (below 2^53 ms); "never" need not be exact.
                replies.add(p.zadd(index, (double) indexUntil, id.hash()));
                replies.add(p.pexpire(index, indexTtl, ExpiryOption.NX));
                replies.add(p.pexpire(index, indexTtl, ExpiryOption.GT));
                Response<Long> card = p.zcard(index);
                p.sync();
                // Every reply read: a command's error surfaces here, and the id is not returned.
                replies.forEach(Response::get);
                return card.get();
              }
            });
    List<HashedId> ended = new ArrayList<>();
    if (indexed > maxPerSubject) {
      for (Object hash :
          CAP.call(
              redis,
              "session create",
              List.of(index, keys.sessionPrefix(id.shard())),
              List.of(Long.toString(now), Integer.toString(maxPerSubject), id.hash()))) {
        ended.add(new HashedId(id.shard(), RedisCalls.str(hash)));
      }
    }
    return new CreateResult(true, ended);
  }

  /**
   * The session's score in its subject's index: the latest retainUntil a renewal can give it, its
   * absoluteExpiresAt plus its notice (retainUntil - expiresAt). Scored so rather than by its
   * retainUntil so that a renewal, which moves retainUntil, need not write the index: a session
   * leaves the index when it is deleted or found gone, and the score only bounds how long a gone
   * one can linger. Saturates at {@link Long#MAX_VALUE} for a session with no absolute end.
   */
  static long indexUntil(SessionRecord session) {
    long notice = session.retainUntil().toEpochMilli() - session.expiresAt().toEpochMilli();
    long absolute = session.absoluteExpiresAt().toEpochMilli();
    long sum = absolute + notice;
    return ((absolute ^ sum) & (notice ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /**
   * {@link CapPolicy#REFUSE_NEW}: one script that decides and writes atomically, since whether the
   * new session may exist depends on what is live.
   */
  private CreateResult createWithinCap(
      SessionRecord session, Placement.Subject subject, String value, int maxPerSubject) {
    HashedId id = session.id();
    long created =
        CREATE.call(
            redis,
            "session create",
            List.of(keys.session(id), keys.sessionIndex(subject), keys.sessionPrefix(id.shard())),
            List.of(
                ms(session.createdAt()),
                Integer.toString(maxPerSubject),
                id.hash(),
                ms(session.retainUntil()),
                Long.toString(indexUntil(session)),
                value));
    return new CreateResult(created == 1, List.of());
  }

  /**
   * One plain {@code GET} of the session's value; the renewal is decided here, from what it read,
   * with the same rule as every store ({@link SessionTouch#renews}). Only when a renewal is due (at
   * most once per renewal interval of a session, or when another node's renewal has not landed yet)
   * does {@code session-renew} run, which reads the session again and renews it only if it still
   * exists, is live and is still due, atomically: a session ended, rotated away or renewed by
   * another node between the two is not written back. A plain read rather than a script because a
   * script costs Redis several times what a {@code GET} costs, and most checks do not renew.
   *
   * <p>When this node's last read of the session ({@link RenewalHints}) already shows a renewal
   * due, the script runs alone and its reply is the check's answer: a renewing check is then one
   * round trip too. A node that has not read the session since its last renewal (the first check of
   * a session on that node in a renewal interval) takes two.
   *
   * <p>With the near cache ({@link SessionNearCache}) a current cached record replaces the {@code
   * GET}; a due renewal still runs the script, then drops the entry.
   */
  @Override
  public Optional<SessionRecord> read(HashedId id, SessionTouch touch) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(touch, "touch");
    String key = keys.session(id);
    SessionRecord cached = near == null ? null : near.get(key);
    if (cached != null) {
      return checked(cached, touch);
    }
    long seen = hints.lastSeenAt(id);
    if (seen != RenewalHints.NONE && seen <= touch.inMillis().renewIfLastSeenAtOrBefore()) {
      return renew(id, touch);
    }
    long epoch = near == null ? 0 : near.epoch();
    Optional<SessionRecord> read = SessionValue.decode(id, get(key, "session read"));
    if (read.isEmpty()) {
      if (near != null) {
        // Gone: another read of it still in flight must not cache its older copy now, before
        // Redis's invalidation arrives, or this node would answer a session it has refused.
        near.invalidate(key);
      }
      return read;
    }
    hints.saw(id, read.get().lastSeenAt().toEpochMilli());
    if (near != null) {
      near.put(key, read.get(), epoch);
    }
    return checked(read.get(), touch);
  }

  /**
   * The value at {@code key}: null when there is none, or when it is a value of another type (a
   * session of an earlier format, which this version does not read).
   */
  private String get(String key, String operation) {
    return redis.call(
        operation,
        j -> {
          try {
            return j.get(key);
          } catch (JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("WRONGTYPE")) {
              return null;
            }
            throw e;
          }
        });
  }

  /** {@code read} as a check at the touch's time answers it: absent past retainUntil, renewed. */
  private Optional<SessionRecord> checked(SessionRecord read, SessionTouch touch) {
    if (!touch.now().isBefore(read.retainUntil())) {
      // Past its notice by this node's clock (Redis's expiry may lag by the clocks' skew).
      return Optional.empty();
    }
    return touch.renews(read) ? renew(read.id(), touch) : Optional.of(read);
  }

  /**
   * Runs {@code session-renew}: reads the session and renews it if it is still live and due. Empty
   * when the session is gone by then (ended, rotated away, past its notice); otherwise the session
   * as stored afterwards (its own renewal's times, or a concurrent one's that made this one not
   * due).
   */
  Optional<SessionRecord> renew(HashedId id, SessionTouch touch) {
    Object reply =
        RENEW.call(
            redis,
            "session renew",
            List.of(keys.session(id), keys.sessionIndexPrefix(id.shard())),
            renewArgs(touch.inMillis(), id.hash()));
    forget(id);
    Optional<SessionRecord> renewed = SessionValue.decode(id, RedisCalls.str(reply));
    if (renewed.isEmpty() || !touch.now().isBefore(renewed.get().retainUntil())) {
      return Optional.empty();
    }
    hints.saw(id, renewed.get().lastSeenAt().toEpochMilli());
    return renewed;
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
            List.of(ms(now), name, value == null ? "0" : "1", value == null ? "" : value));
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
    hints.forget(from);
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
    hints.forget(id);
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
      SessionValue.decode(id, RedisCalls.str(out.get(i + 1)))
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
}
