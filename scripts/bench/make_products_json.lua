-- Writes a JSON document shaped like a page of CMO products (about SIZE_KB kilobytes) to stdout.
-- Usage: lua5.4 scripts/bench/make_products_json.lua [SIZE_KB]
local target = (tonumber(arg[1]) or 1024) * 1024
local parts, size, n = {}, 0, 0
local statuses = { "ACTIVE", "INACTIVE", "SUSPENDED", "BLOCKED" }
while size < target do
  n = n + 1
  local iccid = string.format("8949020000%010d", n)
  local item = string.format(
    '{"id":"JASPER-%s","href":"https://api.example/v5/eos/product/JASPER-%s","isBundle":true,' ..
    '"status":"%s","connectivityType":"CELLULAR","startDate":"2020-04-01T20:00:00.000Z",' ..
    '"relatedParty":[{"id":"100125","name":"JASPER_1","role":"customer"}],' ..
    '"productOffering":{"name":"1GB Shared Fixed Pool Roaming"},' ..
    '"productCharacteristic":[{"name":"SYSTEM","value":"JASPER"},{"name":"ICCID","value":"%s"},' ..
    '{"name":"IMSI","value":"2620%011d"},{"name":"dataUsed","value":%d},{"name":"ratio","value":%.3f}],' ..
    '"customProperty":[],"isCustomerVisible":%s,"note":"caf\\u00e9 \\"quoted\\"\\n"}',
    iccid, iccid, statuses[n % 4 + 1], iccid, n, n * 37 % 100000, (n % 1000) / 7, n % 2 == 0 and "true" or "false")
  parts[#parts + 1] = item
  size = size + #item + 1
end
io.write('{"entities":[', table.concat(parts, ","), '],"statistics":{"currentPage":1,"pageSize":', n, '}}\n')
