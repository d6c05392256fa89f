-- Records a contact in a subscriber's history only if every limit passes, in one atomic step (check-and-reserve).
-- Redis runs a script alone, so no other client's record can land between the counting and the ZADD.
--
-- KEYS[1]  the subscriber's sorted set; members are JSON arrays
--          [uid, at, decisionId, actionId, issue, group, channel, outcome, mandatory (0|1)], scored by at
-- ARGV[1]  the new member (its uid keeps equal records apart and makes a retried write a no-op)
-- ARGV[2]  its score: at, epoch ms
-- ARGV[3]  now, epoch ms: a limit counts records in (now - windowMs, +inf)
-- ARGV[4]  horizon ms: records older than the newest record minus this are trimmed
-- ARGV[5]  the most records kept per subscriber (the oldest go first)
-- ARGV[6]  the key's TTL in ms, renewed on every write
-- ARGV[7]  the limits: a JSON array of the engine's CapSpec; empty for a plain record. A filter's `decisionPrefix`
--          (a campaign's caps) counts only records whose decisionId (member[3]) starts with it.
-- ARGV[8]  "1" for a reservation: another writer's record of the same decision, action and outcome at the same time
--          refuses it (ONCE_PER_DECISION); a plain record ("0") is not checked
-- Returns {1} when recorded (or already there), {0, capId, count, max} when a limit refused.
local key = KEYS[1]
local member = ARGV[1]
local now = tonumber(ARGV[3])
local horizon = tonumber(ARGV[4])
local maxRecords = tonumber(ARGV[5])
local caps = cjson.decode(ARGV[7])

local function score(n)
  return string.format('%.17g', n)
end

-- A retried write (after a timeout or from the outage buffer) must not count or add twice.
if redis.call('ZSCORE', key, member) then
  return {1}
end

-- A decision's action is contacted once, whoever asks: a record of another writer (another uid) with the same
-- decision, action and outcome refuses a reservation. One decision's records share their time, so only the members
-- at this score are read.
if ARGV[8] == '1' then
  local new = cjson.decode(member)
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, ARGV[2], ARGV[2])) do
    local r = cjson.decode(m)
    if r[3] == new[3] and r[4] == new[4] and r[8] == new[8] then
      return {0, 'ONCE_PER_DECISION', 1, 1}
    end
  end
end

if #caps > 0 then
  local widest = 0
  for _, cap in ipairs(caps) do
    if cap.windowMs > widest then widest = cap.windowMs end
  end
  local records = {}
  for i, m in ipairs(redis.call('ZRANGEBYSCORE', key, '(' .. score(now - widest), '+inf')) do
    records[i] = cjson.decode(m)
  end
  local function set(list)
    if list == nil then return nil end
    local s = {}
    for _, v in ipairs(list) do s[v] = true end
    return s
  end
  -- Where a record keeps the field a `per` buckets on; nil buckets everything together (per subscriber).
  local perField = { action = 4, issue = 5, group = 6 }
  for _, cap in ipairs(caps) do
    local since = now - cap.windowMs
    local channels, issues = set(cap.filter.channel), set(cap.filter.issue)
    local groups, actions = set(cap.filter.group), set(cap.filter.action)
    local prefix = cap.filter.decisionPrefix
    local field = perField[cap.per]
    local count = 0
    for _, r in ipairs(records) do
      if r[2] > since and r[8] == cap.outcome and (r[9] == 0 or cap.countMandatory)
        and (channels == nil or channels[r[7]]) and (issues == nil or issues[r[5]])
        and (groups == nil or groups[r[6]]) and (actions == nil or actions[r[4]])
        and (prefix == nil or string.sub(r[3], 1, #prefix) == prefix)
        and (field == nil or r[field] == cap.key) then
        count = count + 1
      end
    end
    if count >= cap.max then
      return {0, cap.id, count, cap.max}
    end
  end
end

redis.call('ZADD', key, ARGV[2], member)
-- Trim relative to the newest record, never the clock, as the engine's in-memory store does.
local newest = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. score(newest - horizon))
local size = redis.call('ZCARD', key)
if size > maxRecords then
  redis.call('ZREMRANGEBYRANK', key, 0, size - maxRecords - 1)
end
redis.call('PEXPIRE', key, ARGV[6])
return {1}
