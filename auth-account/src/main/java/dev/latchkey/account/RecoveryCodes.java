package dev.latchkey.account;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Recovery codes: 10 characters of Crockford's base32 alphabet (no I, L, O or U, so nothing reads
 * as another character), 50 random bits each, shown as two groups of five ({@code 7Q2KD-M9XWA}).
 * Input is read leniently: case, spaces and dashes are ignored, and {@code O}, {@code I}, {@code L}
 * read as the digits they look like.
 */
final class RecoveryCodes {
  static final int COUNT = 10;
  private static final int LENGTH = 10;
  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final SecureRandom RANDOM = new SecureRandom();

  private RecoveryCodes() {}

  /** {@return {@link #COUNT} new codes, distinct, in their display form} */
  static List<String> generate() {
    List<String> codes = new ArrayList<>(COUNT);
    while (codes.size() < COUNT) {
      StringBuilder code = new StringBuilder(LENGTH + 1);
      for (int i = 0; i < LENGTH; i++) {
        if (i == LENGTH / 2) {
          code.append('-');
        }
        code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
      }
      String c = code.toString();
      if (!codes.contains(c)) {
        codes.add(c);
      }
    }
    return List.copyOf(codes);
  }

  /**
   * {@return the canonical form of {@code input} (10 alphabet characters, no dash); empty when it
   * cannot be a recovery code}
   */
  static Optional<String> normalize(String input) {
    if (input.length() > 2 * LENGTH) {
      return Optional.empty();
    }
    StringBuilder out = new StringBuilder(LENGTH);
    for (char c : input.toUpperCase(Locale.ROOT).toCharArray()) {
      if (c == '-' || c == ' ') {
        continue;
      }
      char d =
          switch (c) {
            case 'O' -> '0';
            case 'I', 'L' -> '1';
            default -> c;
          };
      if (ALPHABET.indexOf(d) < 0) {
        return Optional.empty();
      }
      out.append(d);
    }
    return out.length() == LENGTH ? Optional.of(out.toString()) : Optional.empty();
  }
}
