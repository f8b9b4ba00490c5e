package dev.latchkey.redis;

import java.time.Duration;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * Writes live token revocations into Redis as {@link RedisRevocationList#revokeToken} does (its
 * bounded script, each publishing its entry), pipelined so that a million take seconds rather than
 * a minute of round trips. Token {@code i} is {@code jti-<i>} of subject {@code user-<i / 4>}: four
 * revoked tokens per subject, well inside the per-subject bound.
 */
final class RevocationFill {
  static final String ISS = "https://issuer.example";
  static final String PREFIX = "bench:";
  static final int TOKENS_PER_SUBJECT = 4;
  private static final int BATCH = 2_000;

  private RevocationFill() {}

  static String tokenId(int i) {
    return "jti-" + i;
  }

  static String subject(int i) {
    return "user-" + i / TOKENS_PER_SUBJECT;
  }

  /** Revokes tokens {@code 0} to {@code count - 1}, each until {@code lifetime} from now. */
  static void fill(UnifiedJedis jedis, int count, Duration lifetime) {
    Keys keys = new Keys(PREFIX);
    RevocationDigests digests = new RevocationDigests();
    String sha = jedis.scriptLoad(Script.source("revoke-bounded"));
    String channel = keys.revocationChannel();
    long now = System.currentTimeMillis();
    String until = Long.toString(now + lifetime.toMillis());
    for (int from = 0; from < count; from += BATCH) {
      try (AbstractPipeline pipeline = jedis.pipelined()) {
        for (int i = from; i < Math.min(count, from + BATCH); i++) {
          var subject = digests.subject(subject(i));
          String key =
              keys.revokedToken(RevocationDigests.shard(subject), digests.token(ISS, tokenId(i)));
          pipeline.evalsha(
              sha,
              List.of(key, keys.revokedSubject(subject), keys.revocationIndex(subject)),
              List.of(
                  Long.toString(now),
                  until,
                  channel,
                  Long.toString(now),
                  Integer.toString(RedisRevocationList.DEFAULT_MAXIMUM_ENTRIES_PER_SUBJECT),
                  "t"));
        }
        pipeline.sync();
      }
    }
  }
}
