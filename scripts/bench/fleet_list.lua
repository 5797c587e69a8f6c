-- Lists the whole fleet through cmo.list and counts it (scripts/bench/fleet.sh, the memory figure).
local n = 0
for _ in cmo.list{ page_size = 100 } do n = n + 1 end
print(("listed %d products"):format(n))
