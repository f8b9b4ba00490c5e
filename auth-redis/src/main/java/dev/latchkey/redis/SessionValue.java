package dev.latchkey.redis;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.latchkey.core.Principal;
import dev.latchkey.core.spi.HashedId;
import dev.latchkey.core.spi.SessionRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A session as Redis holds it: one string, {@code 2|c|l|e|a|r|u|}, the principal as JSON ({@link
 * PrincipalCodec}), a newline, and the attributes as one JSON object of strings. The header carries
 * what the scripts compare and rewrite (createdAt, lastSeenAt, expiresAt, absoluteExpiresAt and
 * retainUntil in epoch ms, and the subject hash that names the subject's index); {@code
 * session-value.lua} parses the same header. JSON escapes every control character, so the newline
 * is the only one in a value, and a script can rewrite the attributes (with Redis's {@code cjson})
 * without touching the principal.
 *
 * <p>One string rather than a hash of fields because a check reads the whole session, and Redis
 * answers a {@code GET} with one bulk string for a fraction of the work of a {@code HGETALL}, which
 * answers two per field; a renewal rewrites the header and copies the rest as it is.
 */
final class SessionValue {
  /** The format this code writes and reads; any other value is unreadable, hence absent. */
  static final String FORMAT = "2";

  /** createdAt, lastSeenAt, expiresAt, absoluteExpiresAt, retainUntil; then the subject hash. */
  private static final int TIMES = 5;

  private SessionValue() {}

  /**
   * The value of {@code session}, whose subject hashes to {@code subjectHash} ({@link Placement}).
   */
  static String encode(SessionRecord session, String subjectHash) {
    JsonObject attributes = new JsonObject();
    // Sorted: equal sessions encode to equal strings.
    new TreeMap<>(session.attributes()).forEach(attributes::addProperty);
    return FORMAT
        + '|'
        + session.createdAt().toEpochMilli()
        + '|'
        + session.lastSeenAt().toEpochMilli()
        + '|'
        + session.expiresAt().toEpochMilli()
        + '|'
        + session.absoluteExpiresAt().toEpochMilli()
        + '|'
        + session.retainUntil().toEpochMilli()
        + '|'
        + subjectHash
        + '|'
        + PrincipalCodec.encode(session.principal())
        + '\n'
        + attributes;
  }

  /**
   * The record of session {@code id} in {@code value}, or empty when it is none this code reads.
   */
  static Optional<SessionRecord> decode(HashedId id, String value) {
    if (value == null || !value.startsWith(FORMAT + '|')) {
      return Optional.empty();
    }
    try {
      long[] times = new long[TIMES];
      int from = FORMAT.length() + 1;
      for (int i = 0; i <= TIMES; i++) {
        int bar = value.indexOf('|', from);
        if (bar < 0) {
          return Optional.empty();
        }
        if (i < TIMES) {
          times[i] = Long.parseLong(value, from, bar, 10);
        }
        from = bar + 1;
      }
      int newline = value.indexOf('\n', from);
      if (newline < 0) {
        return Optional.empty();
      }
      Optional<Principal> principal = PrincipalCodec.decode(value.substring(from, newline));
      if (principal.isEmpty()) {
        return Optional.empty();
      }
      Map<String, String> attributes = new HashMap<>();
      JsonObject json = JsonParser.parseString(value.substring(newline + 1)).getAsJsonObject();
      for (Map.Entry<String, JsonElement> e : json.entrySet()) {
        attributes.put(e.getKey(), e.getValue().getAsString());
      }
      return Optional.of(
          new SessionRecord(
              id,
              principal.get(),
              Instant.ofEpochMilli(times[0]),
              Instant.ofEpochMilli(times[1]),
              Instant.ofEpochMilli(times[2]),
              Instant.ofEpochMilli(times[3]),
              Instant.ofEpochMilli(times[4]),
              attributes));
    } catch (RuntimeException e) {
      // A non-numeric time, text that is not JSON of the right shape, or times that break
      // SessionRecord's rules: an unreadable entry is absent, never a crash.
      return Optional.empty();
    }
  }
}
