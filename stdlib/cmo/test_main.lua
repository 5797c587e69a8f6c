-- The main chunk `cmo test` runs for each test file, in the file's own state: `...` is the compiled test file and
-- the --filter text (or nil). The outcome goes back to the host through workbench._report.
-- luacheck: read globals workbench
local chunk, filter = ...
workbench._report(require("cmo.test").run(chunk, filter, workbench._clock))
