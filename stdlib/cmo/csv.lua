-- cmo.csv: CSV text (RFC 4180) to rows and back, for lists of ICCIDs and reports.
--
--   local csv = require("cmo.csv")
--   local rows = csv.parse(text)                -- rows keyed by the header line: rows[1].iccid
--   local rows = csv.parse(text, {header = false}) -- rows as arrays of fields
--   local text = csv.encode(rows, {"iccid", "status"})
local M = {}

local function argerror(n, name, message)
  error(("bad argument #%d to '%s' (%s)"):format(n, name, message), 3)
end

local function check_options(opts, name, allowed)
  if opts == nil then return {} end
  if type(opts) ~= "table" then argerror(2, name, "table expected, got " .. type(opts)) end
  for key in pairs(opts) do
    if not allowed[key] then argerror(2, name, "invalid option '" .. tostring(key) .. "'") end
  end
  return opts
end

--- csv.parse(text [, {header=true, separator=",", trim=true}]) -> rows, columns
-- Fields may be quoted ("a ""quoted"" field", embedded separators and newlines); lines end in LF or CRLF; empty
-- lines are skipped. With a header, each row is a table keyed by column name and `columns` lists the names;
-- a row with more fields than the header raises. Without one, rows are arrays.
function M.parse(text, opts)
  if type(text) ~= "string" then argerror(1, "parse", "string expected, got " .. type(text)) end
  opts = check_options(opts, "parse", { header = true, separator = true, trim = true })
  local separator = opts.separator or ","
  if #separator ~= 1 or separator == '"' then argerror(2, "parse", "field 'separator': one character other than '\"' expected") end
  local use_header = opts.header ~= false
  local trim = opts.trim ~= false

  local records, pos, n, line = {}, 1, #text, 1
  local stop_class = "[" .. (separator:match("%w") and separator or "%" .. separator) .. "\r\n]"
  while pos <= n do
    local fields, record_line, blank = {}, line, true
    while true do
      local value
      if text:sub(pos, pos) == '"' then
        local parts, start_line = {}, line
        pos = pos + 1
        while true do
          local close = text:find('"', pos, true)
          if not close then error(("unterminated quoted field starting on line %d"):format(start_line), 2) end
          local piece = text:sub(pos, close - 1)
          local _, breaks = piece:gsub("\n", "")
          line = line + breaks
          parts[#parts + 1] = piece
          if text:sub(close + 1, close + 1) == '"' then
            parts[#parts + 1] = '"'
            pos = close + 2
          else
            pos = close + 1
            break
          end
        end
        value, blank = table.concat(parts), false
      else
        local stop = text:find(stop_class, pos) or n + 1
        value = text:sub(pos, stop - 1)
        if trim then value = value:match("^%s*(.-)%s*$") end
        if value ~= "" then blank = false end
        pos = stop
      end
      fields[#fields + 1] = value
      local c = text:sub(pos, pos)
      if c == separator then
        pos = pos + 1
        blank = false
      elseif c == "\r" or c == "\n" or c == "" then
        pos = pos + ((c == "\r" and text:sub(pos + 1, pos + 1) == "\n") and 2 or (c == "" and 0 or 1))
        line = line + 1
        break
      else
        error(("unexpected character after a quoted field on line %d"):format(line), 2)
      end
    end
    if not blank then records[#records + 1] = { fields = fields, line = record_line } end
  end

  if not use_header then
    local rows = {}
    for r = 1, #records do rows[r] = records[r].fields end
    return rows
  end
  local header = records[1] and records[1].fields or {}
  local rows = {}
  for r = 2, #records do
    local record, row = records[r], {}
    if #record.fields > #header then
      error(("line %d has %d fields, the header has %d"):format(record.line, #record.fields, #header), 2)
    end
    for c = 1, #header do row[header[c]] = record.fields[c] or "" end
    rows[#rows + 1] = row
  end
  return rows, header
end

local function quote(value, separator)
  value = tostring(value == nil and "" or value)
  if value:find('[' .. separator .. '"\r\n]') then value = '"' .. value:gsub('"', '""') .. '"' end
  return value
end

--- csv.encode(rows, columns [, {separator=","}]) -> text
-- Writes a header line of `columns`, then one line per row (a table keyed by column name). Fields that hold the
-- separator, quotes or line breaks are quoted.
function M.encode(rows, columns, opts)
  if type(rows) ~= "table" then argerror(1, "encode", "table expected, got " .. type(rows)) end
  if type(columns) ~= "table" then argerror(2, "encode", "table expected, got " .. type(columns)) end
  opts = opts or {}
  local separator = opts.separator or ","
  local lines, cells = {}, {}
  for c = 1, #columns do cells[c] = quote(columns[c], separator) end
  lines[1] = table.concat(cells, separator)
  for r = 1, #rows do
    cells = {}
    for c = 1, #columns do cells[c] = quote(rows[r][columns[c]], separator) end
    lines[#lines + 1] = table.concat(cells, separator)
  end
  return table.concat(lines, "\n") .. "\n"
end

return M
