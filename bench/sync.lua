-- wrk script: each wrk thread is one phone (run with as many connections as threads, so each
-- phone's requests go one at a time and its mids arrive in order). BENCH_SESSIONS names a file
-- with one line per thread: "<session token> <client_id> <cursor>". Each request carries
-- BENCH_MUTATIONS new entries (appreciations and check-ins, alternating) and pulls from the
-- cursor the previous answer gave (the phone's own entries come back, as they do on a phone).
local count = 0

function setup(thread)
  count = count + 1
  local i = 0
  for line in io.lines(os.getenv("BENCH_SESSIONS")) do
    i = i + 1
    if i == count then
      local token, client, cursor = line:match("(%S+) (%S+) (%d+)")
      thread:set("token", token)
      thread:set("client_id", client)
      thread:set("cursor", tonumber(cursor))
      thread:set("phone", count)
    end
  end
end

function init(args)
  mid = 0
  per = tonumber(os.getenv("BENCH_MUTATIONS") or "1")
  headers = {["Content-Type"] = "application/json", ["Cookie"] = "hearth_session=" .. token}
end

local function mutation()
  mid = mid + 1
  local id = string.format("%08x-0000-4000-8000-%012x", phone, mid)
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
  local body = string.format('{"client_id":"%s","cursor":%d,"mutations":[%s]}', client_id, cursor, table.concat(list, ","))
  return wrk.format("POST", "/api/sync", headers, body)
end

function response(status, headers, body)
  if status == 200 then
    local c = body:match('"cursor":%s*(%d+)')
    if c then cursor = tonumber(c) end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
