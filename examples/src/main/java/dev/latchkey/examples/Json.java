package dev.latchkey.examples;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;

/**
 * Strict JSON for the demo's request bodies: one object, nothing after it, no lenient syntax. A
 * body that is anything else is answered 400, never a stack trace.
 */
final class Json {
  private static final Gson GSON = new Gson();

  private Json() {}

  /** The body as a JSON object, or empty when it is not exactly one well-formed object. */
  static Optional<JsonObject> parseObject(String body) {
    try (JsonReader reader = new JsonReader(new StringReader(body))) {
      reader.setStrictness(Strictness.STRICT);
      reader.setNestingLimit(16);
      // parseReader keeps a STRICT reader strict (it relaxes only the legacy default).
      JsonElement element = JsonParser.parseReader(reader);
      if (reader.peek() != JsonToken.END_DOCUMENT || !element.isJsonObject()) {
        return Optional.empty();
      }
      return Optional.of(element.getAsJsonObject());
    } catch (JsonParseException | IOException | IllegalStateException e) {
      return Optional.empty();
    }
  }

  /** A string member, or empty when absent or not a JSON string. */
  static Optional<String> string(JsonObject object, String name) {
    JsonElement e = object.get(name);
    if (e instanceof JsonPrimitive p && p.isString()) {
      return Optional.of(p.getAsString());
    }
    return Optional.empty();
  }

  static String write(Object value) {
    return GSON.toJson(value);
  }
}
