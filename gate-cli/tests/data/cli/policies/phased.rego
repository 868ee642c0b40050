package phased

# METADATA
# title: Every test report names its tests
# custom:
#   code: phased.suites
#   severity: medium
#   remediation: Name your test suites.
#   effective_on: 2026-12-15
deny contains result if {
	some tc in input.tests.cases
	result := {"msg": sprintf("test %s", [tc.name]), "subject": tc.subject}
}
