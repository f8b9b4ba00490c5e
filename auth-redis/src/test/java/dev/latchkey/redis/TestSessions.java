package dev.latchkey.redis;

import dev.latchkey.core.Principal;
import dev.latchkey.core.internal.OpaqueIds;
import dev.latchkey.core.spi.SessionRecord;
import dev.latchkey.core.spi.SessionStore;
import dev.latchkey.core.spi.SessionTouch;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A live session and a renewing touch for the fault tests, which care that a store answers, not
 * about the session's timeouts: idle 10 minutes, absolute one hour, known for 15 minutes.
 */
final class TestSessions {
  private TestSessions() {}

  /** A new session of {@code subject} created at {@code now}, in the shard the store picks. */
  static SessionRecord session(SessionStore store, String subject, Instant now) {
    return new SessionRecord(
        OpaqueIds.parse(OpaqueIds.generateInShard(store.shardFor(subject))).orElseThrow(),
        Principal.of(subject),
        now,
        now,
        now.plusSeconds(600),
        now.plusSeconds(3600),
        now.plusSeconds(900),
        Map.of());
  }

  /** A touch at {@code now} that renews at most once a minute. */
  static SessionTouch touch(Instant now) {
    return new SessionTouch(
        now, Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(5));
  }
}
