package dev.latchkey.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request body read as one JSON object, or the answer that refuses it: 415 unless {@code
 * Content-Type} is {@code application/json} (a charset, if named, UTF-8), 413 past the size limit,
 * 400 unless it is exactly one strict JSON object ({@link JsonText}). JSON alone, never a form: a
 * page on another site cannot send {@code application/json} without a CORS preflight that nothing
 * here grants.
 *
 * @param members the object's top-level members as {@link JsonText#readMembers} reads them; empty
 *     when refused
 * @param refusal the answer refusing the body, or {@code null}
 */
record JsonBody(Map<String, Object> members, WebResponse refusal) {
  private static final JsonBody EMPTY = new JsonBody(Map.of(), null);

  static JsonBody read(WebRequest request, int maxBytes, boolean optional) {
    byte[] bytes;
    try (InputStream in = request.body()) {
      bytes = in.readNBytes(maxBytes + 1);
    } catch (IOException e) {
      return refused(400, "the body could not be read");
    }
    if (bytes.length > maxBytes) {
      return refused(413, "body too large");
    }
    if (optional && blank(bytes)) {
      return EMPTY;
    }
    if (!isJson(request.headers("Content-Type"))) {
      return refused(415, "Content-Type must be application/json");
    }
    Optional<Map<String, Object>> object = JsonText.readMembers(bytes);
    return object
        .map(members -> new JsonBody(members, null))
        .orElseGet(() -> refused(400, "body must be a JSON object"));
  }

  Optional<String> string(String name) {
    return members.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  /** Whether the member {@code name} is the JSON literal {@code true} (not the string). */
  boolean isTrue(String name) {
    return Boolean.TRUE.equals(members.get(name));
  }

  /** The member {@code name} whatever its type, or empty when absent. */
  Optional<Object> member(String name) {
    return Optional.ofNullable(members.get(name));
  }

  private static JsonBody refused(int status, String message) {
    return new JsonBody(Map.of(), Answers.error(status, message));
  }

  private static boolean blank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  /** Exactly one {@code Content-Type}, {@code application/json}, any charset UTF-8. */
  static boolean isJson(List<String> contentTypes) {
    if (contentTypes.size() != 1) {
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

  @Override
  public String toString() {
    // Members hold passwords and refresh tokens.
    return refusal == null ? "JsonBody[" + members.size() + " members]" : "JsonBody[refused]";
  }
}
