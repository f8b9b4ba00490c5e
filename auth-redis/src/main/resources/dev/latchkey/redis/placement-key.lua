-- Replies the placement key held, writing ARGV[1] first when there is none.
-- KEYS: the placement key. ARGV: the key this node offers.
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]
