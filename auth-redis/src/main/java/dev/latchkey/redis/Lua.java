package dev.latchkey.redis;

/**
 * Lua helpers shared by the stores' scripts (prepended to each). Times are epoch milliseconds. The
 * session, revocation and throttle scripts take them from Java, so expiry is decided by the
 * application's {@link java.time.Clock} and TTLs are set as the remaining time by that clock; the
 * refresh-token scripts read the server's {@code TIME} instead, so that one clock decides between
 * racing nodes. Either way Redis also forgets by itself.
 */
final class Lua {
  private Lua() {}

  /**
   * The longest TTL a script sets, in ms (100 years): "never" durations must not overflow Redis's
   * expiry. Java code that computes a TTL for a script caps it with this too.
   */
  static final long MAX_TTL_MILLIS = 3_153_600_000_000L;

  static final String PRELUDE =
      """
      local function tomap(h)
        local m = {}
        for i = 1, #h, 2 do m[h[i]] = h[i + 1] end
        return m
      end
      local function ms(x) return string.format('%.0f', x) end
      -- A TTL in ms, at most 100 years: "never" durations must not overflow Redis's expiry.
      local function ttl(d) return ms(math.min(d, @MAX_TTL@)) end
      -- Keep a key until 'at' (caller's clock); one that is already past is deleted.
      local function keepuntil(key, at, now)
        if at > now then redis.call('PEXPIRE', key, ttl(at - now)) else redis.call('DEL', key) end
      end
      -- A sorted set lives as long as its highest score. A caller that has just written 'score' (a
      -- string) may pass it with its TTL 'left' (a string, '0' when already past): when no member
      -- scores higher, that TTL is the set's, without reading the top or formatting a number
      -- (ZCOUNT costs about half of ZRANGE ... WITHSCORES inside a script; measured).
      local function keepindex(idx, now, score, left)
        if score and redis.call('ZCOUNT', idx, '(' .. score, '+inf') == 0 then
          if left == '0' then redis.call('DEL', idx) else redis.call('PEXPIRE', idx, left) end
          return
        end
        local top = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
        if #top > 0 then keepuntil(idx, tonumber(top[2]), now) end
      end
      """
          .replace("@MAX_TTL@", Long.toString(MAX_TTL_MILLIS));

  static RedisCalls.Script script(String body) {
    return RedisCalls.Script.of(PRELUDE + body);
  }
}
