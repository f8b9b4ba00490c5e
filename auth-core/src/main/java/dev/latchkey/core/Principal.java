package dev.latchkey.core;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who was authenticated: a stable subject id, the roles it holds and application attributes.
 * Immutable; the collections are copied on construction.
 *
 * @param subject the stable, non-secret identifier of the user (not necessarily the login name)
 * @param roles the roles granted, never {@code null}
 * @param attributes application attributes (display name, tenant...), never {@code null}; they
 *     travel in session stores and token claims, so never put a secret here
 */
public record Principal(String subject, Set<String> roles, Map<String, String> attributes) {
  public Principal {
    Objects.requireNonNull(subject, "subject");
    if (subject.isBlank()) {
      throw new IllegalArgumentException("subject cannot be blank");
    }
    roles = Set.copyOf(roles);
    attributes = Map.copyOf(attributes);
  }

  /** A principal with roles and no attributes. */
  public static Principal of(String subject, Set<String> roles) {
    return new Principal(subject, roles, Map.of());
  }

  /** A principal with neither roles nor attributes. */
  public static Principal of(String subject) {
    return new Principal(subject, Set.of(), Map.of());
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }
}
