--! include session-value
-- Sets (ARGV[3] '1') or removes one attribute of a live session, keeping everything else.
-- KEYS: the session. ARGV: now, the name, '1' or '0', the value. Replies 1 when live, else 0.
local v = redis.pcall('GET', KEYS[1])
local _, _, e, _, _, _, rest = sessionfields(v)
if not e or tonumber(e) <= tonumber(ARGV[1]) then return 0 end
-- JSON escapes control characters: the first newline is the one before the attributes.
local nl = string.find(v, '\n', rest, true)
if not nl then return 0 end
local ok, x = pcall(cjson.decode, string.sub(v, nl + 1))
if not ok or type(x) ~= 'table' then return 0 end
if ARGV[3] == '1' then x[ARGV[2]] = ARGV[4] else x[ARGV[2]] = nil end
-- An empty table has no JSON type of its own; the attributes are an object.
local json = next(x) == nil and '{}' or cjson.encode(x)
redis.call('SET', KEYS[1], string.sub(v, 1, nl) .. json, 'KEEPTTL')
return 1
