-- The status-update POST. bench/run.py writes a pool of actions, one per line:
-- "<path>\t<form body>", each with the version its form would carry now; every action is
-- posted once, so each POST is answered "saved" (302) and none meets a conflict. Threads
-- take every n-th line, so no two threads post to the same action.
wrk.method = "POST"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN")
wrk.headers["Referer"] = os.getenv("BENCH_ORIGIN") .. "/actions/"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local total = tonumber(os.getenv("BENCH_THREADS"))
  pool, next_entry = {}, 1
  local line_number = 0
  for line in io.lines(os.getenv("BENCH_POOL")) do
    if line_number % total == index then
      local path, body = line:match("^([^\t]+)\t(.*)$")
      table.insert(pool, {path, body})
    end
    line_number = line_number + 1
  end
  exhausted = 0
end

function request()
  local entry = pool[next_entry]
  next_entry = next_entry + 1
  if entry == nil then
    -- Never post an action twice: ask for the bare signed-in view instead, and say so.
    exhausted = 1
    return wrk.format("GET", "/", nil, nil)
  end
  return wrk.format("POST", entry[1], nil, entry[2])
end

function done(summary, latency, requests)
  local e = summary.errors
  local ran_out = 0
  for _, thread in ipairs(threads) do
    ran_out = ran_out + (thread:get("exhausted") or 0)
  end
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"mean_us": %.1f, "max_us": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, '
      .. '"bad_status": %d, "timeouts": %d, "pool_exhausted_threads": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout, ran_out))
end
