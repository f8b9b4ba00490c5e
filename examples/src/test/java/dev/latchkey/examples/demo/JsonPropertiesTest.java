package dev.latchkey.examples.demo;

import static dev.latchkey.core.HostileInput.bounded;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.latchkey.core.Gen;
import dev.latchkey.core.HostileInput;
import dev.latchkey.core.HostileInput.Mutated;
import dev.latchkey.core.Properties;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Hostile request bodies against the demo's {@link Json#parseObject}: whatever the body, the answer
 * is an object or empty, never an exception, within the bound, also for deep nesting and megabyte
 * bodies; a well-formed object reads back equal to what was written.
 */
class JsonPropertiesTest {
  private static final Gen<String> KEYS =
      Gen.oneOf(
          Gen.of("login", "password", "refresh_token", "csrf", ""),
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

  private static JsonObject object(SplittableRandom random, int depth) {
    JsonObject object = new JsonObject();
    for (int i = random.nextInt(5); i > 0; i--) {
      object.add(KEYS.next(random), value(random, depth));
    }
    return object;
  }

  private static final Gen<JsonObject> OBJECTS = random -> object(random, 4);

  private static Optional<JsonObject> parse(String body) {
    Optional<JsonObject> parsed = bounded(() -> Json.parseObject(body));
    assertThat(parsed).isNotNull();
    return parsed;
  }

  @Test
  void wellFormedObjectsReadBackEqual() {
    Properties.forAll(
        1000,
        OBJECTS,
        object -> {
          // JsonElement.toString writes null members too (Gson's toJson would leave them out).
          String body = object.toString();
          assertThat(parse(body)).contains(object);
          // Whitespace around it changes nothing.
          assertThat(parse(" \n" + body + "\t ")).contains(object);
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
          Optional<JsonObject> parsed = parse(body);
          // What is accepted is exactly one object, written back and read again the same.
          parsed.ifPresent(o -> assertThat(parse(o.toString())).contains(o));
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
      assertThat(parse(lenient)).as(HostileInput.escape(lenient)).isEmpty();
    }
    assertThat(parse("{}")).contains(new JsonObject());
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
          Optional<JsonObject> parsed = parse(n.body());
          // The demo's limit is 16 levels: anything deeper, or unclosed, is refused.
          assertThat(parsed.isPresent()).isEqualTo(n.closed() && n.depth() <= 16);
        });
  }

  @Test
  void megabyteBodiesAreAnsweredInBoundedTime() {
    Properties.forAll(5, HostileInput.hugeStrings("{\"login\":\""), body -> parse(body));
    Properties.forAll(
        5,
        HostileInput.hugeStrings("")
            .map(b -> "{\"login\":\"" + b.replaceAll("[\"\\\\\\x00-\\x1f]", "a") + "\"}"),
        body -> assertThat(parse(body)).isPresent());
    Properties.forAll(3, HostileInput.hugeStrings(""), body -> parse(body));
    Properties.forAll(
        3,
        Gen.ints(100_000, 1_000_000).map(n -> "{\"n\":" + "9".repeat(n) + "}"),
        body -> parse(body));
    Properties.forAll(
        3,
        Gen.ints(100_000, 1_000_000).map(n -> " ".repeat(n) + "{}" + " ".repeat(n)),
        body -> assertThat(parse(body)).isPresent());
  }
}
