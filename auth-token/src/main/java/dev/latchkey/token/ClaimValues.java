package dev.latchkey.token;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The extra claims {@link JwtTokenService#issue} accepts: exactly the values whose JSON {@link
 * StrictJson} reads back, so that issue never mints a token its own verify refuses. Each claim is
 * copied as it is checked, and the copy is what gets written: a map or list that changes, or
 * iterates differently, after the check cannot slip another value into the token.
 *
 * <p>A refusal names the claim, never its value (a claim may be a secret). Not thread-safe; one
 * instance checks the claims of one token.
 */
final class ClaimValues {
  private int budget;

  /**
   * {@code maxChars} bounds the work: every value costs at least one character of the token, so a
   * structure with more values than that (a list holding one shared list twice, 30 levels deep, has
   * 2^30 leaves) is refused after that many steps instead of being walked whole.
   */
  private ClaimValues(int maxChars) {
    this.budget = maxChars;
  }

  /**
   * A checked copy of {@code extraClaims}, in their order.
   *
   * @throws IllegalArgumentException naming the claim, when one reuses a name in {@code reserved}
   *     or holds a value verify would not read back (see {@link JwtTokenService#issue})
   */
  static Map<String, Object> copyOf(
      Map<String, Object> extraClaims, Set<String> reserved, int maxChars) {
    if (extraClaims.isEmpty()) {
      return Map.of();
    }
    ClaimValues values = new ClaimValues(maxChars);
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : extraClaims.entrySet()) {
      String claim = e.getKey();
      if (reserved.contains(claim)) {
        throw new IllegalArgumentException("extra claims cannot set registered claim " + claim);
      }
      checkUtf8(claim, claim);
      int size = copy.size();
      copy.put(claim, values.copy(claim, e.getValue(), 2)); // the claims object is depth 1
      if (copy.size() == size) {
        throw new IllegalArgumentException("claim " + claim + " is given twice");
      }
    }
    return copy;
  }

  private Object copy(String claim, Object v, int depth) {
    if (--budget < 0) {
      throw new IllegalArgumentException(
          "claim " + claim + " holds more values than a token of maxTokenLength can carry");
    }
    if (v instanceof String s) {
      budget -= s.length();
      checkUtf8(claim, s);
      return s;
    }
    if (v instanceof Boolean) {
      return v;
    }
    if (v instanceof Number n) {
      return number(claim, n);
    }
    if (v instanceof Collection<?> c) {
      checkDepth(claim, depth);
      List<Object> list = new ArrayList<>();
      for (Object o : c) {
        list.add(copy(claim, o, depth + 1));
      }
      return list;
    }
    if (v instanceof Map<?, ?> m) {
      checkDepth(claim, depth);
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("claim " + claim + " has a non-string key");
        }
        checkUtf8(claim, key);
        budget -= key.length();
        int size = map.size();
        map.put(key, copy(claim, e.getValue(), depth + 1));
        if (map.size() == size) {
          // Equal names from a map that keeps them apart (an IdentityHashMap, a TreeMap with its
          // own comparator): JSON would carry the name twice, which verify refuses.
          throw new IllegalArgumentException("claim " + claim + " holds a member name twice");
        }
      }
      return map;
    }
    throw new IllegalArgumentException(
        "claim "
            + claim
            + " must be a string, number, boolean, list or map, not "
            + (v == null ? "null" : v.getClass().getName()));
  }

  /**
   * The number as JSON will write it: the JDK's own integer and floating-point types and exactly
   * {@code BigInteger} and {@code BigDecimal} (a subclass, like any other {@code Number}, is not
   * written as a number), and only when verify reads the text back: finite, within {@code double}
   * range, at most {@value StrictJson#MAX_NUMBER_LENGTH} characters.
   */
  private static Object number(String claim, Number n) {
    Class<?> type = n.getClass();
    if (type == Integer.class || type == Long.class || type == Short.class || type == Byte.class) {
      return n;
    }
    if (type == AtomicInteger.class || type == AtomicLong.class) {
      return n.longValue(); // a snapshot: the counter may move after the check
    }
    if (type == Double.class || type == Float.class) {
      if (!Double.isFinite(n.doubleValue())) {
        throw new IllegalArgumentException("claim " + claim + " is not a finite number");
      }
      return n;
    }
    if (type == BigInteger.class || type == BigDecimal.class) {
      if (!readBack(n.toString())) {
        throw new IllegalArgumentException(
            "claim "
                + claim
                + " holds a number verify cannot read (beyond double range or "
                + StrictJson.MAX_NUMBER_LENGTH
                + " characters)");
      }
      return n;
    }
    throw new IllegalArgumentException(
        "claim "
            + claim
            + " holds a "
            + type.getName()
            + ": numbers must be Integer, Long, Short, Byte, Double, Float, BigInteger or"
            + " BigDecimal");
  }

  /**
   * Whether verify's own reader reads the number {@code text} back (RFC 8259's grammar, at most
   * {@value StrictJson#MAX_NUMBER_LENGTH} characters, within {@code double} range): asked of the
   * reader itself, so the two rules cannot drift apart.
   */
  private static boolean readBack(String text) {
    try {
      StrictJson.parseObject(("{\"n\":" + text + "}").getBytes(StandardCharsets.US_ASCII));
      return true;
    } catch (Refusal e) {
      return false;
    }
  }

  /**
   * An unpaired surrogate cannot be written as UTF-8: the claim would arrive as {@code ?}, a value
   * the caller never gave. (The principal's strings are checked by {@code Principal}.)
   */
  static void checkUtf8(String claim, String s) {
    if (!StandardCharsets.UTF_8.newEncoder().canEncode(s)) {
      throw new IllegalArgumentException("claim " + claim + " holds an unpaired UTF-16 surrogate");
    }
  }

  /** A token nested deeper than the verifier reads (and a list holding itself) cannot be issued. */
  private static void checkDepth(String claim, int depth) {
    if (depth > StrictJson.MAX_DEPTH) {
      throw new IllegalArgumentException(
          "claim " + claim + " is nested deeper than " + StrictJson.MAX_DEPTH + " levels");
    }
  }
}
