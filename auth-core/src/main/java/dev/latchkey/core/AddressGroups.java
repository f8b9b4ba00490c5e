package dev.latchkey.core;

import java.util.Locale;

/**
 * The group a client address is throttled in. One IPv6 subscriber usually holds a whole /64, so an
 * IPv6 address counts for its /64 ({@code 2001:db8:0:1::/64}); an IPv4 address, and an IPv4-mapped
 * IPv6 address ({@code ::ffff:192.0.2.1}), count for the single IPv4 address in dotted decimal.
 * Addresses are parsed strictly, without name resolution: IPv4 as four decimal octets without
 * leading zeros, IPv6 in RFC 4291 text form (one {@code ::} at most, an embedded IPv4 tail, any
 * letter case) with an optional {@code %zone}, which is ignored. Anything else, including an empty
 * string, counts in the one group {@value #UNPARSED}, so a string that is not an address is never a
 * fresh budget.
 */
final class AddressGroups {
  /** The group of every string that is not an address. */
  static final String UNPARSED = "unparsed";

  /** Longer than any address in text form with a reasonable zone. */
  private static final int MAX_LENGTH = 100;

  private AddressGroups() {}

  /** The group of {@code address}; {@code null} (no address known) stays {@code null}. */
  static String of(String address) {
    if (address == null) {
      return null;
    }
    if (address.isEmpty() || address.length() > MAX_LENGTH) {
      return UNPARSED;
    }
    if (address.indexOf(':') < 0) {
      long v4 = ipv4(address, 0, address.length());
      return v4 < 0 ? UNPARSED : dotted(v4);
    }
    byte[] v6 = ipv6(address);
    if (v6 == null) {
      return UNPARSED;
    }
    if (isMappedIpv4(v6)) {
      return dotted(
          ((v6[12] & 0xffL) << 24)
              | ((v6[13] & 0xffL) << 16)
              | ((v6[14] & 0xffL) << 8)
              | (v6[15] & 0xffL));
    }
    StringBuilder out = new StringBuilder(24);
    for (int i = 0; i < 8; i += 2) {
      out.append(Integer.toHexString(((v6[i] & 0xff) << 8) | (v6[i + 1] & 0xff))).append(':');
    }
    return out.append(":/64").toString();
  }

  /** The IPv4 address in {@code s[from, to)} as an unsigned 32-bit value, or -1. */
  private static long ipv4(String s, int from, int to) {
    long value = 0;
    int octets = 0;
    int i = from;
    while (true) {
      int start = i;
      int octet = 0;
      while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
        octet = octet * 10 + (s.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || octet > 255 || (digits > 1 && s.charAt(start) == '0')) {
        return -1;
      }
      value = (value << 8) | octet;
      octets++;
      if (i == to) {
        return octets == 4 ? value : -1;
      }
      if (s.charAt(i) != '.' || octets == 4) {
        return -1;
      }
      i++;
    }
  }

  /** The 16 bytes of an IPv6 address in text form, or null. */
  private static byte[] ipv6(String s) {
    int end = s.length();
    int zone = s.indexOf('%');
    if (zone >= 0) {
      if (zone == end - 1) {
        return null;
      }
      for (int i = zone + 1; i < end; i++) {
        char c = s.charAt(i);
        if (!(Character.isLetterOrDigit(c) && c < 0x80) && c != '.' && c != '_' && c != '-') {
          return null;
        }
      }
      end = zone;
    }
    int gap = s.indexOf("::");
    if (gap >= end) {
      gap = -1;
    }
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0 && s.indexOf("::", gap + 1) < end) {
      return null;
    }
    int[] groups = new int[8];
    int count;
    byte[] out = new byte[16];
    if (gap < 0) {
      count = groups(s, 0, end, groups, 0, true);
      if (count != 8) {
        return null;
      }
    } else {
      int left = gap == 0 ? 0 : groups(s, 0, gap, groups, 0, false);
      if (left < 0) {
        return null;
      }
      int[] right = new int[8];
      int rightCount = gap + 2 == end ? 0 : groups(s, gap + 2, end, right, 0, true);
      if (rightCount < 0 || left + rightCount > 7) {
        return null;
      }
      System.arraycopy(right, 0, groups, 8 - rightCount, rightCount);
      count = 8;
    }
    for (int i = 0; i < count; i++) {
      out[2 * i] = (byte) (groups[i] >>> 8);
      out[2 * i + 1] = (byte) groups[i];
    }
    return out;
  }

  /**
   * Reads colon-separated groups of 1 to 4 hex digits from {@code s[from, to)} into {@code groups};
   * when {@code ipv4Tail}, the last may be a dotted IPv4 address (two groups). The number of groups
   * read, or -1.
   */
  private static int groups(String s, int from, int to, int[] groups, int at, boolean ipv4Tail) {
    int n = at;
    int i = from;
    while (true) {
      int start = i;
      int value = 0;
      while (i < to
          && i - start < 5
          && s.charAt(i) < 0x80
          && Character.digit(s.charAt(i), 16) >= 0) {
        value = (value << 4) | Character.digit(s.charAt(i), 16);
        i++;
      }
      if (ipv4Tail && i < to && s.charAt(i) == '.') {
        long v4 = ipv4(s, start, to);
        if (v4 < 0 || n > 6) {
          return -1;
        }
        groups[n++] = (int) (v4 >>> 16);
        groups[n++] = (int) (v4 & 0xffff);
        return n - at;
      }
      int digits = i - start;
      if (digits == 0 || digits > 4 || n == 8) {
        return -1;
      }
      groups[n++] = value;
      if (i == to) {
        return n - at;
      }
      if (s.charAt(i) != ':') {
        return -1;
      }
      i++;
      if (i == to) {
        return -1;
      }
    }
  }

  private static boolean isMappedIpv4(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
  }

  private static String dotted(long v4) {
    return String.format(
        Locale.ROOT, "%d.%d.%d.%d", v4 >>> 24, (v4 >>> 16) & 0xff, (v4 >>> 8) & 0xff, v4 & 0xff);
  }
}
