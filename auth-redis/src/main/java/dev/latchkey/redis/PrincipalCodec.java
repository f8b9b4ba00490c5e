package dev.latchkey.redis;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.latchkey.core.Principal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link Principal} as versioned JSON ({@code {"v":1,"sub":..,"roles":[..],"attrs":{..}}}), never
 * Java serialization: a stored entry is data a future version must still read or refuse cleanly.
 */
final class PrincipalCodec {
  static final int VERSION = 1;

  private PrincipalCodec() {}

  static String encode(Principal principal) {
    JsonObject o = new JsonObject();
    o.addProperty("v", VERSION);
    o.addProperty("sub", principal.subject());
    JsonArray roles = new JsonArray();
    principal.roles().stream().sorted().forEach(roles::add);
    o.add("roles", roles);
    JsonObject attrs = new JsonObject();
    principal.attributes().forEach(attrs::addProperty);
    o.add("attrs", attrs);
    return o.toString();
  }

  /** The principal, or empty when {@code json} is not a principal of a version this code reads. */
  static Optional<Principal> decode(String json) {
    if (json == null) {
      return Optional.empty();
    }
    try {
      JsonObject o = JsonParser.parseString(json).getAsJsonObject();
      if (!o.has("v") || o.get("v").getAsInt() != VERSION) {
        return Optional.empty();
      }
      String subject = o.get("sub").getAsString();
      Set<String> roles = new HashSet<>();
      for (JsonElement e : o.getAsJsonArray("roles")) {
        roles.add(e.getAsString());
      }
      Map<String, String> attrs = new HashMap<>();
      for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("attrs").entrySet()) {
        attrs.put(e.getKey(), e.getValue().getAsString());
      }
      return Optional.of(new Principal(subject, roles, attrs));
    } catch (RuntimeException e) {
      // Bad JSON, a missing field, a wrong type: an unreadable entry is absent, never a crash.
      return Optional.empty();
    }
  }
}
