package demo

# METADATA
# title: x must not be one
# custom:
#   code: demo.x-one
#   severity: high
#   remediation: Set x to anything else.
deny contains msg if {
	input.x == 1
	msg := "x is one"
}

deny contains msg if {
	input.y == 1
	msg := "y is one"
}

warn contains msg if {
	some c in input.components
	gate.semver.satisfies(c.version, "<2.17.1")
	msg := sprintf("%s is old", [c.name])
}
