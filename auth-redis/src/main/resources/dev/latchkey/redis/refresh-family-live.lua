--! include prelude
--! include refresh-common
-- Whether a family of a subject is live by the server's clock; changes nothing.
-- KEYS: the shard's hash. ARGV: time shift, family hash, subject hash.
local f = load(ARGV[2])
if not f or f.st ~= 'L' or f.sub ~= ARGV[3] or tonumber(f.fe) <= now then return 0 end
return 1
