-- The cmo module's Lua half (Sources/CMOEngine/Lua/prelude.lua): product helpers on bundles, sub-products and
-- listing summaries, cmo.is_async from CMOClient's backend catalogue, cmo.try.
local expect = require("expect")
local T = {}

local function bundle(id, status, iccid)
  return {
    id = id,
    status = status,
    productCharacteristic = { { name = "SYSTEM", value = id:match("^([^-]+)-") } },
    productRelationship = {
      { product = { id = id .. "-simCard", ["@type"] = "simCard", status = status,
        productCharacteristic = { { name = "ICCID", value = iccid } } } },
      { product = { id = id .. "-dataConnectivity", status = status } },
    },
  }
end

function T.sim_and_iccid_read_a_bundle_or_the_sim_itself()
  local product = bundle("JASPER-8949", "INACTIVE", "8949")
  expect.equal(cmo.sim(product).id, "JASPER-8949-simCard")
  expect.equal(cmo.iccid(product), "8949")
  expect.equal(cmo.iccid(cmo.sim(product)), "8949")
  expect.equal(cmo.characteristic(product, "SYSTEM"), "JASPER")
  expect.equal(cmo.characteristic(product, "nothing"), nil)
end

function T.backend_from_system_or_id()
  expect.equal(cmo.backend(bundle("TMUS-1", "ACTIVE", "1")), "TMUS")
  expect.equal(cmo.backend("1NCE-8949"), "1NCE")
  expect.equal(cmo.backend({ id = "GALAXY1-77" }), "GALAXY1")
end

function T.is_async_follows_the_catalogue()
  for _, name in ipairs({ "TMSP", "INTELSAT", "AIRLINQ", "STC", "TURKCELL", "GALAXY1" }) do
    expect.equal(cmo.is_async(name .. "-1"), true)
  end
  for _, name in ipairs({ "IOTA", "TMUS", "JASPER", "1NCE", "UNKNOWN" }) do
    expect.equal(cmo.is_async(name .. "-1"), false)
  end
  expect.equal(cmo.is_async(bundle("TMSP-5", "ACTIVE", "5")), true)
end

local summary = {
  id = "TMUS-8901260000000000017", status = "INACTIVE", connectivityType = "CELLULAR",
  relatedParty = { { id = "c1", name = "Acme", role = "customer" } }, ICCID = "8901260000000000017", system = "TMUS",
}
local satellite_summary = {
  id = "INTELSAT-40077", status = "ACTIVE", connectivityType = "SATELLITE", serialNumber = "40077", system = "INTELSAT",
}

function T.helpers_read_a_listing_summary()
  expect.equal(cmo.iccid(summary), "8901260000000000017")
  expect.equal(cmo.backend(summary), "TMUS")
  expect.equal(cmo.serial(summary), nil)
  expect.equal(cmo.serial(satellite_summary), "40077")
  expect.equal(cmo.iccid(satellite_summary), nil)
  expect.equal(cmo.backend(satellite_summary), "INTELSAT")
  expect.equal(cmo.is_async(satellite_summary), true)
end

function T.helpers_read_a_projection_from_its_id()
  expect.equal(cmo.iccid({ id = "JASPER-8949020000000000042", status = "ACTIVE" }), "8949020000000000042")
  expect.equal(cmo.serial({ id = "GALAXY1-5512", connectivityType = "SATELLITE" }), "5512")
  expect.equal(cmo.backend({ id = "STC-8996600000000000001" }), "STC")
end

function T.helpers_say_when_a_shape_cannot_answer()
  expect.raises(function() cmo.sim(summary) end,
    "cmo.sim: TMUS-8901260000000000017 has no sub-products (a listing row, not a bundle): read it with cmo.product(id)")
  expect.raises(function() cmo.iccid({ status = "ACTIVE" }) end, "cmo.iccid: the table has neither ICCID nor an id")
  expect.raises(function() cmo.backend({ status = "ACTIVE" }) end,
    "cmo.backend: the product table has no SYSTEM characteristic, system field or id")
end

function T.terminal_and_serial_read_a_satellite_bundle()
  local terminal = { id = "GALAXY1-5512-terminal", ["@type"] = "terminal", status = "ACTIVE",
    productCharacteristic = { { name = "serialNumber", value = "5512" }, { name = "model", value = "X1" } } }
  local product = { id = "GALAXY1-5512", system = "GALAXY1", productRelationship = { { product = terminal } } }
  expect.equal(cmo.terminal(product), terminal)
  expect.equal(cmo.serial(product), "5512")
  expect.equal(cmo.sim(product), nil)
  expect.equal(cmo.backend(product), "GALAXY1")
end

function T.helpers_raise_lua_argument_errors()
  expect.raises(function() cmo.sim(nil) end, "bad argument #1 to 'sim' (table expected, got nil)")
  expect.raises(function() cmo.is_async(42) end, "bad argument #1 to 'is_async' (table or string expected, got number)")
end

function T.try_turns_every_error_into_an_error_value()
  local ok, err = cmo.try(function() error("plain") end)
  expect.equal(ok, false)
  expect.equal(cmo.is_error(err), true)
  expect.equal(err.kind, "error")
  expect.equal(err.message:find("plain", 1, true) ~= nil, true, err.message)
  local fine, value = cmo.try(function(a, b) return a + b end, 2, 3)
  expect.equal(fine, true)
  expect.equal(value, 5)
end

return T
