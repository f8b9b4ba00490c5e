package dev.latchkey.core;

import java.util.SplittableRandom;

/**
 * Latchkey's own small property-test runner: {@link #forAll} draws {@code tries} inputs from a
 * {@link Gen} and checks a property on each, as part of an ordinary JUnit test.
 *
 * <p>The seed is the system property {@code latchkey.seed} when set (e.g. {@code mvn test
 * -Dlatchkey.seed=42}), a fresh random one otherwise. Every {@code forAll} call starts from that
 * seed, so a failure reports the seed, the try and the input (escaped and cut to 200 characters),
 * and running again with that seed draws the same inputs in the same order.
 */
public final class Properties {
  /** The system property that fixes the seed. */
  public static final String SEED_PROPERTY = "latchkey.seed";

  private static final long SEED = initialSeed();

  private Properties() {}

  /** A property: passes by returning, fails by throwing (typically an AssertionError). */
  @FunctionalInterface
  public interface Property<T> {
    /** Checks the property for one input. */
    void check(T input) throws Throwable;
  }

  /** The seed this run uses. */
  public static long seed() {
    return SEED;
  }

  /**
   * Checks {@code property} on {@code tries} values of {@code gen}.
   *
   * @throws AssertionError at the first input that fails, naming the seed, the try and the input,
   *     with the original failure as its cause
   */
  public static <T> void forAll(int tries, Gen<T> gen, Property<? super T> property) {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 1; i <= tries; i++) {
      T input = gen.next(random);
      try {
        property.check(input);
      } catch (Throwable failure) {
        if (failure instanceof VirtualMachineError error) {
          throw error;
        }
        throw new AssertionError(
            "property failed at try "
                + i
                + " of "
                + tries
                + " (rerun with -D"
                + SEED_PROPERTY
                + "="
                + SEED
                + ")\n  input: "
                + describe(input)
                + "\n  failure: "
                + failure,
            failure);
      }
    }
  }

  /** The input as text, escaped to visible ASCII and cut to 200 characters. */
  static String describe(Object input) {
    if (input instanceof String s) {
      return '"' + escape(s) + '"';
    }
    return escape(String.valueOf(input));
  }

  /** {@code s} with every character outside visible ASCII as a {@code \\uXXXX} escape, cut. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder();
    int shown = Math.min(s.length(), 200);
    for (int i = 0; i < shown; i++) {
      char c = s.charAt(i);
      if (c >= ' ' && c <= '~') {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (s.length() > shown) {
      out.append("...(").append(s.length()).append(" chars)");
    }
    return out.toString();
  }

  private static long initialSeed() {
    String fixed = System.getProperty(SEED_PROPERTY);
    if (fixed != null && !fixed.isBlank()) {
      return Long.parseLong(fixed.trim());
    }
    return new SplittableRandom().nextLong();
  }
}
