package dev.latchkey.examples.redis;

import dev.latchkey.core.AuthResult;
import dev.latchkey.core.Principal;
import dev.latchkey.core.SessionCookie;
import dev.latchkey.core.TokenService.IssuedToken;
import dev.latchkey.examples.passwords.PasswordLoginExample;
import dev.latchkey.redis.RedisStores;
import dev.latchkey.session.SessionManager;
import dev.latchkey.token.JwtTokenService;
import dev.latchkey.token.KeyRing;
import dev.latchkey.token.SigningAlgorithm;
import dev.latchkey.token.SigningKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Two "nodes" sharing one Redis: a session created on node A is used and ended on node B, and a
 * token revoked on node A is refused on node B. Each node has its own {@link RedisStores} (its own
 * connections and its own revocation replica), as two processes would.
 *
 * <p>Needs {@code REDIS_URL} (e.g. {@code redis://127.0.0.1:6379}, or a {@code redis-sentinel://}
 * or {@code redis-cluster://} URL). Run: {@code mvn -B -q package -DskipTests && REDIS_URL=... java
 * -cp examples/target/latchkey-demo.jar dev.latchkey.examples.redis.RedisTwoNodesExample}
 */
public final class RedisTwoNodesExample {
  private RedisTwoNodesExample() {}

  public static void main(String[] args) throws InterruptedException {
    String url = System.getenv("REDIS_URL");
    if (url == null || url.isBlank()) {
      System.err.println(
          "REDIS_URL is not set. This example needs a Redis server, e.g.:\n"
              + "  redis-server --port 6390 --save '' &\n"
              + "  REDIS_URL=redis://127.0.0.1:6390 java -cp examples/target/latchkey-demo.jar "
              + RedisTwoNodesExample.class.getName());
      System.exit(2);
      return;
    }
    // A prefix of its own, so the example never touches an application's keys.
    String prefix = "latchkey-example:" + Instant.now().toEpochMilli() + ":";
    byte[] sharedSecret = "a shared HMAC secret of 32+ bytes!".getBytes(StandardCharsets.UTF_8);

    try (RedisStores redisA = RedisStores.fromUrl(url).keyPrefix(prefix).build();
        RedisStores redisB = RedisStores.fromUrl(url).keyPrefix(prefix).build()) {
      Node a = new Node(redisA, sharedSecret);
      Node b = new Node(redisB, sharedSecret);
      Principal alice = Principal.of("alice", Set.of("user"));

      // sessions: log in on A, use and log out on B
      String sid = a.sessions.login(alice, Map.of()).created().orElseThrow().id();
      System.out.println(
          "session from A, checked on B: "
              + describe(b.sessions.authenticate(new SessionCookie(sid))));
      b.sessions.logout(sid);
      System.out.println(
          "logged out on B, checked on A: "
              + describe(a.sessions.authenticate(new SessionCookie(sid))));

      // tokens: issued and revoked on A, refused on B within the replica's propagation bound
      IssuedToken token = a.tokens.issue(alice);
      System.out.println(
          "token from A, verified on B:  " + describe(b.tokens.verify(token.value())));
      long start = System.nanoTime();
      a.tokens.revoke(token.value());
      AuthResult onB;
      do {
        onB = b.tokens.verify(token.value());
        if (onB.succeeded()) {
          Thread.sleep(1);
        }
      } while (onB.succeeded() && System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
      System.out.printf(
          "revoked on A, refused on B after %.1f ms: %s%n",
          (System.nanoTime() - start) / 1e6, describe(onB));
    }
  }

  private static final class Node {
    final SessionManager sessions;
    final JwtTokenService tokens;

    Node(RedisStores redis, byte[] secret) {
      this.sessions = SessionManager.builder(redis.sessionStore()).build();
      this.tokens =
          JwtTokenService.builder(
                  KeyRing.of(SigningKey.hmac("shared", secret, SigningAlgorithm.HS256)),
                  "example",
                  "example")
              .revocationList(redis.revocationList())
              .build();
    }
  }

  private static String describe(AuthResult result) {
    return PasswordLoginExample.describe(result);
  }
}
