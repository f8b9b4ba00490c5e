package dev.latchkey.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.latchkey.core.AuthResult;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The public keys of one {@link TrustedIssuer}, fetched from its JWK Set URL and cached.
 *
 * <ul>
 *   <li>The first verify fetches the set, and so does a verify that finds no set fresh enough to
 *       use (one thread fetches; the others wait for it). A verify that finds the set older than
 *       the refresh interval but still usable starts a refresh in the background and, like every
 *       other verify meanwhile, goes on with the cached set: no request waits on a refresh.
 *   <li>A {@code kid} the set lacks makes a fetch only when none started within the unknown-kid
 *       interval, so a flood of made-up {@code kid}s makes at most one fetch per interval; the same
 *       interval spaces retries while the issuer is down.
 *   <li>A failed fetch keeps the last good set until the refresh interval plus the outage grace
 *       after it was fetched; past that, every verify is refused as UNAVAILABLE (fail closed).
 *   <li>A key missing from a fetched set is gone at once.
 * </ul>
 *
 * <p>Only public keys of the issuer's algorithms are kept; a key without {@code alg} is taken as
 * RSA under the one RSA algorithm allowed, as the ECDSA algorithm of its curve and as EdDSA for
 * Ed25519. A set that holds a private or secret key, a {@code kid} twice, or is larger than 1 MiB
 * is a failed fetch. Every time is read from the injected clock. Thread-safe.
 */
final class RemoteKeySet {
  private static final int MAX_SET_BYTES = 1 << 20;

  /** The keys of one successful fetch and when it happened. */
  private record Snapshot(Map<String, SigningKey> keys, long fetchedAtMillis) {}

  private final TrustedIssuer trusted;
  private final HttpClient http;
  private final Clock clock;
  private final long refreshMillis;
  private final long minFetchGapMillis;
  private final long expiryMillis;
  private final ReentrantLock fetchLock = new ReentrantLock();

  // null until the first successful fetch; replaced only by a set fetched later than its own
  private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
  private volatile long lastAttemptMillis = Long.MIN_VALUE; // written under fetchLock
  private volatile boolean lastAttemptFailed;
  // The background refresh in flight, or the last one, done; replaced under fetchLock.
  private volatile CompletableFuture<Void> refresh = CompletableFuture.completedFuture(null);
  private final AtomicInteger fetches = new AtomicInteger();

  RemoteKeySet(TrustedIssuer trusted, HttpClient http, Clock clock) {
    this.trusted = trusted;
    this.http = http;
    this.clock = clock;
    this.refreshMillis = trusted.refreshInterval().toMillis();
    this.minFetchGapMillis = trusted.unknownKidInterval().toMillis();
    this.expiryMillis = refreshMillis + trusted.outageGrace().toMillis();
  }

  /**
   * The key {@code kid} names, fetching the set as the class comment says.
   *
   * @throws Refusal INVALID_CREDENTIALS for a {@code kid} the set lacks; UNAVAILABLE when no set
   *     fetched recently enough is at hand, or the set lacks {@code kid} and the fetch just tried
   *     failed
   */
  SigningKey key(String kid) throws Refusal {
    long now = clock.millis();
    Snapshot s = snapshot.get();
    if (s == null || now - s.fetchedAtMillis() >= expiryMillis) {
      // Nothing usable: every caller needs the fetch, one does it at a time.
      s = fetchBlocking(now);
    } else if (now - s.fetchedAtMillis() >= refreshMillis) {
      // Refresh ahead of expiry, in the background: this verify goes on with the cached set.
      refreshInBackground(now);
    }
    if (s == null || now - s.fetchedAtMillis() >= expiryMillis) {
      throw new Refusal(AuthResult.Reason.UNAVAILABLE, "issuer keys unavailable");
    }
    SigningKey key = s.keys().get(kid);
    if (key == null) {
      s = fetchBlocking(now);
      key = s == null ? null : s.keys().get(kid);
      if (key == null) {
        if (lastAttemptFailed) {
          throw new Refusal(AuthResult.Reason.UNAVAILABLE, "issuer keys unavailable");
        }
        throw Refusal.invalid("unknown kid");
      }
    }
    return key;
  }

  /** {@return how many fetches were started} */
  int fetches() {
    return fetches.get();
  }

  /** {@return the background refresh in flight, or the last one (done)}, for tests */
  CompletableFuture<Void> refreshInFlight() {
    return refresh;
  }

  /**
   * Starts a refresh that no verify waits for, unless a fetch is under way or one started within
   * the unknown-kid interval.
   */
  private void refreshInBackground(long now) {
    if (!fetchLock.tryLock()) {
      return; // a fetch is under way: it brings a fresh set
    }
    try {
      Snapshot current = snapshot.get();
      long last = lastAttemptMillis;
      boolean recent = last != Long.MIN_VALUE && now - last < minFetchGapMillis;
      boolean fresh = current != null && now - current.fetchedAtMillis() < refreshMillis;
      if (!refresh.isDone() || recent || fresh) {
        return;
      }
      lastAttemptMillis = now;
      fetches.incrementAndGet();
      // The completion takes no lock: it may run on the HTTP client's thread while a blocking
      // fetch holds the lock and waits for that same client.
      refresh = fetch().thenAccept(keys -> completed(keys, now));
    } finally {
      fetchLock.unlock();
    }
  }

  /** Records a fetch started at {@code startedAt}: its keys, or that it failed (null). */
  private Snapshot completed(Map<String, SigningKey> keys, long startedAt) {
    if (keys == null) {
      lastAttemptFailed = true;
      return snapshot.get();
    }
    lastAttemptFailed = false;
    Snapshot next = new Snapshot(keys, startedAt);
    // A slower fetch that started earlier never replaces the set of a later one.
    return snapshot.accumulateAndGet(
        next, (cur, n) -> cur == null || cur.fetchedAtMillis() <= n.fetchedAtMillis() ? n : cur);
  }

  private Snapshot fetchBlocking(long now) {
    fetchLock.lock();
    try {
      return fetchIfDue(now);
    } finally {
      fetchLock.unlock();
    }
  }

  /** Under {@link #fetchLock}: fetches and waits, unless a fetch started within the gap. */
  private Snapshot fetchIfDue(long now) {
    long last = lastAttemptMillis;
    if (last != Long.MIN_VALUE && now - last < minFetchGapMillis) {
      return snapshot.get();
    }
    lastAttemptMillis = now;
    fetches.incrementAndGet();
    return completed(fetch().join(), now);
  }

  /**
   * The usable keys of the set at the URL, or null when it cannot be fetched or read within the
   * fetch timeout; never completes exceptionally.
   */
  private CompletableFuture<Map<String, SigningKey>> fetch() {
    long timeoutMillis = trusted.fetchTimeout().toMillis();
    HttpRequest request =
        HttpRequest.newBuilder(trusted.jwksUri())
            .timeout(trusted.fetchTimeout())
            .header("Accept", "application/json, application/jwk-set+json")
            .GET()
            .build();
    CompletableFuture<HttpResponse<byte[]>> future;
    try {
      future = http.sendAsync(request, info -> new BoundedBody(MAX_SET_BYTES));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(null);
    }
    // The request timeout covers the response headers only: bound the body too.
    return future
        .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .handle(
            (response, error) -> {
              if (error != null) {
                future.cancel(true);
                return null;
              }
              if (response.statusCode() != 200 || response.body() == null) {
                return null;
              }
              return parse(new String(response.body(), StandardCharsets.UTF_8));
            });
  }

  /** The usable keys of a JWK Set's text, or null for a set refused as a whole. */
  Map<String, SigningKey> parse(String json) {
    List<JWK> jwks;
    try {
      jwks = JWKSet.parse(json).getKeys();
    } catch (ParseException | RuntimeException e) {
      return null;
    }
    Map<String, SigningKey> keys = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (JWK jwk : jwks) {
      if (jwk.isPrivate()) {
        // A published private or secret key lets anyone sign: nothing in this set is trusted.
        return null;
      }
      if (jwk.getKeyID() != null && !seen.add(jwk.getKeyID())) {
        return null; // which of two keys a kid names is not for the token to choose
      }
      SigningKey key = usable(jwk);
      if (key != null) {
        keys.put(key.kid(), key);
      }
    }
    return Map.copyOf(keys);
  }

  /** The verify key of one published JWK, or null when it is of no use for this issuer. */
  private SigningKey usable(JWK jwk) {
    JWK withAlg = jwk;
    if (jwk.getAlgorithm() == null && jwk instanceof RSAKey rsa) {
      List<SigningAlgorithm> rsaAlgs =
          trusted.algorithms().stream().filter(SigningAlgorithm::isRsa).toList();
      if (rsaAlgs.size() != 1) {
        return null;
      }
      withAlg =
          new RSAKey.Builder(rsa).algorithm(JWSAlgorithm.parse(rsaAlgs.get(0).jwsName())).build();
    }
    SigningKey key;
    try {
      key = JwkImport.fromJwk(withAlg);
    } catch (IllegalArgumentException e) {
      return null; // an encryption key, a weak key, an algorithm not supported: skipped
    }
    return trusted.algorithms().contains(key.algorithm()) && key.canVerify() ? key : null;
  }

  @Override
  public String toString() {
    return "RemoteKeySet[" + trusted.jwksUri() + "]";
  }

  /**
   * A response body of at most {@code limit} bytes: a longer one is cancelled as soon as it passes
   * the limit and completes as null, so a huge set costs neither memory nor the rest of the read.
   */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      this.subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        if (bytes.size() + b.remaining() > limit) {
          subscription.cancel();
          result.complete(null);
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }
}
