package dev.latchkey.examples.demo;

import dev.latchkey.account.Outbox;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The demo's mail: it sends nothing, and keeps the last {@value #KEPT} messages for {@code GET
 * /dev/outbox} when {@code DEMO_OUTBOX=true} (a development aid: it hands out every link). Without
 * it, messages are dropped. Thread-safe.
 */
final class DemoOutbox implements Outbox {
  static final int KEPT = 100;

  private final boolean keep;
  private final Supplier<String> origin;
  private final Deque<Map<String, String>> kept = new ArrayDeque<>();

  /**
   * @param keep whether to keep messages for {@link #list}
   * @param origin the demo's own origin ({@code http://127.0.0.1:8080}), for the links
   */
  DemoOutbox(boolean keep, Supplier<String> origin) {
    this.keep = keep;
    this.origin = origin;
  }

  @Override
  public void deliver(Message message) {
    if (!keep) {
      return;
    }
    Map<String, String> entry = new LinkedHashMap<>();
    entry.put("to", message.subject());
    entry.put("purpose", message.purpose());
    entry.put("token", message.secret());
    entry.put(
        "link",
        origin.get()
            + "/password-reset?token="
            + URLEncoder.encode(message.secret(), StandardCharsets.UTF_8));
    synchronized (kept) {
      kept.addLast(entry);
      while (kept.size() > KEPT) {
        kept.removeFirst();
      }
    }
  }

  /** {@return the kept messages, oldest first} */
  List<Map<String, String>> list() {
    synchronized (kept) {
      return new ArrayList<>(kept);
    }
  }

  /** {@return the kept messages as a JSON array of objects, oldest first} */
  String json() {
    StringBuilder out = new StringBuilder("[");
    for (Map<String, String> entry : list()) {
      out.append(out.length() > 1 ? ",{" : "{");
      boolean first = true;
      for (Map.Entry<String, String> member : entry.entrySet()) {
        out.append(first ? "" : ",");
        first = false;
        quote(member.getKey(), out);
        out.append(':');
        quote(member.getValue(), out);
      }
      out.append('}');
    }
    return out.append(']').toString();
  }

  private static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return "DemoOutbox[keep=" + keep + "]";
  }
}
