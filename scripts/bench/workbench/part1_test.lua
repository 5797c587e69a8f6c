-- Part 1 of the workbench benchmark (see suite.lua).
require("suite")(1)
