-- wrk script: GET /tasks/{id} (or the path prefix in PREFIX) with a random task id in
-- [1, MAX_ID], so the run reads many rows instead of one cached page.
local max_id = tonumber(os.getenv("MAX_ID") or "100000")
local prefix = os.getenv("PREFIX") or "/tasks/"

-- Each run asks for other tasks: without a seed the main state's generator gives every run the
-- same threads' seeds, so a run asked for the tasks the run before it had just read and kept.
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000003)

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
end

function request()
  return wrk.format("GET", prefix .. math.random(1, max_id))
end
