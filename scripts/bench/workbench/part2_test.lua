-- Part 2 of the workbench benchmark (see suite.lua).
require("suite")(6)
