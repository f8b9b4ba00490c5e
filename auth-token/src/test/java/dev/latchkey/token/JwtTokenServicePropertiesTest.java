package dev.latchkey.token;

import static dev.latchkey.core.HostileInput.bounded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.AuthResult.Reason;
import dev.latchkey.core.Gen;
import dev.latchkey.core.HostileInput;
import dev.latchkey.core.HostileInput.Mutated;
import dev.latchkey.core.Principal;
import dev.latchkey.core.Properties;
import dev.latchkey.core.TestClock;
import dev.latchkey.core.internal.FailClosed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hostile tokens against {@link JwtTokenService#verify}: arbitrary strings, forged headers, and
 * tokens of every algorithm flipped, truncated, extended, re-encoded, with parts swapped or
 * transplanted from other tokens. Every answer is a typed refusal (never an exception), comes
 * within the bound, and no token succeeds unless it is, character for character, one the service
 * issued (the service documents no other accepted spelling).
 */
class JwtTokenServicePropertiesTest {
  private static final String ISS = "https://auth.example";
  private static final String AUD = "api";
  private static final Set<Reason> REFUSALS =
      EnumSet.of(Reason.MALFORMED, Reason.INVALID_CREDENTIALS);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

  /** One key of every algorithm: generated once, RSA keys are slow to make. */
  private static final List<SigningKey> KEYS = JwtTokenServiceTest.everyAlgorithm().toList();

  private static final List<Principal> PRINCIPALS =
      List.of(
          new Principal("alice", Set.of("user", "admin"), Map.of("tenant", "acme")),
          Principal.of("bob", Set.of("user")),
          Principal.of("admin"));

  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00.250Z"));

  /** One service per key (index as in KEYS), and last one ring verifying every key, cached. */
  private final List<JwtTokenService> services = new ArrayList<>();

  /** Tokens each service issued: token, principal, index of the key that signed it. */
  private final List<Issued> issued = new ArrayList<>();

  private record Issued(String token, Principal principal, int key) {}

  JwtTokenServicePropertiesTest() {
    for (SigningKey key : KEYS) {
      services.add(builder(KeyRing.of(key)).build());
    }
    SigningKey[] others = KEYS.subList(1, KEYS.size()).toArray(SigningKey[]::new);
    services.add(builder(KeyRing.of(KEYS.get(0), others)).verifiedTokenCacheSize(64).build());
    for (int k = 0; k < KEYS.size(); k++) {
      for (Principal p : PRINCIPALS) {
        issued.add(new Issued(services.get(k).issue(p).value(), p, k));
      }
    }
  }

  private JwtTokenService.Builder builder(KeyRing ring) {
    return JwtTokenService.builder(ring, ISS, AUD)
        .clock(clock)
        .accessTokenLifetime(Duration.ofMinutes(10));
  }

  private Gen<Issued> issuedTokens() {
    return random -> issued.get(random.nextInt(issued.size()));
  }

  /**
   * Verifies {@code candidate} at the service that issued {@code from}, at the ring and at a
   * service of another key: a success only at a service holding the key, only for the exact issued
   * string, with the issued principal; otherwise MALFORMED or INVALID_CREDENTIALS.
   */
  private void assertOnlyExactTokenSucceeds(Issued from, String candidate, int otherService) {
    boolean exact = candidate.equals(from.token());
    int[] verifiers = {from.key(), services.size() - 1, otherService};
    for (int s : verifiers) {
      JwtTokenService service = services.get(s);
      AuthResult result = bounded(() -> service.verify(candidate));
      boolean holdsKey = s == from.key() || s == services.size() - 1;
      if (exact && holdsKey) {
        assertThat(result.failure()).isEmpty();
        assertThat(result.principal().orElseThrow()).isEqualTo(from.principal());
      } else {
        assertRefusedWithoutEcho(result, candidate);
      }
    }
  }

  private static void assertRefusedWithoutEcho(AuthResult result, String input) {
    assertThat(result.failure()).isPresent();
    AuthResult.Failure failure = result.failure().orElseThrow();
    assertThat(failure.reason()).isIn(REFUSALS);
    // The catch-all answer is for bugs: every refusal of a hostile token must be a known one.
    assertThat(failure).isNotSameAs(FailClosed.unavailable());
    if (input != null && input.length() >= 8) {
      assertThat(failure.detail()).doesNotContain(input);
    }
  }

  @Test
  void arbitraryStringsAreRefusedWithATypedReason() {
    Gen<String> b64 = Gen.strings(Gen.charsOf(HostileInput.BASE64URL), 0, 120);
    Gen<String> threeParts = b64.list(1, 5).map(parts -> String.join(".", parts));
    Gen<String> forgedHeader =
        Gen.of(
                "{\"alg\":\"none\"}",
                "{\"alg\":\"none\",\"kid\":\"hs256\",\"typ\":\"at+jwt\"}",
                "{\"alg\":\"HS256\",\"kid\":\"rs256\",\"typ\":\"at+jwt\"}",
                "{\"alg\":\"HS256\",\"kid\":\"hs256\",\"typ\":\"at+jwt\",\"crit\":[\"x\"]}",
                "{\"alg\":\"HS256\",\"kid\":\"hs256\",\"typ\":\"at+jwt\",\"jku\":\"https://e\"}",
                "{\"alg\":\"HS256\",\"kid\":\"hs256\",\"typ\":\"JWT\"}",
                "{\"alg\":\"HS256\",\"kid\":\"hs256\"}",
                "{\"alg\":\"HS256\",\"kid\":[\"hs256\"]}",
                "{\"alg\":\"RS256\",\"kid\":\"rs256\",\"typ\":\"at+jwt\"}",
                "{\"alg\":\"EdDSA\",\"kid\":\"eddsa\",\"typ\":\"at+jwt\"}",
                "{\"alg\":\"ES256\",\"kid\":\"es256\",\"typ\":\"at+jwt\"}",
                "[]",
                "null",
                "\"x\"",
                "{\"alg\":\"HS256\",\"alg\":\"none\",\"kid\":\"hs256\"}",
                "{\"kid\":\"hs256\",\"x\":" + "[".repeat(3000) + "]".repeat(3000) + "}",
                "{\"kid\":\"hs256\",\"x\":" + "{\"a\":".repeat(1000) + "1" + "}".repeat(1000) + "}")
            .map(h -> B64.encodeToString(h.getBytes(StandardCharsets.UTF_8)));
    Gen<String> forged =
        random ->
            forgedHeader.next(random)
                + '.'
                + b64.next(random)
                + '.' // the signature may be empty
                + (random.nextBoolean() ? b64.next(random) : "");
    Gen<String> inputs =
        Gen.oneOf(HostileInput.hostileStrings(200), threeParts, forged, Gen.just(null));
    Properties.forAll(
        1000,
        inputs,
        token -> {
          for (JwtTokenService service : services) {
            assertRefusedWithoutEcho(bounded(() -> service.verify(token)), token);
          }
        });
  }

  @Test
  void mutatedTokensOfEveryAlgorithmSucceedOnlyWhenUnchanged() {
    Gen<Issued> from = issuedTokens();
    Properties.forAll(
        1500,
        random -> {
          Issued token = from.next(random);
          Mutated m =
              random.nextBoolean()
                  ? HostileInput.mutationsOf(Gen.just(token.token())).next(random)
                  : new Mutated(token.token(), structural(token.token(), random));
          return new Object[] {token, m, random.nextInt(KEYS.size())};
        },
        (Object[] in) -> {
          Issued token = (Issued) in[0];
          Mutated m = (Mutated) in[1];
          assertOnlyExactTokenSucceeds(token, m.mutated(), (Integer) in[2]);
        });
  }

  @Test
  void issuedTokensAreAcceptedOnlyByAServiceHoldingTheirKey() {
    for (Issued token : issued) {
      for (int s = 0; s < services.size(); s++) {
        AuthResult result = services.get(s).verify(token.token());
        boolean holdsKey = s == token.key() || s == services.size() - 1;
        assertThat(result.succeeded()).as("service %d, key %d", s, token.key()).isEqualTo(holdsKey);
      }
    }
  }

  @Test
  void megabyteTokensAreRefusedInBoundedTime() {
    Properties.forAll(
        5,
        HostileInput.hugeStrings("eyJ"),
        token -> assertRefusedWithoutEcho(bounded(() -> services.get(0).verify(token)), token));
    // A service that takes a mebibyte: a real header and signature around a huge payload.
    JwtTokenService big = builder(KeyRing.of(KEYS.get(0))).maxTokenLength(1 << 20).build();
    String real = big.issue(PRINCIPALS.get(0)).value();
    String[] parts = real.split("\\.", -1);
    Properties.forAll(
        5,
        HostileInput.hugeStrings(parts[1]),
        payload -> {
          String huge =
              parts[0]
                  + '.'
                  + payload
                      .substring(0, Math.min(payload.length(), (1 << 20) - 600))
                      .replaceAll("[^A-Za-z0-9_-]", "A")
                  + '.'
                  + parts[2];
          assertRefusedWithoutEcho(bounded(() -> big.verify(huge)), huge);
        });
  }

  /** One JWT-aware edit of a token: its parts swapped, re-encoded, transplanted or re-signed. */
  private String structural(String token, SplittableRandom random) {
    String[] p = token.split("\\.", -1);
    String other = issued.get(random.nextInt(issued.size())).token();
    String[] o = other.split("\\.", -1);
    int part = random.nextInt(3);
    switch (random.nextInt(17)) {
      case 0 -> {
        // header and payload swapped
        return p[1] + '.' + p[0] + '.' + p[2];
      }
      case 1 -> {
        // one part taken from another token (another key, or another subject)
        p[part] = o[part];
        return String.join(".", p);
      }
      case 2 -> {
        // a part re-encoded with padding
        p[part] = p[part] + "=".repeat(1 + random.nextInt(2));
        return String.join(".", p);
      }
      case 3 -> {
        // a part re-encoded in the standard (non-URL) alphabet
        p[part] = Base64.getEncoder().encodeToString(UNB64.decode(p[part]));
        return String.join(".", p);
      }
      case 4 -> {
        // header or payload JSON re-serialized with the same meaning
        int which = random.nextInt(2);
        String json = new String(UNB64.decode(p[which]), StandardCharsets.UTF_8);
        String respaced =
            random.nextBoolean()
                ? json.replace(",", ", ")
                : " " + json + (random.nextBoolean() ? " " : "\n");
        p[which] = B64.encodeToString(respaced.getBytes(StandardCharsets.UTF_8));
        return String.join(".", p);
      }
      case 5 -> {
        // alg none, with or without the signature
        p[0] = b64("{\"alg\":\"none\",\"kid\":\"" + kidOf(p[0]) + "\",\"typ\":\"at+jwt\"}");
        return p[0] + '.' + p[1] + '.' + (random.nextBoolean() ? "" : p[2]);
      }
      case 6 -> {
        // the header of another algorithm, same kid
        p[0] =
            b64(
                "{\"alg\":\""
                    + KEYS.get(random.nextInt(KEYS.size())).algorithm().jwsName()
                    + "\",\"kid\":\""
                    + kidOf(p[0])
                    + "\",\"typ\":\"at+jwt\"}");
        return String.join(".", p);
      }
      case 7 -> {
        // one bit of the signature flipped
        byte[] sig = UNB64.decode(p[2]);
        int bit = random.nextInt(sig.length * 8);
        sig[bit / 8] ^= (byte) (1 << (bit % 8));
        p[2] = B64.encodeToString(sig);
        return String.join(".", p);
      }
      case 8 -> {
        // the signature cut or extended by whole bytes
        byte[] sig = UNB64.decode(p[2]);
        int by = 1 + random.nextInt(4);
        byte[] changed =
            random.nextBoolean()
                ? Arrays.copyOf(sig, Math.max(0, sig.length - by))
                : Arrays.copyOf(sig, sig.length + by);
        p[2] = B64.encodeToString(changed);
        return String.join(".", p);
      }
      case 9 -> {
        // a claim changed, signature kept
        String json = new String(UNB64.decode(p[1]), StandardCharsets.UTF_8);
        String changed =
            Gen.of(
                    json.replaceFirst("\"sub\":\"[^\"]*\"", "\"sub\":\"admin\""),
                    json.replaceFirst("\"exp\":[0-9]+", "\"exp\":9999999999"),
                    json.replace("\"user\"", "\"admin\""),
                    json.replaceFirst("\"aud\":\"api\"", "\"aud\":[\"api\",\"other\"]"))
                .next(random);
        p[1] = B64.encodeToString(changed.getBytes(StandardCharsets.UTF_8));
        return String.join(".", p);
      }
      case 10 -> {
        // dots moved: a part dropped, doubled, or an extra empty part
        return Gen.of(
                p[0] + '.' + p[1],
                p[0] + '.' + p[1] + '.' + p[2] + '.' + p[2],
                p[0] + '.' + p[1] + '.' + p[2] + '.',
                '.' + token,
                p[0] + ".." + p[1] + '.' + p[2],
                p[0] + '.' + p[1] + '.' + p[1] + '.' + p[2])
            .next(random);
      }
      case 11 -> {
        // whitespace or a control character around or inside
        return Gen.of(
                " " + token,
                token + " ",
                token + "\n",
                "\t" + token,
                token + "\u0000",
                p[0] + ". " + p[1] + '.' + p[2],
                token.replace('.', '\u2024'))
            .next(random);
      }
      case 12 -> {
        // the signature of another token over these contents
        p[2] = o[2];
        return String.join(".", p);
      }
      case 13 -> {
        // a token of this key over the other token's header
        return o[0] + '.' + p[1] + '.' + p[2];
      }
      case 14 -> {
        // lower or upper case of a whole part
        p[part] =
            random.nextBoolean()
                ? p[part].toLowerCase(Locale.ROOT)
                : p[part].toUpperCase(Locale.ROOT);
        return String.join(".", p);
      }
      case 15 -> {
        // the signature's last character respelled with other spare bits (same bytes)
        String alphabet = HostileInput.BASE64URL;
        int spare = p[2].length() % 4 == 2 ? 4 : p[2].length() % 4 == 3 ? 2 : 0;
        if (spare == 0) {
          return token; // no spare bits: no second spelling to try
        }
        int mask = (1 << spare) - 1;
        int v = alphabet.indexOf(p[2].charAt(p[2].length() - 1));
        int respelled = (v & ~mask) | ((v & mask) ^ (1 + random.nextInt(mask)));
        p[2] = p[2].substring(0, p[2].length() - 1) + alphabet.charAt(respelled);
        return String.join(".", p);
      }
      default -> {
        // extended past the length limit, or a payload long but in range
        return token + "A".repeat(random.nextBoolean() ? 9000 : 100 + random.nextInt(200));
      }
    }
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String kidOf(String headerSegment) {
    String json = new String(UNB64.decode(headerSegment), StandardCharsets.UTF_8);
    return json.replaceFirst(".*\"kid\":\"([^\"]*)\".*", "$1");
  }
}
