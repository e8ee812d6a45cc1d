-- wrk script for `cvr serve`: POSTs the JSON bodies of a file (one request body per line) round-robin to
-- /v1/models/cvr:predict (or PATH, e.g. /v1/models/cvr:explain), each thread starting at its own line.
-- Usage: wrk ... -s post.lua URL -- BODIES_FILE [PATH]
-- PATH /healthz is sent as a GET without a body: the same client against an endpoint that does no work (the
-- machine's own latency floor under that load).
local bodies = {}
local next_body = 0
local path = "/v1/models/cvr:predict"
local threads = {}

setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

init = function(args)
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  next_body = (id * 7919) % #bodies
  if args[2] then path = args[2] end
end

request = function()
  if path == "/healthz" then return wrk.format("GET", path) end
  next_body = next_body % #bodies + 1
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, bodies[next_body])
end

-- One machine-readable line for bench/serve.sh: latency percentiles in microseconds, requests, errors.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
