package dev.latchkey.password;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link BreachedPasswords} on the Pwned Passwords range API (k-anonymity): the password's SHA-1 is
 * computed here, and only its first 5 hex characters leave the machine, in {@code GET
 * <base>/range/<prefix>}; the answer lists the suffixes of every breached hash with that prefix as
 * {@code SUFFIX:COUNT} lines, and the match is made here.
 *
 * <p>With {@linkplain Builder#padding padding} on (the default) the request carries {@code
 * Add-Padding: true}, so the answer's size does not tell an observer of the traffic which prefix
 * was asked; padded entries have count 0 and are ignored. The JDK {@link HttpClient} connects
 * within the connect timeout and the whole answer must arrive within the request timeout; a
 * timeout, a refused connection, a status other than 200, an answer over 4 MiB or a malformed line
 * is {@link Exposure#UNKNOWN}, never an exception ({@link PasswordPolicy} decides whether that
 * refuses the password).
 *
 * <p>Immutable and safe for concurrent use.
 */
public final class PwnedPasswords implements BreachedPasswords {
  /** The public service. */
  public static final URI API = URI.create("https://api.pwnedpasswords.com");

  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final URI base;
  private final HttpClient client;
  private final Duration requestTimeout;
  private final boolean padding;
  private final int minimumCount;

  private PwnedPasswords(Builder b) {
    this.base = b.base;
    this.requestTimeout = b.requestTimeout;
    this.padding = b.padding;
    this.minimumCount = b.minimumCount;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(b.connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * {@return a builder asking {@code base}} (e.g. {@link #API}, or a mirror of it)
   *
   * @param base the service's root; {@code /range/<prefix>} is appended
   * @throws NullPointerException if {@code base} is null
   */
  public static Builder builder(URI base) {
    return new Builder(Objects.requireNonNull(base, "base"));
  }

  @Override
  public Exposure check(char[] password) {
    String hex = sha1Hex(password);
    String prefix = hex.substring(0, 5);
    String suffix = hex.substring(5);
    String root = base.toString().replaceAll("/+$", "");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(root + "/range/" + prefix))
            .timeout(requestTimeout)
            .header("User-Agent", "Latchkey")
            .GET();
    if (padding) {
      request.header("Add-Padding", "true");
    }
    CompletableFuture<HttpResponse<byte[]>> pending =
        client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> response;
    try {
      response = pending.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      return Exposure.UNKNOWN;
    } catch (ExecutionException | TimeoutException e) {
      pending.cancel(true);
      return Exposure.UNKNOWN;
    }
    if (response.statusCode() != 200 || response.body().length > MAX_BODY) {
      return Exposure.UNKNOWN;
    }
    return find(new String(response.body(), StandardCharsets.US_ASCII), suffix);
  }

  /** Looks {@code suffix} up in a range answer: {@code SUFFIX:COUNT} lines. */
  Exposure find(String body, String suffix) {
    try (BufferedReader lines = new BufferedReader(new StringReader(body))) {
      String line;
      Exposure answer = Exposure.NOT_FOUND;
      while ((line = lines.readLine()) != null) {
        line = line.strip();
        if (line.isEmpty()) {
          continue;
        }
        int colon = line.indexOf(':');
        if (colon != 35) {
          return Exposure.UNKNOWN;
        }
        long count;
        try {
          count = Long.parseLong(line.substring(colon + 1).replace(",", ""));
        } catch (NumberFormatException e) {
          return Exposure.UNKNOWN;
        }
        // Padding entries have count 0: never a breach.
        if (count >= minimumCount && line.regionMatches(true, 0, suffix, 0, 35)) {
          answer = Exposure.BREACHED;
        }
      }
      return answer;
    } catch (IOException e) {
      return Exposure.UNKNOWN;
    }
  }

  /** Upper-case hex of SHA-1 over the password's UTF-8. */
  static String sha1Hex(char[] password) {
    byte[] utf8 = Utf8.encode(password);
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-1").digest(utf8))
          .toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JDK", e);
    } finally {
      Arrays.fill(utf8, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "PwnedPasswords[" + base + ", padding=" + padding + "]";
  }

  /** Configures {@link PwnedPasswords}; not safe for concurrent use. */
  public static final class Builder {
    private final URI base;
    private Duration connectTimeout = Duration.ofSeconds(2);
    private Duration requestTimeout = Duration.ofSeconds(3);
    private boolean padding = true;
    private int minimumCount = 1;

    private Builder(URI base) {
      this.base = base;
    }

    /**
     * The time allowed to connect. Default 2 s.
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * The time allowed for the whole answer. Default 3 s.
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Whether to ask for a padded answer ({@code Add-Padding: true}). Default true.
     *
     * @param padding whether to ask for padding
     * @return this builder
     */
    public Builder padding(boolean padding) {
      this.padding = padding;
      return this;
    }

    /**
     * How many times a password must have been seen to count as breached. Default 1.
     *
     * @param count at least 1
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder minimumCount(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("minimumCount must be at least 1: " + count);
      }
      this.minimumCount = count;
      return this;
    }

    /** {@return the checker} */
    public PwnedPasswords build() {
      return new PwnedPasswords(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
