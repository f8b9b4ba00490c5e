/**
 * The demo HTTP server: session login and token login side by side on the JDK's {@code HttpServer},
 * in memory or on Redis.
 */
package dev.latchkey.examples.demo;
