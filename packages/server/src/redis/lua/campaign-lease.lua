-- A campaign's live-run lease, shared by the servers on one Redis: a hash holding the run's id (field "run") and,
-- for each process holding it, when that hold ends on Redis's own clock (so servers' clocks do not matter).
-- A run shared by several processes is held by each of them; another run is refused while any hold lasts.
--
-- KEYS[1]  the lease's key
-- ARGV[1]  "hold" (take or renew this process's hold) or "release" (let it go)
-- ARGV[2]  the run's id
-- ARGV[3]  this process (host:pid)
-- ARGV[4]  how long a hold lasts without renewal, in ms
--
-- Answers {1, runId} when this process holds the lease for the run (or has let it go), {0, otherRunId} when another
-- run holds it.
local key, mode, runId, holder, ttl = KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- Holds that ran out (a process that died without letting go) are dropped first; with none left the lease is free.
local current = redis.call('HGET', key, 'run')
if current then
  local fields = redis.call('HGETALL', key)
  local live = 0
  for i = 1, #fields, 2 do
    if fields[i] ~= 'run' then
      if tonumber(fields[i + 1]) <= now then
        redis.call('HDEL', key, fields[i])
      else
        live = live + 1
      end
    end
  end
  if live == 0 then
    redis.call('DEL', key)
    current = false
  end
end

if mode == 'release' then
  if current == runId then
    redis.call('HDEL', key, holder)
    if redis.call('HLEN', key) <= 1 then redis.call('DEL', key) end
  end
  return {1, runId}
end

if current and current ~= runId then return {0, current} end
redis.call('HSET', key, 'run', runId, holder, now + ttl)
if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
return {1, runId}
