-- Part 4 of the workbench benchmark (see suite.lua).
require("suite")(16)
