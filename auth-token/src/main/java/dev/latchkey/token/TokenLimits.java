package dev.latchkey.token;

import java.time.Duration;
import java.util.Objects;

/** The bounds every verifier's settings share, checked once so that both builders agree. */
final class TokenLimits {
  private static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private TokenLimits() {}

  /** {@code skew}, when it is from 0 to 5 minutes; the message names {@code setting}. */
  static Duration requireSkew(Duration skew, String setting) {
    Objects.requireNonNull(skew, "skew");
    if (skew.isNegative() || skew.compareTo(MAX_SKEW) > 0) {
      throw new IllegalArgumentException(setting + " must be from 0 to 5 minutes: " + skew);
    }
    return skew;
  }

  /** {@code chars}, when it is from 512 to 1 MiB. */
  static int requireMaxTokenLength(int chars) {
    if (chars < 512 || chars > 1 << 20) {
      throw new IllegalArgumentException("maxTokenLength must be from 512 to 1048576: " + chars);
    }
    return chars;
  }
}
