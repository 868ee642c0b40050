package broken

deny contains msg if {
	msg := "x" +
}
