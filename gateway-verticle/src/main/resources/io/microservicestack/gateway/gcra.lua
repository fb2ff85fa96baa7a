-- GCRA (generic cell rate algorithm) in one atomic step, on Redis's own clock so that every gateway agrees.
-- KEYS[1]: the caller's key. ARGV[1]: emission interval (ms, may be fractional), ARGV[2]: period (ms, the burst window).
-- Returns {allowed (1|0), remaining, retry-after ms, reset ms}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then
  tat = now
end
local new_tat = tat + interval
local allow_at = new_tat - period
if allow_at > now then
  return {0, 0, math.ceil(allow_at - now), math.ceil(tat - now)}
end
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.max(1, math.ceil(new_tat - now)))
return {1, math.floor((period - (new_tat - now)) / interval), 0, math.ceil(new_tat - now)}
