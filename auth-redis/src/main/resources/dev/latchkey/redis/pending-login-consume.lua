-- Removes a pending OpenID login and replies its fields, in one step: of concurrent calls one
-- gets them. KEYS: the login. Replies its fields and values, or nil when it is not held.
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return false end
redis.call('DEL', KEYS[1])
return h
