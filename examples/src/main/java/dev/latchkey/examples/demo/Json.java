package dev.latchkey.examples.demo;

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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Strict JSON for the demo's request bodies: one object, nothing after it, no lenient syntax, no
 * member name twice in one object. A body that is anything else is answered 400, never a stack
 * trace.
 */
final class Json {
  private static final Gson GSON = new Gson();

  private Json() {}

  private static final int NESTING_LIMIT = 16;

  /**
   * The body as a JSON object, or empty when it is not exactly one well-formed object, or when an
   * object in it (at any depth) names a member twice.
   */
  static Optional<JsonObject> parseObject(String body) {
    try (JsonReader reader = new JsonReader(new StringReader(body))) {
      // Gson keeps the last of two equal names; another parser in front of or behind the demo
      // may keep the first, so {"username":"alice","username":"admin"} would mean two things.
      if (hasDuplicateNames(body)) {
        return Optional.empty();
      }
      reader.setStrictness(Strictness.STRICT);
      reader.setNestingLimit(NESTING_LIMIT);
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

  /** Whether an object names a member twice; throws when the text is not strict JSON. */
  private static boolean hasDuplicateNames(String body) throws IOException {
    try (JsonReader reader = new JsonReader(new StringReader(body))) {
      reader.setStrictness(Strictness.STRICT);
      reader.setNestingLimit(NESTING_LIMIT);
      Deque<Set<String>> names = new ArrayDeque<>();
      while (true) {
        switch (reader.peek()) {
          case BEGIN_OBJECT -> {
            reader.beginObject();
            names.push(new HashSet<>());
          }
          case END_OBJECT -> {
            reader.endObject();
            names.pop();
          }
          case BEGIN_ARRAY -> reader.beginArray();
          case END_ARRAY -> reader.endArray();
          case NAME -> {
            if (!names.peek().add(reader.nextName())) {
              return true;
            }
          }
          case END_DOCUMENT -> {
            return false;
          }
          default -> reader.skipValue();
        }
      }
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
