package unknown

deny contains msg if {
	msg := foo.bar(1)
}
