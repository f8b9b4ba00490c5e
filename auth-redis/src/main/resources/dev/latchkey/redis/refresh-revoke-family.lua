--! include prelude
--! include refresh-common
-- Ends a family found by a token's hash, or by its own hash when it is the subject's.
-- KEYS: the shard's hash. ARGV: time shift, token hash or '', family hash, subject hash or ''.
local fk = ARGV[3]
if ARGV[2] ~= '' then fk = redis.call('HGET', key, 't:' .. ARGV[2]) end
if not fk then return {} end
local f = load(fk)
if not f or tonumber(f.fe) <= now then return {} end
if ARGV[4] ~= '' and f.sub ~= ARGV[4] then return {} end
-- Whom it was and which family, so the caller can refuse its access tokens too.
if finish(fk, f) then return {f.p, f.fam} end
return {}
