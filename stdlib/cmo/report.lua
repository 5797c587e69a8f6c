-- cmo.report: counting and printing what a workflow found or did.
--
--   local report = require("cmo.report")
--   local counts = report.count_by(products, function(p) return p.status end)
--   print(report.format_table(report.rows(counts), {"key", "count"}))
local M = {}

--- report.count_by(items, key_fn) -> counts
-- Counts items by `key_fn(item)` (nil keys count as "(none)"): { [key] = n }.
function M.count_by(items, key_fn)
  if type(items) ~= "table" then error("bad argument #1 to 'count_by' (table expected, got " .. type(items) .. ")", 2) end
  if type(key_fn) ~= "function" then error("bad argument #2 to 'count_by' (function expected, got " .. type(key_fn) .. ")", 2) end
  local counts = {}
  for _, item in ipairs(items) do
    local key = key_fn(item)
    if key == nil then key = "(none)" end
    counts[key] = (counts[key] or 0) + 1
  end
  return counts
end

--- report.rows(counts [, name]) -> rows
-- Turns { [key] = n } into { {[name]=key, count=n}, ... } (name defaults to "key"), largest count first,
-- then by key.
function M.rows(counts, name)
  name = name or "key"
  local rows = {}
  for key, count in pairs(counts) do rows[#rows + 1] = { [name] = tostring(key), count = count } end
  table.sort(rows, function(a, b)
    if a.count ~= b.count then return a.count > b.count end
    return a[name] < b[name]
  end)
  return rows
end

--- report.format_table(rows, columns) -> text
-- Renders rows (tables keyed by column) as an aligned text table with a header line; numbers align right.
function M.format_table(rows, columns)
  local widths = {}
  for c, name in ipairs(columns) do widths[c] = utf8.len(name) or #name end
  local cells = {}
  for r, row in ipairs(rows) do
    cells[r] = {}
    for c, name in ipairs(columns) do
      local value = row[name]
      local text = value == nil and "" or tostring(value)
      cells[r][c] = text
      widths[c] = math.max(widths[c], utf8.len(text) or #text)
    end
  end
  local function line(values, numeric)
    local parts = {}
    for c, text in ipairs(values) do
      local pad = string.rep(" ", widths[c] - (utf8.len(text) or #text))
      parts[c] = (numeric and numeric[c]) and (pad .. text) or (text .. pad)
    end
    return (table.concat(parts, "  "):gsub("%s+$", ""))
  end
  local out = { line(columns) }
  local rule = {}
  for c = 1, #columns do rule[c] = string.rep("-", widths[c]) end
  out[2] = line(rule)
  for r, row in ipairs(rows) do
    local numeric = {}
    for c, name in ipairs(columns) do numeric[c] = type(row[name]) == "number" end
    out[#out + 1] = line(cells[r], numeric)
  end
  return table.concat(out, "\n")
end

return M
