package dev.latchkey.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How client addresses are grouped for the per-address throttle. */
class AddressGroupsTest {

  @Test
  void ipv6AddressesCountForTheirSlash64() {
    assertThat(AddressGroups.of("2001:db8:1:2::1")).isEqualTo("2001:db8:1:2::/64");
    assertThat(AddressGroups.of("2001:0DB8:0001:0002:ffff:ffff:ffff:ffff"))
        .isEqualTo("2001:db8:1:2::/64");
    assertThat(AddressGroups.of("2001:db8:1:2:3:4:5:6")).isEqualTo("2001:db8:1:2::/64");
    assertThat(AddressGroups.of("2001:db8:1:3::1")).isEqualTo("2001:db8:1:3::/64");
    assertThat(AddressGroups.of("::1")).isEqualTo("0:0:0:0::/64");
    assertThat(AddressGroups.of("::")).isEqualTo("0:0:0:0::/64");
    assertThat(AddressGroups.of("2001:db8::")).isEqualTo("2001:db8:0:0::/64");
    assertThat(AddressGroups.of("fe80::1%eth0")).isEqualTo("fe80:0:0:0::/64");
    assertThat(AddressGroups.of("0:0:0:0:0:0:0:1")).isEqualTo("0:0:0:0::/64");
    assertThat(AddressGroups.of("64:ff9b::192.0.2.1")).isEqualTo("64:ff9b:0:0::/64");
  }

  @Test
  void ipv4AndIpv4MappedAddressesCountAlone() {
    assertThat(AddressGroups.of("192.0.2.1")).isEqualTo("192.0.2.1");
    assertThat(AddressGroups.of("0.0.0.0")).isEqualTo("0.0.0.0");
    assertThat(AddressGroups.of("255.255.255.255")).isEqualTo("255.255.255.255");
    assertThat(AddressGroups.of("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
    assertThat(AddressGroups.of("::FFFF:c000:0201")).isEqualTo("192.0.2.1");
    assertThat(AddressGroups.of("0:0:0:0:0:ffff:192.0.2.1")).isEqualTo("192.0.2.1");
  }

  @Test
  void everythingElseSharesOneGroup() {
    String[] notAddresses = {
      "",
      " ",
      "192.0.2.1 ",
      "192.0.2",
      "192.0.2.1.5",
      "192.0.2.256",
      "192.0.2.01",
      "1234.0.0.1",
      "192.0.2.-1",
      "1.2.3.4x",
      "example.com",
      "localhost",
      "unknown",
      "[::1]",
      "::1]",
      "1.2.3.4:80",
      "2001:db8::1::2",
      ":::",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      ":1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:",
      "2001:db8:12345::1",
      "2001:db8::g",
      "2001:db8::1%",
      "2001:db8::1%a:b",
      "1.2.3.4::",
      "::1.2.3",
      "1:2:3:4:5:6:7:1.2.3.4",
      "::1:2:3:4:5:6:7:8",
      "\uff11.2.3.4",
      "2001:db8::\u0661",
      "x".repeat(1000)
    };
    for (String s : notAddresses) {
      assertThat(AddressGroups.of(s)).as("%s", s).isEqualTo(AddressGroups.UNPARSED);
    }
    assertThat(AddressGroups.of(null)).isNull();
  }
}
