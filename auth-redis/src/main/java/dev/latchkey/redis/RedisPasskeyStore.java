package dev.latchkey.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.PasskeyChallenge;
import dev.latchkey.core.spi.PasskeyRecord;
import dev.latchkey.core.spi.PasskeyStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link PasskeyStore} on Redis.
 *
 * <ul>
 *   <li>A passkey is a hash at {@code <prefix>{<shard>}:pk:<subject hash>:<credential hash>}
 *       (fields {@code i} id, {@code s} subject, {@code u} user handle, {@code k} COSE key, {@code
 *       c} counter, {@code t} transports, {@code n} name, {@code a l} created and last used in
 *       epoch ms, {@code be bs} backup flags), indexed in the sorted set {@code
 *       <prefix>{<shard>}:pu:<subject hash>} by creation: one subject's passkeys share its slot
 *       ({@link Placement}), so the cap, the listing and every change are one script.
 *   <li>A lookup by credential id goes through a pointer {@code <prefix>{<c>}:pi:<credential hash>}
 *       holding the subject, in the credential's own slot: one {@code GET}, then the record. The
 *       pointer is claimed with {@code SET NX} before the record is written, so a credential id has
 *       one owner across every node; a pointer left by a removal that stopped half-way is
 *       recognised (its record is gone) and reclaimed.
 *   <li>A ceremony in progress is a string {@code <prefix>{<c>}:pc:<challenge hash>}, expiring in
 *       Redis at its end and taken with {@code GETDEL}: one atomic step, so a challenge is handed
 *       out once across every node. Their number is bounded by the rate of options requests times
 *       the challenge lifetime.
 * </ul>
 *
 * Thread-safe.
 */
final class RedisPasskeyStore implements PasskeyStore {
  private static final Script<Long> CREATE = Script.load("passkey-create", 2, RedisCalls::num);
  private static final Script<List<?>> LIST = Script.load("passkey-list", 2, Script::list);
  private static final Script<Long> USE = Script.load("passkey-use", 1, RedisCalls::num);
  private static final Script<Long> RENAME = Script.load("passkey-rename", 1, RedisCalls::num);
  private static final Script<Long> DELETE = Script.load("passkey-delete", 2, RedisCalls::num);

  private final RedisCalls redis;
  private final Keys keys;
  private final Placement placement;
  private final Clock clock;

  RedisPasskeyStore(RedisCalls redis, Keys keys, Placement placement, Clock clock) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.placement = Objects.requireNonNull(placement, "placement");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public boolean putChallenge(String hash, PasskeyChallenge challenge) {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(challenge, "challenge");
    JsonObject json = new JsonObject();
    json.addProperty("c", challenge.ceremony().name());
    challenge.subject().ifPresent(s -> json.addProperty("s", s));
    challenge.userHandle().ifPresent(u -> json.addProperty("u", u));
    challenge.binding().ifPresent(b -> json.addProperty("b", b));
    json.addProperty("e", challenge.expiresAt().toEpochMilli());
    // Redis drops it at its end (by this node's clock, at least a second on); takeChallenge
    // judges expiry by the caller's clock either way.
    long ttl =
        Math.min(
            Script.MAX_TTL_MILLIS,
            Math.max(1000, challenge.expiresAt().toEpochMilli() - clock.millis()));
    redis.call(
        "passkey challenge put",
        j -> j.set(keys.passkeyChallenge(hash), json.toString(), SetParams.setParams().px(ttl)));
    return true;
  }

  @Override
  public Optional<PasskeyChallenge> takeChallenge(String hash, Instant now) {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(now, "now");
    String value = redis.call("passkey challenge take", j -> j.getDel(keys.passkeyChallenge(hash)));
    if (value == null) {
      return Optional.empty();
    }
    try {
      JsonObject json = JsonParser.parseString(value).getAsJsonObject();
      PasskeyChallenge c =
          new PasskeyChallenge(
              PasskeyChallenge.Ceremony.valueOf(json.get("c").getAsString()),
              optional(json, "s"),
              optional(json, "u"),
              optional(json, "b"),
              Instant.ofEpochMilli(json.get("e").getAsLong()));
      return now.isBefore(c.expiresAt()) ? Optional.of(c) : Optional.empty();
    } catch (RuntimeException e) {
      // An unreadable entry is no challenge: refused, never a crash.
      return Optional.empty();
    }
  }

  @Override
  public boolean create(PasskeyRecord passkey, int maxPerSubject) {
    Objects.requireNonNull(passkey, "passkey");
    if (maxPerSubject < 1) {
      throw new IllegalArgumentException("maxPerSubject must be at least 1: " + maxPerSubject);
    }
    String credential = OpaqueIds.hash(passkey.credentialId());
    String pointer = keys.passkeyPointer(credential);
    String claimed =
        redis.call(
            "passkey claim", j -> j.set(pointer, passkey.subject(), SetParams.setParams().nx()));
    if (claimed == null) {
      String owner = redis.call("passkey claim read", j -> j.get(pointer));
      if (owner == null || find(owner, passkey.credentialId()).isPresent()) {
        return false;
      }
      // The pointer outlived its record (a removal stopped half-way): the id is free again.
      redis.call("passkey claim", j -> j.set(pointer, passkey.subject()));
    }
    Placement.Subject subject = placement.of(passkey.subject());
    List<String> args = new ArrayList<>();
    args.add(Integer.toString(maxPerSubject));
    args.add(Long.toString(passkey.createdAt().toEpochMilli()));
    args.add(credential);
    args.addAll(encode(passkey));
    long reply;
    try {
      reply =
          CREATE.call(
              redis,
              "passkey create",
              List.of(keys.passkey(subject, credential), keys.passkeyIndex(subject)),
              args);
    } catch (RuntimeException e) {
      release(pointer);
      throw e;
    }
    if (reply != 1) {
      release(pointer);
    }
    return reply == 1;
  }

  private void release(String pointer) {
    redis.call("passkey claim release", j -> j.del(pointer));
  }

  @Override
  public Optional<PasskeyRecord> find(String credentialId) {
    Objects.requireNonNull(credentialId, "credentialId");
    if (!PasskeyRecord.isCredentialId(credentialId)) {
      return Optional.empty();
    }
    String owner = owner(credentialId);
    return owner == null ? Optional.empty() : find(owner, credentialId);
  }

  private Optional<PasskeyRecord> find(String owner, String credentialId) {
    String key = keys.passkey(placement.of(owner), OpaqueIds.hash(credentialId));
    Map<String, String> fields = redis.call("passkey read", j -> j.hgetAll(key));
    return decode(fields).filter(p -> p.credentialId().equals(credentialId));
  }

  private String owner(String credentialId) {
    String pointer = keys.passkeyPointer(OpaqueIds.hash(credentialId));
    return redis.call("passkey pointer read", j -> j.get(pointer));
  }

  @Override
  public List<PasskeyRecord> list(String subject) {
    Objects.requireNonNull(subject, "subject");
    Placement.Subject place = placement.of(subject);
    List<?> reply =
        LIST.call(
            redis,
            "passkey list",
            List.of(keys.passkeyIndex(place), keys.passkeyPrefix(place)),
            List.of());
    List<PasskeyRecord> out = new ArrayList<>();
    for (Object o : reply) {
      List<?> flat = (List<?>) o;
      Map<String, String> fields = new HashMap<>();
      for (int f = 0; f + 1 < flat.size(); f += 2) {
        fields.put(RedisCalls.str(flat.get(f)), RedisCalls.str(flat.get(f + 1)));
      }
      decode(fields).filter(p -> p.subject().equals(subject)).ifPresent(out::add);
    }
    return List.copyOf(out);
  }

  @Override
  public boolean updateUse(String credentialId, long expectedCount, long newCount, Instant usedAt) {
    Objects.requireNonNull(credentialId, "credentialId");
    Objects.requireNonNull(usedAt, "usedAt");
    if (!PasskeyRecord.isCredentialId(credentialId)) {
      return false;
    }
    String owner = owner(credentialId);
    if (owner == null) {
      return false;
    }
    String key = keys.passkey(placement.of(owner), OpaqueIds.hash(credentialId));
    return USE.call(
            redis,
            "passkey use",
            List.of(key),
            List.of(
                Long.toString(expectedCount),
                Long.toString(newCount),
                Long.toString(usedAt.toEpochMilli())))
        == 1;
  }

  @Override
  public boolean rename(String subject, String credentialId, String name) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(credentialId, "credentialId");
    Objects.requireNonNull(name, "name");
    if (!PasskeyRecord.isCredentialId(credentialId)) {
      return false;
    }
    String key = keys.passkey(placement.of(subject), OpaqueIds.hash(credentialId));
    return RENAME.call(redis, "passkey rename", List.of(key), List.of(subject, name)) == 1;
  }

  @Override
  public boolean delete(String subject, String credentialId) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(credentialId, "credentialId");
    if (!PasskeyRecord.isCredentialId(credentialId)) {
      return false;
    }
    Placement.Subject place = placement.of(subject);
    String credential = OpaqueIds.hash(credentialId);
    boolean removed =
        DELETE.call(
                redis,
                "passkey delete",
                List.of(keys.passkey(place, credential), keys.passkeyIndex(place)),
                List.of(subject, credential))
            == 1;
    if (removed) {
      // The record is gone, so the passkey logs no one in even if this second step fails.
      release(keys.passkeyPointer(credential));
    }
    return removed;
  }

  private static List<String> encode(PasskeyRecord p) {
    JsonArray transports = new JsonArray();
    p.transports().stream().sorted().forEach(transports::add);
    List<String> out = new ArrayList<>();
    out.addAll(List.of("i", p.credentialId(), "s", p.subject(), "u", p.userHandle()));
    out.addAll(List.of("k", p.publicKey(), "c", Long.toString(p.signCount())));
    out.addAll(List.of("t", transports.toString(), "n", p.name()));
    out.addAll(List.of("a", Long.toString(p.createdAt().toEpochMilli())));
    out.addAll(List.of("be", p.backupEligible() ? "1" : "0", "bs", p.backedUp() ? "1" : "0"));
    p.lastUsedAt().ifPresent(l -> out.addAll(List.of("l", Long.toString(l.toEpochMilli()))));
    return out;
  }

  /** The record, or empty when absent or unreadable: an unreadable entry is never a crash. */
  private static Optional<PasskeyRecord> decode(Map<String, String> f) {
    if (f == null || f.isEmpty()) {
      return Optional.empty();
    }
    try {
      Set<String> transports = new LinkedHashSet<>();
      for (JsonElement e : JsonParser.parseString(f.get("t")).getAsJsonArray()) {
        transports.add(e.getAsString());
      }
      String last = f.get("l");
      return Optional.of(
          new PasskeyRecord(
              f.get("i"),
              f.get("s"),
              f.get("u"),
              f.get("k"),
              Long.parseLong(f.get("c")),
              transports,
              f.get("n"),
              Instant.ofEpochMilli(Long.parseLong(f.get("a"))),
              last == null
                  ? Optional.empty()
                  : Optional.of(Instant.ofEpochMilli(Long.parseLong(last))),
              "1".equals(f.get("be")),
              "1".equals(f.get("bs"))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> optional(JsonObject json, String member) {
    JsonElement e = json.get(member);
    return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e.getAsString());
  }

  @Override
  public String toString() {
    return "RedisPasskeyStore[" + keys.prefix() + "]";
  }
}
