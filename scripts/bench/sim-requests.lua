-- wrk script for scripts/bench/sim.sh: spreads requests over the product ids listed in $SIM_IDS_FILE.
-- MODE=get: GET product/{id}; MODE=patch: PATCH product/{id}-simCard replacing /simNotes (always 200).
local ids = {}
local file = assert(io.open(os.getenv("SIM_IDS_FILE"), "r"))
for line in file:lines() do
  if #line > 0 then ids[#ids + 1] = line end
end
file:close()

local mode = os.getenv("MODE") or "get"
local token = os.getenv("SIM_TOKEN")
local base = os.getenv("SIM_TENANT_PATH")
local counter = 0

function setup(thread)
  thread:set("offset", math.random(1, #ids))
end

function request()
  counter = counter + 1
  local id = ids[((counter + (offset or 0)) % #ids) + 1]
  local headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
  if mode == "patch" then
    headers["Content-Type"] = "application/json-patch+json"
    local body = '[{"op":"replace","path":"/simNotes","value":"bench ' .. counter .. '"}]'
    return wrk.format("PATCH", base .. "/product/" .. id .. "-simCard", headers, body)
  end
  return wrk.format("GET", base .. "/product/" .. id, headers)
end

local non200 = 0
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("non2xx_or_errors=%d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
