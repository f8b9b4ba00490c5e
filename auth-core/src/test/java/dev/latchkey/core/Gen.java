package dev.latchkey.core;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A generator of test inputs for {@link Properties#forAll}: draws one value from a seeded random
 * source, so that the same seed draws the same values again and a failure can be replayed.
 *
 * @param <T> the type of the values drawn
 */
@FunctionalInterface
public interface Gen<T> {
  /** Draws one value; the only source of randomness must be {@code random}. */
  T next(SplittableRandom random);

  /** This generator's values passed through {@code f}. */
  default <R> Gen<R> map(Function<? super T, ? extends R> f) {
    return random -> f.apply(next(random));
  }

  /** A value of the generator that {@code f} picks for this generator's value. */
  default <R> Gen<R> flatMap(Function<? super T, Gen<R>> f) {
    return random -> f.apply(next(random)).next(random);
  }

  /** Lists of {@code min} to {@code max} (inclusive) values of this generator. */
  default Gen<List<T>> list(int min, int max) {
    return random -> {
      int size = min + random.nextInt(max - min + 1);
      List<T> out = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        out.add(next(random));
      }
      return out;
    };
  }

  /** Always {@code value} (which may be {@code null}). */
  static <T> Gen<T> just(T value) {
    return random -> value;
  }

  /** One of {@code values}, each equally likely. */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only copied into an immutable list, never exposed
  static <T> Gen<T> of(T... values) {
    List<T> copy = List.of(values);
    return random -> copy.get(random.nextInt(copy.size()));
  }

  /** A value of one of {@code gens}, each generator equally likely. */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only copied into an immutable list, never exposed
  static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
    List<Gen<? extends T>> copy = List.of(gens);
    return random -> copy.get(random.nextInt(copy.size())).next(random);
  }

  /** A generator with a weight, for {@link #frequency}. */
  record Weighted<T>(int weight, Gen<? extends T> gen) {
    public Weighted {
      if (weight <= 0) {
        throw new IllegalArgumentException("weight must be positive");
      }
    }
  }

  /** A value of one of the generators, chosen with probability proportional to its weight. */
  @SafeVarargs
  @SuppressWarnings("varargs") // the array is only copied into an immutable list, never exposed
  static <T> Gen<T> frequency(Weighted<T>... choices) {
    List<Weighted<T>> copy = List.of(choices);
    int total = copy.stream().mapToInt(Weighted::weight).sum();
    return random -> {
      int pick = random.nextInt(total);
      for (Weighted<T> w : copy) {
        pick -= w.weight();
        if (pick < 0) {
          return w.gen().next(random);
        }
      }
      throw new AssertionError("unreachable");
    };
  }

  /** Shorthand for a {@link Weighted} choice. */
  static <T> Weighted<T> weight(int weight, Gen<? extends T> gen) {
    return new Weighted<>(weight, gen);
  }

  /** An int from {@code min} to {@code max}, both inclusive. */
  static Gen<Integer> ints(int min, int max) {
    return random -> random.nextInt(min, max + 1);
  }

  /** A double in [0, 1). */
  static Gen<Double> unitDoubles() {
    return SplittableRandom::nextDouble;
  }

  /** {@code true} or {@code false}. */
  static Gen<Boolean> booleans() {
    return SplittableRandom::nextBoolean;
  }

  /** {@code length} random bytes. */
  static Gen<byte[]> bytes(int length) {
    return random -> {
      byte[] out = new byte[length];
      random.nextBytes(out);
      return out;
    };
  }

  /** A character from {@code min} to {@code max}, both inclusive. */
  static Gen<Character> charRange(char min, char max) {
    return random -> (char) random.nextInt(min, max + 1);
  }

  /** Any UTF-16 code unit, unpaired surrogates included. */
  static Gen<Character> anyChar() {
    return charRange('\u0000', '\uffff');
  }

  /** One of the characters of {@code chars}. */
  static Gen<Character> charsOf(String chars) {
    return random -> chars.charAt(random.nextInt(chars.length()));
  }

  /**
   * Strings of {@code min} to {@code max} (inclusive) characters drawn from {@code chars}. A
   * quarter of them are at most four characters longer than {@code min}: short strings are where
   * edge cases live (an empty token, a single stray character), and a uniform length would rarely
   * draw them.
   */
  static Gen<String> strings(Gen<Character> chars, int min, int max) {
    return random -> {
      int length =
          random.nextInt(4) == 0
              ? min + random.nextInt(Math.min(max - min, 4) + 1)
              : min + random.nextInt(max - min + 1);
      StringBuilder out = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        out.append(chars.next(random).charValue());
      }
      return out.toString();
    };
  }
}
