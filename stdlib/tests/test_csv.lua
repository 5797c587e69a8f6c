local csv = require("cmo.csv")
local expect = require("expect")
local T = {}

function T.header_rows_are_keyed_by_column()
  local rows, columns = csv.parse("iccid,note\n8949000000000000001,first\n8949000000000000002,second\n")
  expect.equal(columns, { "iccid", "note" })
  expect.equal(rows, { { iccid = "8949000000000000001", note = "first" }, { iccid = "8949000000000000002", note = "second" } })
end

function T.quotes_crlf_and_blank_lines()
  local rows = csv.parse('a,b\r\n"x, ""y""","multi\nline"\r\n\r\n  z  ,\n', { header = true })
  expect.equal(rows, { { a = 'x, "y"', b = "multi\nline" }, { a = "z", b = "" } })
end

function T.without_header_rows_are_arrays()
  expect.equal(csv.parse("1;2\n3;4", { header = false, separator = ";" }), { { "1", "2" }, { "3", "4" } })
end

function T.iccids_stay_strings()
  local rows = csv.parse("iccid\n89882806660004909182\n")
  expect.equal(math.type(rows[1].iccid), nil)
  expect.equal(rows[1].iccid, "89882806660004909182")
end

function T.errors_name_the_line()
  expect.raises(function() csv.parse('a\n"open') end, "unterminated quoted field starting on line 2")
  expect.raises(function() csv.parse("a\n1,2\n") end, "line 2 has 2 fields, the header has 1")
  expect.raises(function() csv.parse("a", { sep = ";" }) end, "bad argument #2 to 'parse' (invalid option 'sep')")
  expect.raises(function() csv.parse(nil) end, "bad argument #1 to 'parse' (string expected, got nil)")
end

function T.encode_quotes_what_needs_it()
  local text = csv.encode({ { id = "a,b", n = 1 }, { id = 'say "hi"' } }, { "id", "n" })
  expect.equal(text, 'id,n\n"a,b",1\n"say ""hi""",\n')
  expect.equal(csv.parse(text), { { id = "a,b", n = "1" }, { id = 'say "hi"', n = "" } })
end

return T
