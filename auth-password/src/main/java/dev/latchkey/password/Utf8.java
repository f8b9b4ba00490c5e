package dev.latchkey.password;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** UTF-8 of a {@code char[]} without going through a {@link String}. */
final class Utf8 {
  private Utf8() {}

  /** The UTF-8 length of {@code chars}, or -1 when they hold an unpaired surrogate. */
  static int length(char[] chars) {
    int bytes = 0;
    for (int i = 0; i < chars.length; i++) {
      char c = chars[i];
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 >= chars.length || !Character.isLowSurrogate(chars[i + 1])) {
          return -1;
        }
        bytes += 4;
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return -1;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * A new array with the UTF-8 of {@code chars}; the caller wipes it.
   *
   * @throws IllegalArgumentException when {@code chars} hold an unpaired surrogate
   */
  static byte[] encode(char[] chars) {
    int length = length(chars);
    if (length < 0) {
      throw new IllegalArgumentException("password is not valid UTF-16 (unpaired surrogate)");
    }
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    byte[] out = new byte[length];
    ByteBuffer target = ByteBuffer.wrap(out);
    CoderResult result = encoder.encode(CharBuffer.wrap(chars), target, true);
    if (!result.isUnderflow() || !encoder.flush(target).isUnderflow()) {
      Arrays.fill(out, (byte) 0);
      throw new IllegalArgumentException("password is not valid UTF-16");
    }
    return out;
  }
}
