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

  /** Path to its ready answer, loaded when the class is first used. */
  private static final Map<String, WebResponse> ASSETS =
      Map.of(
          "/", load("index.html", "text/html"),
          "/app.js", load("app.js", "text/javascript"),
          "/app.css", load("app.css", "text/css"));

  private PageRoutes() {}

  /** The asset at {@code path} with the page's security headers; a 404 for any other path. */
  static WebResponse asset(String path) {
    return ASSETS.getOrDefault(path, JsonHttpServer.error(404, "not found"));
  }

  /**
   * The page {@code GET /} with a "Sign in with {@code provider}" link to {@code /oidc/login} in
   * place of its {@code <!--oidc-->} mark, the name HTML-escaped.
   */
  static WebResponse pageWithSignIn(String provider) {
    WebResponse page = ASSETS.get("/");
    String link =
        "<p class=\"oidc\"><a id=\"oidc-login\" href=\"/oidc/login\">Sign in with "
            + escape(provider)
            + "</a></p>";
    return new WebResponse(page.status(), page.headers(), page.body().replace("<!--oidc-->", link));
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static WebResponse load(String name, String mediaType) {
    try (InputStream in = PageRoutes.class.getResourceAsStream("page/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing page resource: page/" + name);
      }
      // The server adds X-Content-Type-Options: nosniff to every answer.
      return DemoServer.raw(new String(in.readAllBytes(), StandardCharsets.UTF_8), mediaType)
          .withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
          .withHeader("Referrer-Policy", "no-referrer")
          .withHeader("Cache-Control", "no-store");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read page resource: page/" + name, e);
    }
  }
}
