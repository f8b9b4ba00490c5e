package dev.latchkey.account;

import java.util.Locale;
import java.util.Objects;

/**
 * Base32 of RFC 4648 section 6 (alphabet {@code A-Z2-7}), the encoding authenticator apps read a
 * TOTP secret in. Encodes without padding, as {@code otpauth} URIs carry it; decodes with or
 * without padding, in either case, ignoring spaces (people type secrets in groups).
 */
final class Base32 {
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private Base32() {}

  /** {@return {@code bytes} in base32, unpadded} */
  static String encode(byte[] bytes) {
    StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }

  /** {@return {@code bytes} in base32 with {@code =} padding to a multiple of 8 characters} */
  static String encodePadded(byte[] bytes) {
    StringBuilder out = new StringBuilder(encode(bytes));
    while (out.length() % 8 != 0) {
      out.append('=');
    }
    return out.toString();
  }

  /**
   * Decodes {@code text}.
   *
   * @throws IllegalArgumentException when {@code text} holds a character outside the alphabet, or
   *     its length or trailing bits are not those of an encoding
   */
  static byte[] decode(String text) {
    String s = Objects.requireNonNull(text, "text").replace(" ", "").toUpperCase(Locale.ROOT);
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '=') {
      end--;
    }
    int rest = end % 8;
    if (rest == 1 || rest == 3 || rest == 6) {
      throw new IllegalArgumentException("not a base32 length");
    }
    byte[] out = new byte[end * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int n = 0;
    for (int i = 0; i < end; i++) {
      int v = value(s.charAt(i));
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[n++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
    }
    if ((buffer & ((1 << bits) - 1)) != 0) {
      throw new IllegalArgumentException("base32 has trailing bits set");
    }
    return out;
  }

  private static int value(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= '2' && c <= '7') {
      return c - '2' + 26;
    }
    throw new IllegalArgumentException("not a base32 character");
  }
}
