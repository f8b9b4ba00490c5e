-- A subject's not-before merged with the one stored ('<not-before ms>:<retain-until ms>'), the
-- later of each part winning: the one rule by which an earlier cut-off never replaces a later.
local function later(stored, nbf, keep)
  if stored then
    local onbf, okeep = string.match(stored, '^(%d+):(%d+)$')
    onbf, okeep = tonumber(onbf), tonumber(okeep)
    if onbf and onbf > nbf then nbf = onbf end
    if okeep and okeep > keep then keep = okeep end
  end
  return nbf, keep
end
