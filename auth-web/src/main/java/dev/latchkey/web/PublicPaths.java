package dev.latchkey.web;

import java.util.List;
import java.util.Set;

/**
 * Which paths need no credential: exact paths ({@code /health}) and prefixes ({@code /static/*}). A
 * path that is not in normal form ({@code //}, {@code /./}, {@code /../}, a {@code ;}, {@code %} or
 * backslash) is never public, so that {@code /static/../admin} cannot slip through a prefix on a
 * server that normalizes after routing: unsure means protected.
 */
final class PublicPaths {
  private final Set<String> exact;
  private final List<String> prefixes;

  PublicPaths(Set<String> exact, List<String> prefixes) {
    this.exact = Set.copyOf(exact);
    this.prefixes = List.copyOf(prefixes);
  }

  /** Checks a configured pattern: an absolute path, optionally ending in {@code /*}. */
  static String validate(String pattern) {
    String bare = pattern.endsWith("/*") ? pattern.substring(0, pattern.length() - 1) : pattern;
    if (!bare.startsWith("/") || !normal(bare) || bare.contains("*")) {
      throw new IllegalArgumentException(
          "a public path is an absolute, normalized path, optionally ending in /*: " + pattern);
    }
    return pattern;
  }

  boolean matches(String path) {
    if (path == null) {
      return false;
    }
    // Normal form is checked last: it only ever turns a match into a refusal, and most requests
    // (every protected route) match nothing, so they skip its scan and split.
    if (exact.contains(path)) {
      return normal(path);
    }
    for (String prefix : prefixes) {
      if (path.startsWith(prefix)) {
        return normal(path);
      }
    }
    return false;
  }

  private static boolean normal(String path) {
    if (!path.startsWith("/")) {
      return false;
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == ';' || c == '%' || c == '\\' || c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return !path.contains("//");
  }
}
