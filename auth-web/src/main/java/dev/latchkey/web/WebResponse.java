package dev.latchkey.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A ready answer: status, headers (in order; {@code Set-Cookie} may repeat) and a UTF-8 body,
 * usually JSON. An adapter writes it as it is.
 *
 * @param status the HTTP status code
 * @param headers the headers, including {@code Content-Type} when there is a body
 * @param body the body, possibly empty
 */
public record WebResponse(int status, List<Header> headers, String body) {

  /**
   * One response header.
   *
   * @param name the header's name
   * @param value its value
   */
  public record Header(String name, String value) {
    /**
     * Creates a header.
     *
     * @param name the header's name
     * @param value its value
     * @throws NullPointerException when either is null
     * @throws IllegalArgumentException when either holds CR or LF (a header injection)
     */
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.indexOf('\r') >= 0
          || name.indexOf('\n') >= 0
          || value.indexOf('\r') >= 0
          || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("a header name or value holds CR or LF: " + name);
      }
    }

    /** {@return the name only}: a value may carry a session id ({@code Set-Cookie}) */
    @Override
    public String toString() {
      return "Header[" + name + "]";
    }
  }

  /**
   * Creates a response; {@code headers} is copied.
   *
   * @param status the HTTP status code, 100 to 599
   * @param headers the headers
   * @param body the body, possibly empty
   * @throws IllegalArgumentException when the status is out of range
   * @throws NullPointerException when {@code headers} or {@code body} is null
   */
  public WebResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599: " + status);
    }
    headers = List.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /**
   * A JSON answer with {@code Content-Type: application/json} and {@code Cache-Control: no-store}
   * (an authentication answer is never cached).
   *
   * @param status the HTTP status code
   * @param json the JSON text
   * @return the response
   */
  public static WebResponse json(int status, String json) {
    return new WebResponse(
        status,
        List.of(
            new Header("Content-Type", "application/json; charset=utf-8"),
            new Header("Cache-Control", "no-store")),
        json);
  }

  /**
   * A JSON answer whose body is {@code fields} written as one JSON object: values may be strings,
   * numbers, booleans, null, collections and maps of those.
   *
   * @param status the HTTP status code
   * @param fields the members, in their map's order
   * @return the response
   */
  public static WebResponse json(int status, Map<String, ?> fields) {
    return json(status, JsonText.write(fields));
  }

  /**
   * {@return this response with one more header}
   *
   * @param name the header's name
   * @param value its value
   */
  public WebResponse withHeader(String name, String value) {
    List<Header> more = new ArrayList<>(headers.size() + 1);
    more.addAll(headers);
    more.add(new Header(name, value));
    return new WebResponse(status, more, body);
  }

  /**
   * The first value of a header.
   *
   * @param name the header's name, compared case-insensitively
   * @return its first value, or empty
   */
  public Optional<String> header(String name) {
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }

  /** {@return the status and header names}: headers and body may carry a session id or token */
  @Override
  public String toString() {
    StringBuilder names = new StringBuilder();
    for (Header h : headers) {
      names.append(names.length() == 0 ? "" : ", ").append(h.name());
    }
    return "WebResponse[status="
        + status
        + ", headers=["
        + names
        + "], body=<"
        + body.length()
        + " chars>]";
  }

  /** {@return the body as UTF-8 bytes} */
  public byte[] bodyBytes() {
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
