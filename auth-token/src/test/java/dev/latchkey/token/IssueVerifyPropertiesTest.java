package dev.latchkey.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Gen;
import dev.latchkey.core.Principal;
import dev.latchkey.core.Properties;
import dev.latchkey.core.TestClock;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue and verify agree: for any extra claims, {@link JwtTokenService#issue} either refuses them
 * with an {@link IllegalArgumentException} naming one of them, or returns a token its own {@link
 * JwtTokenService#verify} accepts, with the principal as issued. The claims are drawn to sit on
 * verify's limits: numbers near and beyond {@code double} range and the 256-character number limit,
 * nesting near 32 levels, unpaired surrogates, member names given twice, registered names.
 */
class IssueVerifyPropertiesTest {
  private static final Principal ALICE =
      new Principal("alice", Set.of("user"), Map.of("tenant", "acme"));
  private static final List<String> NAMES =
      List.of("a", "b", "price", "n", "roles", "iss", "nbf", "attrs", "\u00e9t\u00e9", "x y");

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00.250Z"));

  private JwtTokenService service(SigningKey key) {
    return JwtTokenService.builder(KeyRing.of(key), "https://auth.example", "api")
        .clock(clock)
        .maxTokenLength(64 * 1024)
        .build();
  }

  @Test
  void everyTokenIssueReturnsVerifies() {
    JwtTokenService hs256 = service(SigningKey.hmac("h", new byte[32], SigningAlgorithm.HS256));
    Properties.forAll(3000, extraClaims(), claims -> issueThenVerify(hs256, claims));
  }

  @Test
  void everyTokenIssueReturnsVerifiesForEveryAlgorithm() {
    for (SigningKey key : JwtTokenServiceTest.everyAlgorithm().toList()) {
      JwtTokenService service = service(key);
      Properties.forAll(40, extraClaims(), claims -> issueThenVerify(service, claims));
    }
  }

  private static void issueThenVerify(JwtTokenService service, Map<String, Object> claims) {
    String token;
    try {
      token = service.issue(ALICE, claims).value();
    } catch (IllegalArgumentException refused) {
      assertThat(claims.keySet())
          .as("the refusal names a claim: %s", refused.getMessage())
          .anyMatch(name -> refused.getMessage().contains(name));
      return;
    }
    AuthResult result = service.verify(token);
    assertThat(result.succeeded()).as("verify of an issued token: %s", result).isTrue();
    assertThat(result.principal().orElseThrow()).isEqualTo(ALICE);
    // Every extra claim given comes back, and nothing else does.
    AccessToken read = service.verifyToken(token).accessToken().orElseThrow();
    assertThat(read.claims().keySet()).isEqualTo(claims.keySet());
  }

  private static Gen<Map<String, Object>> extraClaims() {
    return random -> {
      Map<String, Object> claims = new LinkedHashMap<>();
      int size = random.nextInt(4);
      for (int i = 0; i < size; i++) {
        claims.put(name(random), value(random, 2));
      }
      return claims;
    };
  }

  private static String name(SplittableRandom random) {
    return random.nextInt(8) == 0
        ? Gen.strings(Gen.anyChar(), 1, 4).next(random)
        : NAMES.get(random.nextInt(NAMES.size()));
  }

  /** A claim value at {@code depth} (the claims object is depth 1, as verify counts). */
  private static Object value(SplittableRandom random, int depth) {
    int pick = random.nextInt(depth > 40 ? 10 : 14);
    return switch (pick) {
      case 0 -> Gen.strings(Gen.charRange(' ', '~'), 0, 12).next(random);
      case 1 -> Gen.strings(Gen.anyChar(), 0, 6).next(random);
      case 2 -> random.nextLong();
      case 3 -> random.nextInt();
      case 4 -> Double.longBitsToDouble(random.nextLong()); // NaN and infinities included
      case 5 -> Float.intBitsToFloat(random.nextInt());
      case 6 -> new BigInteger(digits(random, 1 + random.nextInt(320)));
      case 7 ->
          new BigDecimal(
              new BigInteger(digits(random, 1 + random.nextInt(300))), random.nextInt(-700, 700));
      case 8 -> random.nextBoolean() ? true : new AtomicLong(random.nextLong());
      case 9 -> random.nextInt(4) == 0 ? null : "s";
      case 10, 11 -> {
        List<Object> list = new ArrayList<>();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          list.add(value(random, depth + 1));
        }
        yield list;
      }
      case 12 -> {
        // Now and then an IdentityHashMap, whose equal names can be two keys.
        Map<String, Object> map =
            random.nextInt(4) == 0 ? new IdentityHashMap<>() : new HashMap<>();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          map.put(new String(name(random)), value(random, depth + 1));
        }
        yield map;
      }
      default -> {
        // A chain of one-element lists ending near verify's depth limit.
        Object chain = "end";
        int levels = 28 - depth + random.nextInt(8);
        for (int i = 0; i < levels; i++) {
          chain = List.of(chain);
        }
        yield chain;
      }
    };
  }

  private static String digits(SplittableRandom random, int count) {
    StringBuilder s = new StringBuilder(count + 1);
    if (random.nextBoolean()) {
      s.append('-');
    }
    s.append((char) ('1' + random.nextInt(9)));
    for (int i = 1; i < count; i++) {
      s.append((char) ('0' + random.nextInt(10)));
    }
    return s.toString();
  }
}
