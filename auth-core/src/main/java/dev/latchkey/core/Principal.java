package dev.latchkey.core;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who was authenticated: a stable subject id, the roles it holds and application attributes.
 * Immutable; the collections are copied on construction.
 *
 * <p>Every string here must be well-formed UTF-16: no surrogate without its pair. These strings
 * travel as UTF-8 in token claims and Redis, where an unpaired surrogate cannot be written and
 * would arrive as {@code ?}, so {@code "admin\uD800"} would come back as a different user, {@code
 * "admin?"}. The constructor refuses them instead.
 *
 * @param subject the stable, non-secret identifier of the user (not necessarily the login name)
 * @param roles the roles granted, never {@code null}
 * @param attributes application attributes (display name, tenant...), never {@code null}; they
 *     travel in session stores and token claims, so never put a secret here
 */
public record Principal(String subject, Set<String> roles, Map<String, String> attributes) {
  /**
   * Creates a principal, copying the collections.
   *
   * @param subject the stable, non-secret identifier of the user, not blank
   * @param roles the roles granted
   * @param attributes application attributes, never a secret
   * @throws NullPointerException if an argument, a role, an attribute name or an attribute value is
   *     null
   * @throws IllegalArgumentException if {@code subject} is blank or a string is not well-formed
   *     UTF-16
   */
  public Principal {
    Objects.requireNonNull(subject, "subject");
    if (subject.isBlank()) {
      throw new IllegalArgumentException("subject cannot be blank");
    }
    roles = Set.copyOf(roles);
    attributes = Map.copyOf(attributes);
    requireWellFormed(subject, "subject");
    for (String role : roles) {
      requireWellFormed(role, "a role");
    }
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      requireWellFormed(e.getKey(), "an attribute name");
      requireWellFormed(e.getValue(), "an attribute value");
    }
  }

  /** Refuses a string UTF-8 cannot carry; the message names the field, never the value. */
  private static void requireWellFormed(String s, String what) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          throw new IllegalArgumentException(what + " holds an unpaired UTF-16 surrogate");
        }
      }
    }
  }

  /**
   * A principal with roles and no attributes.
   *
   * @param subject the stable, non-secret identifier of the user
   * @param roles the roles granted
   * @return the principal
   * @throws NullPointerException if {@code subject}, {@code roles} or a role is null
   * @throws IllegalArgumentException if {@code subject} is blank or a string is not well-formed
   *     UTF-16
   */
  public static Principal of(String subject, Set<String> roles) {
    return new Principal(subject, roles, Map.of());
  }

  /**
   * A principal with neither roles nor attributes.
   *
   * @param subject the stable, non-secret identifier of the user
   * @return the principal
   * @throws NullPointerException if {@code subject} is null
   * @throws IllegalArgumentException if {@code subject} is blank or not well-formed UTF-16
   */
  public static Principal of(String subject) {
    return new Principal(subject, Set.of(), Map.of());
  }

  /**
   * {@return whether the principal holds {@code role}}, compared exactly (case-sensitively).
   *
   * @param role the role name
   * @throws NullPointerException if {@code role} is null
   */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
