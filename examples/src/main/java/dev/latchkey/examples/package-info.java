/** Runnable examples, the demo HTTP server and the JMH benchmarks of Latchkey. */
package dev.latchkey.examples;
