package dev.latchkey.redis;

import java.util.List;

/**
 * The revocation scripts, as typed calls: the writes the revocation list makes and the ones its
 * replica's feed makes to write back what Redis lost, and the check that asks Redis directly. Every
 * write also publishes the entry on the revocation channel, from the master of the entry's slot.
 * Thread-safe.
 */
final class RevocationScripts {
  private static final Script<Long> REVOKE_TOKEN = Script.load("revoke-token", 1, RedisCalls::num);
  private static final Script<Object> REVOKE_BOUNDED =
      Script.load("revoke-bounded", 3, Script::raw);
  private static final Script<Long> REVOKE_SUBJECT =
      Script.load("revoke-subject", 1, RedisCalls::num);
  private static final Script<Long> IS_REVOKED =
      Script.load("revocation-check", 2, 3, RedisCalls::num);

  private final RedisCalls redis;
  private final String channel;

  RevocationScripts(RedisCalls redis, Keys keys) {
    this.redis = redis;
    this.channel = keys.revocationChannel();
  }

  /**
   * Writes a token ({@code t}) or family ({@code g}) entry within its subject's bound ({@code
   * revoke-bounded.lua}): {@code keys} are the entry, the subject's not-before and the subject's
   * index.
   *
   * @return 1 (stored), 0 (already over) or the subject's new {@code nbf:keep} when folded
   */
  Object writeBounded(
      List<String> keys, long now, long until, long foldedBefore, int bound, String type) {
    return REVOKE_BOUNDED.call(
        redis,
        operation(type),
        keys,
        List.of(
            Long.toString(now),
            Long.toString(until),
            channel,
            Long.toString(foldedBefore),
            Integer.toString(bound),
            type));
  }

  /** Writes a token ({@code t}) or family ({@code g}) entry as it is, outside the bound. */
  void writeBack(String key, long until, long now, String type) {
    REVOKE_TOKEN.call(
        redis,
        operation(type),
        List.of(key),
        List.of(Long.toString(now), Long.toString(until), channel, type));
  }

  /** Merges a subject's not-before into the one stored, the later of each part winning. */
  void writeSubject(String key, long nbf, long keep, long now) {
    REVOKE_SUBJECT.call(
        redis,
        "revoke subject",
        List.of(key),
        List.of(Long.toString(now), Long.toString(nbf), Long.toString(keep), channel));
  }

  /**
   * Asks Redis whether a token is revoked: {@code keys} are the token's entry, its subject's
   * not-before and, if any, its family's entry.
   */
  boolean isRevoked(List<String> keys, long now, long issuedAt) {
    return IS_REVOKED.call(
            redis, "revocation check", keys, List.of(Long.toString(now), Long.toString(issuedAt)))
        == 1;
  }

  private static String operation(String type) {
    return "revoke " + (type.equals("t") ? "token" : "family");
  }
}
