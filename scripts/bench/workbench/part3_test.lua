-- Part 3 of the workbench benchmark (see suite.lua).
require("suite")(11)
