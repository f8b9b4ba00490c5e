package dev.latchkey.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Counts the commands clients send to one {@code redis-server}, through {@code MONITOR}: unlike
 * {@code INFO commandstats}, which also counts the commands a Lua script runs inside the server,
 * this tells round trips (commands sent) from work done inside a script. Not thread-safe apart from
 * its reader thread; for the benchmark mains only, never inside a timed loop.
 */
final class RedisCommandMonitor implements AutoCloseable {
  private final RedisServerProcess server;
  private final Socket socket;
  private final Thread reader;
  private final Map<String, Long> sent = new TreeMap<>();
  private final Map<String, Long> inScripts = new TreeMap<>();
  private volatile String lastEcho = "";
  private int markers;

  RedisCommandMonitor(RedisServerProcess server) throws IOException {
    this.server = server;
    socket = new Socket(InetAddress.getLoopbackAddress(), server.port);
    OutputStream out = socket.getOutputStream();
    out.write("*1\r\n$7\r\nMONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    reader = new Thread(() -> read(in), "redis-monitor");
    reader.setDaemon(true);
    reader.start();
  }

  // +1700000000.123456 [0 127.0.0.1:40000] "EVALSHA" "..."  or  [0 lua] "HSET" ...
  private void read(BufferedReader in) {
    try {
      String line;
      while ((line = in.readLine()) != null) {
        int q = line.indexOf("] \"");
        if (q < 0) {
          continue;
        }
        int end = line.indexOf('"', q + 3);
        String cmd = line.substring(q + 3, end).toLowerCase(Locale.ROOT);
        boolean lua = line.lastIndexOf(" lua]", q) >= 0;
        if (cmd.equals("echo")) {
          int s = line.indexOf('"', end + 1);
          lastEcho = line.substring(s + 1, line.indexOf('"', s + 1));
          continue;
        }
        synchronized (this) {
          (lua ? inScripts : sent).merge(cmd, 1L, Long::sum);
        }
      }
    } catch (IOException e) {
      // closed
    }
  }

  /** Waits until every command sent so far has been seen, then clears the counts. */
  void reset() throws IOException, InterruptedException {
    sync();
    synchronized (this) {
      sent.clear();
      inScripts.clear();
    }
  }

  /** Waits until every command sent so far has been seen; then the counts since {@link #reset}. */
  synchronized Map<String, Long> sent() {
    return new TreeMap<>(sent);
  }

  synchronized Map<String, Long> inScripts() {
    return new TreeMap<>(inScripts);
  }

  void sync() throws IOException, InterruptedException {
    String marker = "sync-" + ++markers;
    server.command("ECHO", marker);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!marker.equals(lastEcho)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("MONITOR fell behind");
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
