package dev.latchkey.redis;

import dev.latchkey.redis.testing.RedisFixture;
import dev.latchkey.redis.testing.RedisServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link RedisFixture#standalone()} server as a JUnit extension for {@code @RegisterExtension
 * static} fields: started before the class's tests, closed after them. The examples' tests use this
 * name; a new test holds a {@link RedisServer} in an {@code @AutoClose} field instead.
 */
public final class RedisServerFixture implements BeforeAllCallback, AfterAllCallback {
  private RedisServer server;

  private RedisServerFixture() {}

  /** A standalone server, started by {@link #beforeAll}. */
  public static RedisServerFixture standalone() {
    return new RedisServerFixture();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = RedisFixture.standalone();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
    }
  }

  /** The running server. */
  public RedisServer server() {
    if (server == null) {
      throw new IllegalStateException("the server starts before the test class's tests");
    }
    return server;
  }

  /** See {@link RedisServer#port()}. */
  public int port() {
    return server().port();
  }

  /** See {@link RedisServer#isRunning()}. */
  public boolean isRunning() {
    return server().isRunning();
  }

  /** See {@link RedisServer#kill()}. */
  public void kill() {
    server().kill();
  }

  /** See {@link RedisServer#restart()}. */
  public void restart() {
    server().restart();
  }

  /** See {@link RedisServer#pause()}. */
  public void pause() {
    server().pause();
  }

  /** See {@link RedisServer#resume()}. */
  public void resume() {
    server().resume();
  }
}
