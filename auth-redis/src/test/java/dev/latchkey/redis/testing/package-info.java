/**
 * Real {@code redis-server} processes for tests and benchmarks: a standalone server, a Cluster with
 * or without replicas, and a Sentinel setup, started through {@link
 * dev.latchkey.redis.testing.RedisFixture} on free loopback ports (never 6379), each in a temp
 * directory of its own, without persistence. Each is {@link java.lang.AutoCloseable}: closing it
 * stops its processes and deletes its directories, and a shutdown hook kills whatever is still
 * running when the JVM exits. A test class holds one in a static field annotated with {@code
 * org.junit.jupiter.api.AutoClose}.
 *
 * <p>Nothing here depends on JUnit, so benchmarks and launchers use the same code. When {@code
 * redis-server} (or {@code redis-cli} for a Cluster) is not on the {@code PATH}, every factory
 * throws an {@link java.lang.IllegalStateException} that says so: a test that needs a server fails,
 * it is never skipped.
 */
package dev.latchkey.redis.testing;
