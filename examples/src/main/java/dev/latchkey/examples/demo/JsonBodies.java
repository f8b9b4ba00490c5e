package dev.latchkey.examples.demo;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Request bodies read as JSON: the {@code Content-Type} gate (415), strict UTF-8 and exactly one
 * JSON object (400). The body itself was read, within its size limit, by {@link JsonHttpServer}
 * before the route ran.
 */
final class JsonBodies {
  private JsonBodies() {}

  /** A request body read as one JSON object, or the answer that refuses it. */
  record JsonBody(JsonObject object, Response refusal) {
    static JsonBody refused(Response refusal) {
      return new JsonBody(null, refusal);
    }
  }

  /**
   * The body as one JSON object: 415 unless the {@code Content-Type} is {@code application/json}
   * (parameters allowed, a charset only if UTF-8); 400 unless the body is exactly one well-formed
   * UTF-8 object without duplicate member names (see {@link Json#parseObject}).
   */
  static JsonBody jsonBody(HttpExchange ex) {
    if (!isJson(ex.getRequestHeaders().get("Content-Type"))) {
      return JsonBody.refused(Response.error(415, "Content-Type must be application/json"));
    }
    Optional<JsonObject> object = utf8(body(ex)).flatMap(Json::parseObject);
    return object
        .map(o -> new JsonBody(o, null))
        .orElseGet(() -> JsonBody.refused(Response.error(400, "body must be a JSON object")));
  }

  /** As {@link #jsonBody}, but an empty (or blank) body is an empty object, whatever its type. */
  static JsonBody optionalJsonBody(HttpExchange ex) {
    byte[] body = body(ex);
    boolean blank = utf8(body).map(String::isBlank).orElse(false);
    return blank ? new JsonBody(new JsonObject(), null) : jsonBody(ex);
  }

  private static byte[] body(HttpExchange ex) {
    Object body = ex.getAttribute(JsonHttpServer.BODY_ATTRIBUTE);
    return body instanceof byte[] bytes ? bytes : new byte[0];
  }

  /** Strict UTF-8: a malformed byte sequence is refused, not replaced. */
  private static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** Exactly one {@code Content-Type}, {@code application/json}, any charset UTF-8. */
  static boolean isJson(List<String> contentTypes) {
    if (contentTypes == null || contentTypes.size() != 1) {
      return false;
    }
    String[] parts = contentTypes.get(0).split(";", -1);
    if (!"application/json".equalsIgnoreCase(parts[0].trim())) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String parameter = parts[i].trim();
      int eq = parameter.indexOf('=');
      if (eq > 0 && "charset".equalsIgnoreCase(parameter.substring(0, eq).trim())) {
        String charset = parameter.substring(eq + 1).trim().replace("\"", "");
        if (!"utf-8".equals(charset.toLowerCase(Locale.ROOT))) {
          return false;
        }
      }
    }
    return true;
  }
}
