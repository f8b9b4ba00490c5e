package dev.latchkey.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page and its assets over plain HTTP: types, security headers, HEAD, and nothing inline. */
class DemoPageIT {
  private static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final Map<String, String> TYPES =
      Map.of(
          "/", "text/html; charset=utf-8",
          "/app.js", "text/javascript; charset=utf-8",
          "/app.css", "text/css; charset=utf-8");

  static DemoServer server;
  static DemoHttp http;

  @BeforeAll
  static void start() throws Exception {
    server = DemoServerIT.startInMemory();
    http = new DemoHttp(server.port());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void thePageAndItsAssetsCarryTheirTypeAndTheSecurityHeaders() {
    TYPES.forEach(
        (path, type) -> {
          HttpResponse<String> r = http.get(path);
          assertThat(r.statusCode()).as(path).isEqualTo(200);
          assertThat(r.body()).as(path).isNotBlank();
          assertSecurityHeaders(path, r.headers(), type);
        });
  }

  @Test
  void headAnswersTheSameHeadersWithoutABody() {
    TYPES.forEach(
        (path, type) -> {
          HttpResponse<String> r = http.send("HEAD", path, "");
          assertThat(r.statusCode()).as(path).isEqualTo(200);
          assertThat(r.body()).as(path).isEmpty();
          assertSecurityHeaders(path, r.headers(), type);
        });
  }

  @Test
  void writingToThePageIsNotAllowed() {
    for (String path : TYPES.keySet()) {
      HttpResponse<String> r = http.post(path, "{}");
      assertThat(r.statusCode()).as(path).isEqualTo(405);
      assertThat(r.headers().firstValue("Allow")).as(path).hasValue("GET, HEAD");
    }
  }

  @Test
  void onlyThoseThreePathsAreThePage() {
    for (String path : new String[] {"/index.html", "/page/app.js", "/app.js/", "/APP.CSS"}) {
      assertThat(http.get(path).statusCode()).as(path).isEqualTo(404);
    }
  }

  /** The policy forbids inline script and style: the page must need none to work. */
  @Test
  void thePageHasNoInlineScriptOrStyleAndLoadsOnlyItsOwnAssets() {
    String html = http.get("/").body();
    Matcher scripts =
        Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
    int count = 0;
    while (scripts.find()) {
      count++;
      assertThat(scripts.group(1)).contains("src=\"/app.js\"");
      assertThat(scripts.group(2)).isBlank();
    }
    assertThat(count).isEqualTo(1);
    assertThat(html)
        .contains("href=\"/app.css\"")
        .doesNotContain("<style")
        .doesNotContain(" style=")
        .doesNotContainPattern("(?i)\\son[a-z]+=")
        .doesNotContain("http://")
        .doesNotContain("https://");
  }

  private static void assertSecurityHeaders(String path, HttpHeaders headers, String type) {
    assertThat(headers.allValues("Content-Type")).as(path).containsExactly(type);
    assertThat(headers.allValues("Content-Security-Policy")).as(path).containsExactly(POLICY);
    assertThat(headers.allValues("X-Content-Type-Options")).as(path).containsExactly("nosniff");
    assertThat(headers.allValues("Referrer-Policy")).as(path).containsExactly("no-referrer");
    assertThat(headers.allValues("Cache-Control")).as(path).containsExactly("no-store");
  }
}
