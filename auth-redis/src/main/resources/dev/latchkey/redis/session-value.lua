-- A session is one string: a header the scripts read, '2|createdAt|lastSeenAt|expiresAt|
-- absoluteExpiresAt|retainUntil|subject hash|' (epoch ms), the principal's JSON, a newline, and
-- the attributes' JSON object (SessionValue).
-- The header's fields as strings and the position right after it; nothing when the value is
-- absent or not a session this version reads.
local function sessionfields(v)
  if type(v) ~= 'string' then return nil end
  return string.match(v, '^2|(%-?%d+)|(%-?%d+)|(%-?%d+)|(%-?%d+)|(%-?%d+)|([^|]*)|()')
end
