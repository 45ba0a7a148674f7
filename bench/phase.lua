-- wrk script for bench/run.sh. One script, three phases, chosen by the first argument:
--   wrk ... -s bench/phase.lua URL -- healthz
--   wrk ... -s bench/phase.lua URL -- post
--   wrk ... -s bench/phase.lua URL -- get CODES_FILE
--   wrk ... -s bench/phase.lua URL -- inbox COOKIE_HEADER
-- done() prints one machine-readable line starting with "BENCH" that run.sh parses.

local threads = {}
local next_id = 0

function setup(thread)
   next_id = next_id + 1
   thread:set("id", next_id)
   table.insert(threads, thread)
end

local phase = "healthz"
local expected = 200
local codes = {}

local report_body = '{"classification":"pengaduan",'
   .. '"title":"Lampu jalan mati di Jalan Yos Sudarso",'
   .. '"body":"Sudah dua minggu lampu jalan mati sehingga rawan kecelakaan pada malam hari.",'
   .. '"region_code":"62.71.01"}'

function init(args)
   phase = args[1] or "healthz"
   ok, non2xx, other2xx = 0, 0, 0
   math.randomseed(os.time() * 1000 + (id or 0))
   if phase == "post" then
      expected = 201
      wrk.method = "POST"
      wrk.body = report_body
      wrk.headers["Content-Type"] = "application/json"
   elseif phase == "get" then
      expected = 200
      local file = args[2] or error("phase get needs a file of tracking codes")
      for line in io.lines(file) do
         if #line > 0 then codes[#codes + 1] = line end
      end
      if #codes == 0 then error("no tracking codes in " .. file) end
   elseif phase == "inbox" then
      expected = 200
      wrk.headers["Cookie"] = args[2] or error("phase inbox needs a Cookie header value")
   elseif phase ~= "healthz" then
      error("unknown phase " .. phase)
   end
end

function request()
   if phase == "get" then
      local code = codes[math.random(#codes)]
      return wrk.format("GET", "/api/v1/reports/" .. code)
   end
   return wrk.format()
end

function response(status, headers, body)
   if status == expected then
      ok = ok + 1
   elseif status >= 200 and status < 300 then
      other2xx = other2xx + 1
   else
      non2xx = non2xx + 1
   end
end

function done(summary, latency, requests)
   local s_ok, s_non2xx, s_other = 0, 0, 0
   for _, t in ipairs(threads) do
      s_ok = s_ok + t:get("ok")
      s_non2xx = s_non2xx + t:get("non2xx")
      s_other = s_other + t:get("other2xx")
   end
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "BENCH requests=%d ok=%d ok_rps=%.1f rps=%.1f p50_us=%d p99_us=%d non2xx=%d other2xx=%d socket_errors=%d\n",
      summary.requests, s_ok, s_ok / seconds, summary.requests / seconds,
      latency:percentile(50), latency:percentile(99), s_non2xx, s_other,
      e.connect + e.read + e.write + e.timeout))
end
