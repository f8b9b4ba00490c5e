package dev.latchkey.redis;

/**
 * Lua helpers shared by the stores' scripts (prepended to each). Times are epoch milliseconds
 * passed in from Java: scripts compare against the caller's clock, not Redis's, so expiry is
 * decided by the application's {@link java.time.Clock}; TTLs are set as the remaining time by that
 * clock, so Redis also forgets by itself.
 */
final class Lua {
  private Lua() {}

  static final String PRELUDE =
      """
      local function tomap(h)
        local m = {}
        for i = 1, #h, 2 do m[h[i]] = h[i + 1] end
        return m
      end
      local function ms(x) return string.format('%.0f', x) end
      -- A TTL in ms, at most 100 years: "never" durations must not overflow Redis's expiry.
      local function ttl(d) return ms(math.min(d, 3153600000000)) end
      -- Keep a key until 'at' (caller's clock); one that is already past is deleted.
      local function keepuntil(key, at, now)
        if at > now then redis.call('PEXPIRE', key, ttl(at - now)) else redis.call('DEL', key) end
      end
      -- A sorted set lives as long as its highest score.
      local function keepindex(idx, now)
        local top = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
        if #top > 0 then keepuntil(idx, tonumber(top[2]), now) end
      end
      """;

  static RedisCalls.Script script(String body) {
    return RedisCalls.Script.of(PRELUDE + body);
  }
}
