package dev.latchkey.examples.demo;

import dev.latchkey.web.WebResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The demo's page: {@code GET /} (index.html), {@code /app.js} and {@code /app.css}, read once from
 * the class path ({@code page/} beside this class). Every asset is sent with a Content-Security-
 * Policy that allows only this origin's script, style and fetches, so an injected tag could neither
 * run inline script nor send a token elsewhere; {@code no-store} keeps a logged-in view out of
 * caches. Safe for concurrent use.
 */
final class PageRoutes {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  /** Asset name to its text and media type, loaded when the class is first used. */
  private static final Map<String, Asset> ASSETS =
      Map.of(
          "index.html", new Asset(load("index.html"), "text/html"),
          "app.js", new Asset(load("app.js"), "text/javascript"),
          "app.css", new Asset(load("app.css"), "text/css"));

  private record Asset(String text, String mediaType) {}

  private PageRoutes() {}

  /**
   * The asset {@code name} ({@code index.html}, {@code app.js} or {@code app.css}) with the page's
   * security headers; a 404 for any other name.
   */
  static WebResponse asset(String name) {
    Asset asset = ASSETS.get(name);
    if (asset == null) {
      return JsonHttpServer.error(404, "not found");
    }
    // The server adds X-Content-Type-Options: nosniff to every answer.
    return DemoServer.raw(asset.text(), asset.mediaType())
        .withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .withHeader("Referrer-Policy", "no-referrer")
        .withHeader("Cache-Control", "no-store");
  }

  private static String load(String name) {
    try (InputStream in = PageRoutes.class.getResourceAsStream("page/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing page resource: page/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read page resource: page/" + name, e);
    }
  }
}
