package unsafe

deny contains msg if {
	input.x == y
	msg := "x"
}
