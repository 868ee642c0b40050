package slow

deny contains "slow" if {
	xs := numbers.range(1, 3000)
	count([1 | some x in xs; some y in xs; x == y]) > 0
}
