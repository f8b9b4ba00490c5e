package dev.latchkey.core;

import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * Generators of attacker input for the property tests (the {@code *PropertiesTest} classes), and
 * the bound every parser call must finish within.
 *
 * <p>Four families: arbitrary strings over the whole UTF-16 range (unpaired surrogates included),
 * control characters, strings up to a megabyte, and mutations of a valid value (a flipped, deleted
 * or inserted character, a truncation, an extension, a case change), because a near miss of a valid
 * token reaches deeper into a parser than noise does.
 *
 * <p>Public, with {@link Gen} and {@link Properties}, so that the property tests of the other
 * modules (which get this class through auth-core's test-jar) draw from the same generators.
 */
public final class HostileInput {
  /**
   * Generous on purpose: the cheapest parser answers in microseconds, a megabyte in a few
   * milliseconds, one bCrypt verification at cost 4 in about one; the bound is there to catch a
   * hang or a quadratic blow-up, not to benchmark (GC pauses and a shared 2-core machine).
   */
  public static final Duration BOUND = Duration.ofSeconds(2);

  /** Base64url, the alphabet of opaque ids and CSRF tokens. */
  public static final String BASE64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private HostileInput() {}

  /**
   * Every ASCII and Latin/Greek/Cyrillic/... character up to U+0FFF, plus the surrogates' edges, a
   * BOM, a line separator and U+FFFF: above U+007F the parsers treat all characters alike, so this
   * stands for the whole UTF-16 range in exhaustive per-character tests at a sixteenth of the cost.
   */
  public static char[] everyInterestingChar() {
    char[] extra = {'\u2028', '\u212a', '\ud800', '\udbff', '\udc00', '\udfff', '\ufeff', '\uffff'};
    char[] out = new char[0x1000 + extra.length];
    for (char c = 0; c < 0x1000; c++) {
      out[c] = c;
    }
    System.arraycopy(extra, 0, out, 0x1000, extra.length);
    return out;
  }

  /** Runs {@code call} and fails when it throws or takes longer than {@link #BOUND}. */
  public static <T> T bounded(ThrowingSupplier<T> call) {
    return assertTimeout(BOUND, call);
  }

  /** Any single UTF-16 code unit, weighted towards the ones parsers trip on. */
  public static Gen<Character> hostileChars() {
    return Gen.frequency(
        Gen.weight(3, Gen.charRange(' ', '~')),
        Gen.weight(2, Gen.charsOf(BASE64URL)),
        Gen.weight(2, Gen.charsOf("\r\n\t\0;,\"\\= .")),
        Gen.weight(1, Gen.charRange('\u0000', '\u001f')),
        Gen.weight(1, Gen.charsOf("\u007f\u0085\u00a0\u2028")),
        // Letters whose Unicode case folding lands in ASCII: the Kelvin sign, the dotless i.
        Gen.weight(1, Gen.charsOf("\u212a\u0131\u0130\u017f")),
        Gen.weight(1, Gen.charRange('\ud800', '\udfff')),
        Gen.weight(2, Gen.anyChar()));
  }

  /** Strings of up to {@code maxLength} hostile characters. */
  public static Gen<String> hostileStrings(int maxLength) {
    return Gen.oneOf(
        Gen.strings(Gen.charRange(' ', '~'), 0, maxLength),
        Gen.strings(Gen.anyChar(), 0, maxLength),
        Gen.strings(hostileChars(), 0, maxLength));
  }

  /**
   * Strings from 100 KB to 1 MB: a short random chunk repeated, so that a megabyte costs one copy
   * rather than a million draws. With {@code prefix} in front, e.g. {@code "Bearer "}.
   */
  public static Gen<String> hugeStrings(String prefix) {
    return random -> {
      int length = 100_000 + random.nextInt(900_001);
      StringBuilder chunk = new StringBuilder();
      int chunkLength = 1 + random.nextInt(16);
      for (int i = 0; i < chunkLength; i++) {
        chunk.append(
            random.nextInt(4) == 0
                ? (char) random.nextInt(0x10000)
                : BASE64URL.charAt(random.nextInt(BASE64URL.length())));
      }
      StringBuilder out = new StringBuilder(prefix.length() + length + chunkLength);
      out.append(prefix);
      while (out.length() < prefix.length() + length) {
        out.append(chunk);
      }
      return out.toString();
    };
  }

  /** A value and a mutation of it, which may by chance be the value itself. */
  public record Mutated(String original, String mutated) {
    /** Whether the mutation differs from the original. */
    public boolean changed() {
      return !original.equals(mutated);
    }

    @Override
    public String toString() {
      // Properties prints failing inputs: show the edit, escaped, so a control character is
      // visible.
      return "Mutated[original=" + escape(original) + ", mutated=" + escape(mutated) + "]";
    }
  }

  /**
   * Mutations of a value drawn from {@code valid}: half of them one character replaced or inserted
   * with any visible ASCII or hostile character (near misses that test each character class of a
   * grammar), half one to three random edits.
   */
  public static Gen<Mutated> mutationsOf(Gen<String> valid) {
    Gen<Character> nearMiss = Gen.oneOf(Gen.charRange(' ', '~'), hostileChars());
    Gen<Mutated> oneOff =
        random -> {
          String value = valid.next(random);
          double where = random.nextDouble();
          char c = nearMiss.next(random);
          int kind = random.nextBoolean() ? 0 : 2; // flip or insert
          return new Mutated(value, new Edit(kind, where, c, "").apply(value));
        };
    return Gen.oneOf(oneOff, edits(valid));
  }

  /** One to three edits of a value drawn from {@code valid}. */
  private static Gen<Mutated> edits(Gen<String> valid) {
    Gen<Edit> edit =
        random ->
            new Edit(
                random.nextInt(Edit.KINDS),
                random.nextDouble(),
                hostileChars().next(random),
                hostileStrings(8).next(random));
    Gen<List<Edit>> editLists = edit.list(1, 3);
    return random -> {
      String value = valid.next(random);
      String out = value;
      for (Edit e : editLists.next(random)) {
        out = e.apply(out);
      }
      return new Mutated(value, out);
    };
  }

  /** One edit at a relative position of the value. */
  record Edit(int kind, double where, char c, String text) {
    static final int KINDS = 8;

    String apply(String s) {
      int at = (int) Math.min(s.length(), Math.floor(where * (s.length() + 1)));
      int in = Math.min(at, Math.max(0, s.length() - 1)); // an index inside a non-empty s
      switch (kind) {
        case 0 -> {
          // flip one character
          return s.isEmpty() ? s : s.substring(0, in) + c + s.substring(in + 1);
        }
        case 1 -> {
          // delete one character
          return s.isEmpty() ? s : s.substring(0, in) + s.substring(in + 1);
        }
        case 2 -> {
          // insert one character
          return s.substring(0, at) + c + s.substring(at);
        }
        case 3 -> {
          // truncate
          return s.substring(0, at);
        }
        case 4 -> {
          // extend
          return s + text;
        }
        case 5 -> {
          // change the case of one letter
          if (s.isEmpty()) {
            return s;
          }
          char old = s.charAt(in);
          char flipped =
              Character.isUpperCase(old) ? Character.toLowerCase(old) : Character.toUpperCase(old);
          return s.substring(0, in) + flipped + s.substring(in + 1);
        }
        case 6 -> {
          // swap two neighbours
          if (s.length() < 2 || in + 1 >= s.length()) {
            return s;
          }
          return s.substring(0, in) + s.charAt(in + 1) + s.charAt(in) + s.substring(in + 2);
        }
        default -> {
          // prepend
          return text + s;
        }
      }
    }
  }

  public static String escape(String s) {
    return Properties.escape(s);
  }
}
