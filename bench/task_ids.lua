-- wrk script: GET /tasks/{id} (or the path prefix in PREFIX) with a random task id in
-- [1, MAX_ID], so the run reads many rows instead of one cached page.
local max_id = tonumber(os.getenv("MAX_ID") or "100000")
local prefix = os.getenv("PREFIX") or "/tasks/"

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
end

function request()
  return wrk.format("GET", prefix .. math.random(1, max_id))
end
