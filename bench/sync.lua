-- wrk script: each wrk thread is one phone (run with as many connections as threads, so each
-- phone's requests go one at a time and its mids arrive in order). BENCH_SESSIONS names a file
-- with one line per thread: "<session token> <client_id> <cursor> <couple_id>". Each request carries
-- BENCH_MUTATIONS new entries (appreciations and check-ins, alternating) and pulls from the
-- cursor the previous answer gave (the phone's own entries come back, as they do on a phone). When two
-- threads hold the two partners of one couple, each sync also pulls what the other wrote meanwhile:
-- `pulled` counts the answers that brought more changes than the request's own.
-- Entry ids start with the device's random client_id, so every run writes new entries (ids are global:
-- reusing another run's ids would measure rejections instead of writes); a mutation the server did not
-- apply counts as an error in the summary.
local count = 0
local threads = {}

function setup(thread)
  count = count + 1
  table.insert(threads, thread)
  local i = 0
  for line in io.lines(os.getenv("BENCH_SESSIONS")) do
    i = i + 1
    if i == count then
      local token, client, cursor, couple = line:match("(%S+) (%S+) (%S+) (%S+)")
      thread:set("token", token)
      thread:set("client_id", client)
      thread:set("cursor", cursor)
      thread:set("couple_id", couple)
      thread:set("phone", count)
    end
  end
end

function init(args)
  mid = 0
  not_applied = 0
  pulled = 0
  prefix = client_id:sub(1, 8)
  per = tonumber(os.getenv("BENCH_MUTATIONS") or "1")
  headers = {["Content-Type"] = "application/json", ["Cookie"] = "hearth_session=" .. token}
end

local function mutation()
  mid = mid + 1
  local id = string.format("%s-0000-4000-8000-%012x", prefix, mid)
  local entry
  if mid % 2 == 1 then
    entry = string.format('{"id":"%s","kind":"appreciation","visibility":"shared","body":{"text":"Thanks for the tea, %d"}}', id, mid)
  else
    entry = string.format('{"id":"%s","kind":"checkin","visibility":"shared","body":{"mood":%d,"us":4}}', id, 1 + mid % 5)
  end
  return string.format('{"mid":%d,"op":"put","entry":%s}', mid, entry)
end

function request()
  local list = {}
  for j = 1, per do list[j] = mutation() end
  local body = string.format('{"client_id":"%s","cursor":"%s","couple_id":"%s","mutations":[%s]}', client_id, cursor,
    couple_id, table.concat(list, ","))
  return wrk.format("POST", "/api/sync", headers, body)
end

function response(status, headers, body)
  if status == 200 then
    local c = body:match('"cursor":%s*"([%d.]+)"')
    if c then cursor = c end
    local _, changes = body:gsub('"kind":', '')
    if changes > 2 * per then pulled = pulled + 1 end  -- results and changes each name the own entries once
    if body:find('"status":%s*"rejected"') or body:find('"status":%s*"conflict"') then
      not_applied = not_applied + 1
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local rejected, pulled = 0, 0
  for _, thread in ipairs(threads) do
    rejected = rejected + thread:get("not_applied")
    pulled = pulled + thread:get("pulled")
  end
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,"not_applied":%d,"pulled":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout, rejected, pulled,
    latency:percentile(50), latency:percentile(99)))
end
