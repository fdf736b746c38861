-- wrk script: a browsing mix with 5% signed-in state changes.
--   40% GET /tasks/{random id}          20% GET /tasks?lead_unit=BUSY_UNIT
--   15% GET /tasks?q=QUERY              10% GET /api/v1/tasks?category=overdue
--    5% GET /                            5% GET /api/v1/tasks/{random id}
--    5% POST /api/v1/tasks/{random id}/events  {"kind":"note","note":…}  (Bearer TOKEN)
-- A note needs no row version (state changes do), so every POST is a real write that appends
-- one history entry, and none fails as stale. Only a POST answers 201 Created, so done()
-- prints how many POSTs were sent and how many were created.
local max_id = tonumber(os.getenv("MAX_ID") or "100000")
local unit = os.getenv("BUSY_UNIT") or "1"
local query = os.getenv("QUERY") or "ket+noi"
local token = os.getenv("TOKEN") or ""
local threads = {}

-- Each run asks for other tasks: without a seed the main state's generator gives every run the
-- same threads' seeds, so a run asked for the tasks the run before it had just read and kept.
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000003)

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(seed or os.time())
  posts, post_ok = 0, 0
end

local body = '{"kind":"note","note":"Đo hiệu năng: cập nhật tiến độ định kỳ"}'

function request()
  local r = math.random(1, 100)
  if r <= 40 then
    return wrk.format("GET", "/tasks/" .. math.random(1, max_id))
  elseif r <= 60 then
    return wrk.format("GET", "/tasks?lead_unit=" .. unit)
  elseif r <= 75 then
    return wrk.format("GET", "/tasks?q=" .. query)
  elseif r <= 85 then
    return wrk.format("GET", "/api/v1/tasks?category=overdue")
  elseif r <= 90 then
    return wrk.format("GET", "/")
  elseif r <= 95 then
    return wrk.format("GET", "/api/v1/tasks/" .. math.random(1, max_id))
  end
  posts = posts + 1
  return wrk.format("POST", "/api/v1/tasks/" .. math.random(1, max_id) .. "/events",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status == 201 then
    post_ok = post_ok + 1
  end
end

function done(summary, latency, requests)
  local p, ok = 0, 0
  for _, t in ipairs(threads) do
    p = p + t:get("posts")
    ok = ok + t:get("post_ok")
  end
  io.write(string.format("POSTS %d CREATED %d\n", p, ok))
end
