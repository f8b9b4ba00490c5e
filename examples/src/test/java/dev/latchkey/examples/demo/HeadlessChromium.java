package dev.latchkey.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian chromium driven through the system's chromedriver, with a fresh profile that is
 * deleted on {@link #close()}. Both executables are named explicitly, so Selenium Manager never
 * looks for (or downloads) a browser or a driver.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration WAIT = Duration.ofSeconds(10);

  final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
  }

  /**
   * Starts the browser.
   *
   * @throws AssertionError when chromium or chromedriver is not installed: the browser tests are
   *     part of the build, so a machine without them fails rather than skipping
   */
  static HeadlessChromium start() throws IOException {
    for (Path executable : new Path[] {CHROMIUM, CHROMEDRIVER}) {
      if (!Files.isExecutable(executable)) {
        throw new AssertionError(
            executable
                + " is missing: the browser tests need Debian's chromium and chromedriver. Run"
                + " .ci/run, or: apt-get install chromium chromium-driver");
      }
    }
    Path profile = Files.createTempDirectory("latchkey-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    try {
      return new HeadlessChromium(service, new ChromeDriver(service, options), profile);
    } catch (RuntimeException e) {
      service.stop();
      delete(profile);
      throw e;
    }
  }

  /** A wait of at most ten seconds, polling; never a fixed sleep. */
  WebDriverWait waiting() {
    return new WebDriverWait(driver, WAIT);
  }

  /** Opens {@code url} and waits until the element {@code id} is on the page. */
  void open(String url, String id) {
    driver.get(url);
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
  }

  WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  /** Writes a PNG of the viewport to {@code target/screenshots/<name>.png} and returns its path. */
  Path screenshot(String name) throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "screenshots"));
    Path file = dir.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(file)).as(file.toString()).isPositive();
    return file;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      delete(profile);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
