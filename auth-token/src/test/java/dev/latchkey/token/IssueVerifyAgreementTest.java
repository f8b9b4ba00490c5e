package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.latchkey.core.Principal;
import dev.latchkey.core.TestClock;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Whatever {@link JwtTokenService#issue} returns, its own {@link JwtTokenService#verify} accepts:
 * an extra claim that verify would refuse to read is refused at issue, with an {@link
 * IllegalArgumentException} naming the claim but never quoting its value.
 */
class IssueVerifyAgreementTest {
  private static final Principal ALICE = Principal.of("alice");
  private static final String SECRET_DIGITS = "31415926535";

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final JwtTokenService service =
      JwtTokenService.builder(
              KeyRing.of(SigningKey.hmac("h", new byte[32], SigningAlgorithm.HS256)),
              "https://auth.example",
              "api")
          .clock(clock)
          .build();

  private void refusedAtIssueNamingOnlyTheClaim(String claim, Object value) {
    assertThatThrownBy(() -> service.issue(ALICE, Map.of(claim, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(claim)
        .hasMessageNotContaining(SECRET_DIGITS);
  }

  private void issuedAndVerified(Object value) {
    String token = service.issue(ALICE, Map.of("x", value)).value();
    assertThat(service.verify(token).succeeded()).as("%s", value).isTrue();
  }

  @Test
  void aDecimalBeyondDoubleRangeIsRefusedAtIssue() {
    refusedAtIssueNamingOnlyTheClaim("price", new BigDecimal("1e400"));
    refusedAtIssueNamingOnlyTheClaim("price", new BigDecimal(SECRET_DIGITS + "e400"));
    refusedAtIssueNamingOnlyTheClaim("price", List.of(new BigDecimal("-1.8e308")));
  }

  @Test
  void anIntegerLongerThanVerifyReadsIsRefusedAtIssue() {
    BigInteger huge = new BigInteger(SECRET_DIGITS + "9".repeat(290)); // 301 digits
    refusedAtIssueNamingOnlyTheClaim("account", huge);
    refusedAtIssueNamingOnlyTheClaim("account", Map.of("n", huge));
    refusedAtIssueNamingOnlyTheClaim("account", new BigDecimal(huge));
  }

  @Test
  void numbersVerifyReadsAreIssued() {
    issuedAndVerified(new BigDecimal("1e-400")); // reads as 0.0: read, not refused
    issuedAndVerified(new BigDecimal("1.7976931348623157e308"));
    issuedAndVerified(new BigInteger("9".repeat(256)));
    issuedAndVerified(new BigDecimal("123.456"));
    issuedAndVerified(Double.MIN_VALUE);
    issuedAndVerified(-Float.MAX_VALUE);
    issuedAndVerified(Long.MIN_VALUE);
    issuedAndVerified((short) -7);
    issuedAndVerified(new AtomicLong(42));
  }

  @Test
  void aMemberNameTwiceInANestedObjectIsRefusedAtIssue() {
    // Equal names that are different String instances: two keys of an IdentityHashMap, which
    // JSON would write as one object holding the name twice.
    IdentityHashMap<String, Object> twice = new IdentityHashMap<>();
    twice.put(new String("role"), "user");
    twice.put(new String("role"), "admin");
    refusedAtIssueNamingOnlyTheClaim("profile", twice);
    refusedAtIssueNamingOnlyTheClaim("profile", List.of(Map.of("inner", twice)));
  }

  @Test
  void aNumberTypeJsonDoesNotWriteAsANumberIsRefusedAtIssue() {
    LongAdder adder = new LongAdder();
    adder.add(3);
    refusedAtIssueNamingOnlyTheClaim("count", adder);
    refusedAtIssueNamingOnlyTheClaim("count", new BigInteger("3") {});
  }

  @Test
  void wideSharedStructuresAreRefusedWithoutWalkingThemWhole() {
    // 2^30 leaves through 30 levels of one shared list: a bounded walk refuses it at once.
    Object shared = "x";
    for (int i = 0; i < 30; i++) {
      List<Object> twice = new ArrayList<>();
      twice.add(shared);
      twice.add(shared);
      shared = twice;
    }
    Object wide = shared;
    assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> refusedAtIssueNamingOnlyTheClaim("tree", wide));
  }
}
