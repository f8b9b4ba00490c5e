-- Records a use of an API key: its last use becomes ARGV[1] unless already that late. Never
-- creates a record.
-- KEYS: the key's record. ARGV: the time of use.
local l = redis.call('HGET', KEYS[1], 'l')
if l == false then
  if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
elseif tonumber(l) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'l', ARGV[1])
return 1
