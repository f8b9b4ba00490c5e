package dev.latchkey.examples.demo;

import static dev.latchkey.core.HostileInput.bounded;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.latchkey.core.Gen;
import dev.latchkey.core.HostileInput;
import dev.latchkey.core.HostileInput.Mutated;
import dev.latchkey.core.Properties;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.RefreshTokens;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import dev.latchkey.web.WebAuth;
import dev.latchkey.web.WebRequest;
import dev.latchkey.web.WebResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hostile request bodies against the body reading the demo's routes use ({@link WebAuth}, here on
 * {@code POST /token-refresh} with a 1 MiB limit so that megabyte bodies reach the parser):
 * whatever the body, the answer is a refusal or a read object, never an exception, within the
 * bound, also for deep nesting and megabyte bodies; a well-formed object is read, its string member
 * found.
 */
class JsonPropertiesTest {
  private static final Gen<String> KEYS =
      Gen.oneOf(
          Gen.of("login", "password", "refresh_token", "refresh_token", "csrf", ""),
          HostileInput.hostileStrings(12));

  /** A random JSON value of at most {@code depth} levels. */
  private static JsonElement value(SplittableRandom random, int depth) {
    int kind = random.nextInt(depth > 0 ? 8 : 5);
    return switch (kind) {
      case 0 -> new JsonPrimitive(HostileInput.hostileStrings(20).next(random));
      case 1 -> new JsonPrimitive(random.nextLong());
      case 2 -> new JsonPrimitive(random.nextBoolean());
      case 3 -> JsonNull.INSTANCE;
      case 4 -> new JsonPrimitive(random.nextInt(1000) / 8.0);
      case 5 -> {
        JsonArray array = new JsonArray();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(value(random, depth - 1));
        }
        yield array;
      }
      default -> object(random, depth - 1);
    };
  }

  /**
   * An object whose member names differ as they are sent: the body goes out as UTF-8, where every
   * unpaired surrogate becomes {@code ?}, so two names that differ only in their lone surrogates
   * arrive as one name twice, which the web layer refuses, as it should.
   */
  private static JsonObject object(SplittableRandom random, int depth) {
    JsonObject object = new JsonObject();
    Set<String> sent = new HashSet<>();
    for (int i = random.nextInt(5); i > 0; i--) {
      String name = KEYS.next(random);
      if (sent.add(new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))) {
        object.add(name, value(random, depth));
      }
    }
    return object;
  }

  private static final Gen<JsonObject> OBJECTS = random -> object(random, 4);

  private static final int LIMIT = 1024 * 1024;
  private static final WebAuth WEB = webAuth();

  private static WebAuth webAuth() {
    Clock clock = Clock.systemUTC();
    byte[] secret = DemoServerIT.SECRET.getBytes(StandardCharsets.UTF_8);
    JwtTokenService tokens =
        JwtTokenService.builder(
                KeyRing.of(SigningKey.hmac("k", secret, SigningAlgorithm.HS256)), "test", "test")
            .revocationList(JwtTokenService.inMemoryRevocationList(clock))
            .clock(clock)
            .build();
    RefreshTokens refresh =
        RefreshTokens.builder(tokens, RefreshTokens.inMemoryStore(clock)).clock(clock).build();
    return WebAuth.builder().tokens(tokens, refresh).maxBodyBytes(LIMIT).clock(clock).build();
  }

  /** What the web layer made of a body. */
  enum Read {
    /** One object with a string {@code refresh_token} member: the token was looked up. */
    OBJECT_WITH_TOKEN,
    /** One object without a string {@code refresh_token} member. */
    OBJECT_WITHOUT_TOKEN,
    /** Not exactly one strict JSON object. */
    REFUSED,
    /** Over the size limit. */
    TOO_LARGE
  }

  /** A JSON {@code POST /token-refresh} carrying {@code body}. */
  private record Post(String text) implements WebRequest {
    @Override
    public String method() {
      return "POST";
    }

    @Override
    public String path() {
      return "/token-refresh";
    }

    @Override
    public List<String> headers(String name) {
      return "Content-Type".equalsIgnoreCase(name) ? List.of("application/json") : List.of();
    }

    @Override
    public String clientAddress() {
      return "127.0.0.1";
    }

    @Override
    public InputStream body() {
      return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Read parse(String body) {
    WebResponse r = bounded(() -> WEB.tokenRefresh(new Post(body)));
    String error = JsonParser.parseString(r.body()).getAsJsonObject().get("error").getAsString();
    Read read =
        switch (r.status()) {
          case 413 -> Read.TOO_LARGE;
          case 401 -> Read.OBJECT_WITH_TOKEN;
          case 400 ->
              error.equals("refresh_token is required") ? Read.OBJECT_WITHOUT_TOKEN : Read.REFUSED;
          default -> throw new AssertionError("unexpected answer " + r.status() + " " + error);
        };
    if (read == Read.REFUSED) {
      assertThat(error).isEqualTo("body must be a JSON object");
    }
    return read;
  }

  /** How an object's {@code refresh_token} member makes the web layer read it. */
  private static Read expected(JsonObject object) {
    JsonElement token = object.get("refresh_token");
    return token instanceof JsonPrimitive p && p.isString()
        ? Read.OBJECT_WITH_TOKEN
        : Read.OBJECT_WITHOUT_TOKEN;
  }

  /** Whether Gson, strict, reads {@code body} as exactly one object (the reference parser). */
  private static boolean strictGsonObject(String body) {
    try (JsonReader reader = new JsonReader(new StringReader(body))) {
      reader.setStrictness(Strictness.STRICT);
      JsonElement element = JsonParser.parseReader(reader);
      return element.isJsonObject() && reader.peek() == JsonToken.END_DOCUMENT;
    } catch (RuntimeException | java.io.IOException e) {
      return false;
    }
  }

  @Test
  void wellFormedObjectsAreReadAndTheirStringMemberFound() {
    Properties.forAll(
        1000,
        OBJECTS,
        object -> {
          // JsonElement.toString writes null members too (Gson's toJson would leave them out).
          String body = object.toString();
          assertThat(parse(body)).isEqualTo(expected(object));
          // Whitespace around it changes nothing.
          assertThat(parse(" \n" + body + "\t ")).isEqualTo(expected(object));
        });
  }

  @Test
  void mutatedAndArbitraryBodiesGiveAnObjectOrEmptyNeverAnException() {
    Gen<String> bodies =
        Gen.oneOf(
            HostileInput.mutationsOf(OBJECTS.map(JsonObject::toString)).map(Mutated::mutated),
            HostileInput.hostileStrings(200),
            Gen.strings(Gen.charsOf("{}[]\":,0123456789.eE+-truefalsnul \\u\n"), 0, 60));
    Properties.forAll(
        1000,
        bodies,
        body -> {
          Read read = parse(body);
          // What is accepted is exactly one object to a strict reference parser as well.
          if (read != Read.REFUSED) {
            assertThat(strictGsonObject(body)).as(HostileInput.escape(body)).isTrue();
          }
        });
  }

  @Test
  void strictSyntaxOnly() {
    for (String lenient :
        new String[] {
          "",
          " ",
          "null",
          "[]",
          "1",
          "\"s\"",
          "{}{}",
          "{} x",
          "{'a':1}",
          "{a:1}",
          "{\"a\":1,}",
          "{\"a\":NaN}",
          "{\"a\":1;\"b\":2}",
          "{\"a\"=1}",
          "// c\n{}",
          "{\"a\":1}\u0000"
        }) {
      assertThat(parse(lenient)).as(HostileInput.escape(lenient)).isEqualTo(Read.REFUSED);
    }
    assertThat(parse("{}")).isEqualTo(Read.OBJECT_WITHOUT_TOKEN);
  }

  /** A body nested {@code depth} levels deep, closed or not. */
  private record Nested(int depth, boolean closed, String body) {
    @Override
    public String toString() {
      return "Nested[depth=" + depth + ", closed=" + closed + "]";
    }
  }

  @Test
  void nestingIsRefusedPastTheLimitInBoundedTime() {
    Gen<Integer> depths = Gen.oneOf(Gen.ints(1, 40), Gen.ints(1, 100_000));
    Gen<Nested> nested =
        depths.flatMap(
            depth ->
                Gen.of(
                    new Nested(depth, true, "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)),
                    new Nested(
                        depth + 1, true, "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}"),
                    new Nested(depth + 1, false, "{\"a\":" + "[".repeat(depth)),
                    new Nested(depth, false, "{\"a\":".repeat(depth))));
    Properties.forAll(
        60,
        nested,
        n -> {
          Read read = parse(n.body());
          // The limit is 16 levels: anything deeper, or unclosed, is refused.
          assertThat(read != Read.REFUSED).isEqualTo(n.closed() && n.depth() <= 16);
        });
  }

  @Test
  void megabyteBodiesAreAnsweredInBoundedTime() {
    Properties.forAll(5, HostileInput.hugeStrings("{\"login\":\""), body -> parse(body));
    Properties.forAll(
        5,
        HostileInput.hugeStrings("")
            .map(b -> "{\"login\":\"" + b.replaceAll("[\"\\\\\\x00-\\x1f]", "a") + "\"}"),
        body -> assertThat(parse(body)).isEqualTo(objectWithinLimit(body)));
    Properties.forAll(3, HostileInput.hugeStrings(""), body -> parse(body));
    Properties.forAll(
        3,
        Gen.ints(100_000, 1_000_000).map(n -> "{\"n\":" + "9".repeat(n) + "}"),
        body -> parse(body));
    Properties.forAll(
        3,
        Gen.ints(100_000, 1_000_000).map(n -> " ".repeat(n) + "{}" + " ".repeat(n)),
        body -> assertThat(parse(body)).isEqualTo(objectWithinLimit(body)));
  }

  /** An object without the member is read, unless its UTF-8 is over the limit. */
  private static Read objectWithinLimit(String body) {
    return body.getBytes(StandardCharsets.UTF_8).length > LIMIT
        ? Read.TOO_LARGE
        : Read.OBJECT_WITHOUT_TOKEN;
  }
}
