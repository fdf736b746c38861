-- wrk script: the browsing mix of mixed.lua with 20% signed-in writes (issue 15, target 3).
--   32% GET /tasks/{random id}          16% GET /tasks?lead_unit=BUSY_UNIT
--   12% GET /tasks?q=QUERY               8% GET /api/v1/tasks?category=overdue
--    4% GET /                            8% GET /api/v1/tasks/{random id}
--   10% POST a note                     10% POST a state change (not started <-> in progress)
-- Writes go to the tasks listed in WRITE_TASKS ("id version state" per line, tasks not
-- completed); each wrk thread takes every n-th line and walks its share in turn, so one task
-- is not written twice at once, and learns each task's new version from the 201 answer (the
-- task as JSON). Only a POST answers 201 Created: done() prints how many POSTs were sent and
-- how many were created, which the bench compares with the new rows in the history.
local max_id = tonumber(os.getenv("MAX_ID") or "100000")
local unit = os.getenv("BUSY_UNIT") or "1"
local query = os.getenv("QUERY") or "ket+noi"
local token = os.getenv("TOKEN") or ""
local list = os.getenv("WRITE_TASKS") or "write-tasks.txt"
local threads = {}
local count = 0

-- Each run asks for other tasks: without a seed the main state's generator gives every run the
-- same threads' seeds, so a run asked for the tasks the run before it had just read and kept.
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000003)

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
  thread:set("share", count)
  count = count + 1
  thread:set("shares", 2)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(seed or os.time())
  posts, post_ok = 0, 0
  tasks, version, state = {}, {}, {}
  local n = 0
  for line in io.lines(list) do
    local id, v, s = line:match("^(%d+) (%d+) (%S+)$")
    if id and n % (shares or 1) == (share or 0) then
      table.insert(tasks, id)
      version[id] = tonumber(v)
      state[id] = s
    end
    n = n + 1
  end
  cursor = 0
end

local note = '{"kind":"note","note":"Đo hiệu năng: cập nhật tiến độ định kỳ"}'
local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

local function next_task()
  cursor = cursor % #tasks + 1
  return tasks[cursor]
end

function request()
  local r = math.random(1, 100)
  if r <= 32 then
    return wrk.format("GET", "/tasks/" .. math.random(1, max_id))
  elseif r <= 48 then
    return wrk.format("GET", "/tasks?lead_unit=" .. unit)
  elseif r <= 60 then
    return wrk.format("GET", "/tasks?q=" .. query)
  elseif r <= 68 then
    return wrk.format("GET", "/api/v1/tasks?category=overdue")
  elseif r <= 72 then
    return wrk.format("GET", "/")
  elseif r <= 80 then
    return wrk.format("GET", "/api/v1/tasks/" .. math.random(1, max_id))
  end
  posts = posts + 1
  local id = next_task()
  local body = note
  if r > 90 then
    local to = state[id] == "in_progress" and "not_started" or "in_progress"
    body = string.format('{"kind":"state","state":"%s","version":%d,"note":"Đo hiệu năng"}',
      to, version[id])
  end
  return wrk.format("POST", "/api/v1/tasks/" .. id .. "/events", headers, body)
end

function response(status, headers, body)
  if status == 201 then
    post_ok = post_ok + 1
    -- The task as JSON: learn its new version and state for the next change.
    local id = body:match('"id":(%d+)')
    local v = body:match('"version":(%d+)')
    local s = body:match('"state":"([%a_]+)"')
    if id and v and version[id] then
      version[id] = tonumber(v)
      if s then state[id] = s end
    end
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
