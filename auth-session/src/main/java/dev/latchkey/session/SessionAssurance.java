package dev.latchkey.session;

import dev.latchkey.core.Assurance;
import dev.latchkey.core.Assurance.Level;
import dev.latchkey.core.spi.SessionRecord;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * How a session carries its {@link Assurance}: in one attribute the manager reserves, so every
 * store keeps it without a change to the store SPI. Names under {@value #RESERVED_PREFIX} belong to
 * the manager; an application can neither set nor read them as its own attributes.
 */
final class SessionAssurance {
  static final String RESERVED_PREFIX = "latchkey.";
  static final String ATTRIBUTE = RESERVED_PREFIX + "assurance";

  private SessionAssurance() {}

  static String encode(Level level, Instant authenticatedAt) {
    return level.name() + ":" + authenticatedAt.toEpochMilli();
  }

  /** The application's attributes with the session's assurance added. */
  static Map<String, String> withAssurance(
      Map<String, String> attributes, Level level, Instant at) {
    Map<String, String> all = new HashMap<>(attributes);
    all.put(ATTRIBUTE, encode(level, at));
    return all;
  }

  /**
   * The assurance of a stored session. A session stored without one had a plain login; a value that
   * cannot be read is answered as pending, the weakest state, so a damaged record grants nothing.
   */
  static Assurance of(SessionRecord record) {
    String value = record.attributes().get(ATTRIBUTE);
    if (value == null) {
      return new Assurance(Level.SINGLE_FACTOR, record.createdAt());
    }
    int colon = value.indexOf(':');
    try {
      Level level = Level.valueOf(value.substring(0, colon < 0 ? 0 : colon));
      Instant at = Instant.ofEpochMilli(Long.parseLong(value.substring(colon + 1)));
      return new Assurance(level, at);
    } catch (RuntimeException e) {
      return new Assurance(Level.PENDING_SECOND_FACTOR, record.createdAt());
    }
  }

  /**
   * Whether the session still waits for its second factor; on the hot path of every check, so it
   * reads the level's name without parsing the rest.
   */
  static boolean isPending(SessionRecord record) {
    String value = record.attributes().get(ATTRIBUTE);
    return value != null
        && !value.startsWith("SINGLE_FACTOR:")
        && !value.startsWith("MULTI_FACTOR:")
        && !value.startsWith("REMEMBERED:");
  }

  /** The attributes an application sees: its own, never the manager's. */
  static Map<String, String> applicationAttributes(Map<String, String> attributes) {
    boolean reserved = false;
    for (String name : attributes.keySet()) {
      if (name.startsWith(RESERVED_PREFIX)) {
        reserved = true;
        break;
      }
    }
    if (!reserved) {
      return attributes;
    }
    Map<String, String> own = new HashMap<>(attributes);
    own.keySet().removeIf(name -> name.startsWith(RESERVED_PREFIX));
    return own;
  }

  static void requireApplicationName(String name) {
    if (name.startsWith(RESERVED_PREFIX)) {
      throw new IllegalArgumentException(
          "attribute names starting with " + RESERVED_PREFIX + " are reserved: " + name);
    }
  }
}
