package dev.latchkey.examples.demo;

import com.sun.net.httpserver.HttpExchange;
import dev.latchkey.web.WebRequest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;

/**
 * A JDK {@code HttpExchange} as the web layer reads it. The body is the bytes {@link
 * JsonHttpServer} already read within its limit, so a route never touches the socket.
 */
final class ExchangeRequest implements WebRequest {
  private final HttpExchange exchange;
  private final byte[] body;

  ExchangeRequest(HttpExchange exchange, byte[] body) {
    this.exchange = exchange;
    this.body = body;
  }

  @Override
  public String method() {
    return exchange.getRequestMethod();
  }

  @Override
  public String path() {
    return exchange.getRequestURI().getPath();
  }

  @Override
  public List<String> headers(String name) {
    // Headers compares names case-insensitively.
    List<String> values = exchange.getRequestHeaders().get(name);
    return values == null ? List.of() : values;
  }

  @Override
  public String clientAddress() {
    return exchange.getRemoteAddress().getAddress().getHostAddress();
  }

  @Override
  public InputStream body() {
    return new ByteArrayInputStream(body);
  }

  @Override
  public String toString() {
    return "ExchangeRequest[" + method() + " " + path() + "]";
  }
}
