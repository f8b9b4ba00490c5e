package dev.latchkey.account;

import dev.latchkey.core.spi.ApiKeyRecord;
import dev.latchkey.core.spi.ApiKeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * An {@link ApiKeyStore} in this process's memory, for one node, tests and demos. A subject's
 * changes are serialized on its index entry, so the cap holds under concurrent creates; a
 * verification's read is one map lookup. Records of a subject are pruned when the subject creates a
 * key, so memory is bounded by about twice the cap per subject. Thread-safe.
 */
public final class InMemoryApiKeyStore implements ApiKeyStore {
  private static final Comparator<ApiKeyRecord> OLDEST_FIRST =
      Comparator.comparing(ApiKeyRecord::createdAt).thenComparing(ApiKeyRecord::id);

  private final ConcurrentMap<String, ApiKeyRecord> byId = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, List<String>> bySubject = new ConcurrentHashMap<>();

  private InMemoryApiKeyStore() {}

  /** {@return a new, empty store} */
  public static InMemoryApiKeyStore create() {
    return new InMemoryApiKeyStore();
  }

  @Override
  public boolean create(ApiKeyRecord key, int maxPerSubject, Instant now) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(now, "now");
    if (maxPerSubject < 1) {
      throw new IllegalArgumentException("maxPerSubject must be at least 1: " + maxPerSubject);
    }
    boolean[] created = {false};
    bySubject.compute(
        key.subject(),
        (subject, ids) -> {
          List<ApiKeyRecord> held = new ArrayList<>();
          for (String id : ids == null ? List.<String>of() : ids) {
            ApiKeyRecord r = byId.get(id);
            if (r == null) {
              continue;
            }
            if (!now.isBefore(r.expiresAt())) {
              byId.remove(id, r);
            } else {
              held.add(r);
            }
          }
          held.sort(OLDEST_FIRST);
          List<ApiKeyRecord> revoked = held.stream().filter(ApiKeyRecord::revoked).toList();
          // Forget the oldest revoked keys beyond the cap: one subject's state stays bounded.
          for (int i = 0; i < revoked.size() - maxPerSubject; i++) {
            byId.remove(revoked.get(i).id());
            held.remove(revoked.get(i));
          }
          long live = held.stream().filter(r -> !r.revoked()).count();
          List<String> kept = new ArrayList<>(held.size() + 1);
          held.forEach(r -> kept.add(r.id()));
          if (live < maxPerSubject) {
            if (byId.putIfAbsent(key.id(), key) != null) {
              throw new IllegalArgumentException("the API key id is already held");
            }
            kept.add(key.id());
            created[0] = true;
          }
          return kept.isEmpty() ? null : List.copyOf(kept);
        });
    return created[0];
  }

  @Override
  public Optional<ApiKeyRecord> find(String id) {
    return Optional.ofNullable(byId.get(Objects.requireNonNull(id, "id")));
  }

  @Override
  public List<ApiKeyRecord> list(String subject, Instant now) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(now, "now");
    List<ApiKeyRecord> out = new ArrayList<>();
    for (String id : bySubject.getOrDefault(subject, List.of())) {
      ApiKeyRecord r = byId.get(id);
      if (r != null && now.isBefore(r.expiresAt())) {
        out.add(r);
      }
    }
    out.sort(OLDEST_FIRST);
    return List.copyOf(out);
  }

  @Override
  public boolean revoke(String subject, String id) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(id, "id");
    boolean[] revoked = {false};
    bySubject.computeIfPresent(
        subject,
        (s, ids) -> {
          if (ids.contains(id)) {
            byId.computeIfPresent(
                id,
                (k, r) -> {
                  if (r.revoked() || !r.subject().equals(subject)) {
                    return r;
                  }
                  revoked[0] = true;
                  return r.asRevoked();
                });
          }
          return ids;
        });
    return revoked[0];
  }

  @Override
  public void touch(String id, Instant at) {
    Objects.requireNonNull(at, "at");
    byId.computeIfPresent(
        Objects.requireNonNull(id, "id"),
        (k, r) -> r.lastUsedAt().map(last -> !last.isBefore(at)).orElse(false) ? r : r.usedAt(at));
  }

  @Override
  public String toString() {
    return "InMemoryApiKeyStore[" + byId.size() + " keys]";
  }
}
