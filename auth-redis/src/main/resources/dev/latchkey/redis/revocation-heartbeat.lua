-- Publishes a heartbeat tagged with the incarnation of the shard's data: a random id kept in the
-- routing key itself, which a master that restarted empty has lost.
-- KEYS: the shard's heartbeat key. ARGV: channel, message, a new incarnation, its TTL (ms).
-- Replies the incarnation.
local id = redis.call('GETEX', KEYS[1], 'PX', ARGV[4])
if not id then
  id = ARGV[3]
  redis.call('SET', KEYS[1], id, 'PX', ARGV[4])
end
redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. id)
return id
