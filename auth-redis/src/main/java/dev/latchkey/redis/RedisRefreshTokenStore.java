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

  private static final Script<List<?>> CREATE = Script.load("refresh-create", 1, Script::list);

  private static final Script<List<?>> ROTATE = Script.load("refresh-rotate", 1, Script::list);

  private static final Script<List<?>> REVOKE_FAMILY =
      Script.load("refresh-revoke-family", 1, Script::list);

  private static final Script<Object> FAMILY_LIVE =
      Script.load("refresh-family-live", 1, Script::raw);

  private static final Script<List<?>> REVOKE_SUBJECT =
      Script.load("refresh-revoke-subject", 1, Script::list);

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
        CREATE.call(
            redis,
            "refresh create",
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
        ROTATE.call(
            redis,
            "refresh rotate",
            List.of(keys.refreshFamilies(presented.shard())),
            List.of(
                shift(),
                presented.hash(),
                successorId.hash(),
                RedisCalls.millis(policy.tokenLifetime()),
                RedisCalls.millis(policy.grace()),
                Integer.toString(policy.rotationsPerWindow()),
                RedisCalls.millis(policy.rotationWindow()),
                Integer.toString(REMEMBERED_CONSUMED)));
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
    return REVOKE_FAMILY.call(
        redis,
        "refresh revoke family",
        List.of(keys.refreshFamilies(shard)),
        List.of(shift(), tokenHash, familyHash, subjectHash));
  }

  @Override
  public boolean familyLive(String subject, String familyId) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(familyId, "familyId");
    Placement.Subject place = placement.of(subject);
    Object out =
        FAMILY_LIVE.call(
            redis,
            "refresh family live",
            List.of(keys.refreshFamilies(place.shard())),
            List.of(shift(), OpaqueIds.hash(familyId), place.hash()));
    return RedisCalls.num(out) == 1;
  }

  @Override
  public List<String> revokeSubject(String subject) {
    Objects.requireNonNull(subject, "subject");
    Placement.Subject place = placement.of(subject);
    List<?> out =
        REVOKE_SUBJECT.call(
            redis,
            "refresh revoke subject",
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
