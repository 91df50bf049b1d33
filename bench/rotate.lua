-- wrk script: each request asks for the next path from a file (one path a
-- line), starting at a different place in each thread, so a run touches many
-- stories instead of one cached page. A second argument "gzip" asks for
-- compressed responses, as browsers do. done() prints one parseable line.
local paths = {}
local i = 0

function init(args)
  if args[2] == "gzip" then
    wrk.headers["Accept-Encoding"] = "gzip"
  end
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  i = math.random(#paths)
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.status + e.timeout, summary.requests))
end
