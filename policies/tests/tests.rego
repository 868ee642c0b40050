# METADATA
# title: Tests
# description: Every test that ran passed, and every test report tells the truth about itself.
package gate.tests

# METADATA
# title: A test failed
# custom:
#   code: tests.failed
#   severity: high
#   remediation: Fix the failing test (or the code it tests) and re-run the suite.
deny contains result if {
	some tc in input.tests.cases
	tc.status == "failed"
	result := {
		"code": "tests.failed",
		"subject": tc.subject,
		"msg": sprintf("test `%s` failed%s", [tc.subject, detail(tc)]),
		"evidence": tc.source,
	}
}

# METADATA
# title: A test errored
# description: The test could not run to a verdict (an error in setup or teardown, a crash, a TAP `Bail out!`).
# custom:
#   code: tests.errored
#   severity: high
#   remediation: Fix what stopped the test from running (setup, fixtures, environment) and re-run the suite.
deny contains result if {
	some tc in input.tests.cases
	tc.status == "errored"
	result := {
		"code": "tests.errored",
		"subject": tc.subject,
		"msg": sprintf("test `%s` errored%s", [tc.subject, detail(tc)]),
		"evidence": tc.source,
	}
}

# METADATA
# title: A test report hides failures
# custom:
#   code: tests.hidden-failures
#   severity: high
#   remediation: Regenerate the report with the test runner; do not edit or merge reports by hand.
deny contains result if {
	some report in input.tests.reports
	some m in report.mismatches
	result := {
		"code": "tests.hidden-failures",
		"subject": sprintf("%s#%s", [report.evidence, m.suite]),
		"msg": mismatch_message(m),
		"evidence": m.source,
	}
}

# METADATA
# title: Test evidence with no tests
# custom:
#   code: tests.none
#   severity: medium
#   remediation: Check that the test step ran and that the report path points at its output.
warn contains result if {
	some report in input.tests.reports
	report.summary.total == 0
	result := {
		"code": "tests.none",
		"subject": report.evidence,
		"msg": sprintf("test report `%s` contains no test cases", [report.evidence]),
		"evidence": {"evidence": report.evidence},
	}
}

# A JUnit suite's attributes, a TAP plan, a TAP stream without a plan, or TAP point numbers.
mismatch_message(m) := sprintf(
	"suite `%s` claims %d failures and %d errors but only %d failed and %d errored test cases are in the report",
	[m.suite, m.claimed_failures, m.claimed_errors, m.found_failures, m.found_errors],
) if {
	not is_number(m.found_tests)
}

mismatch_message(m) := sprintf(
	"the plan `1..%d` announces %d tests but the report has %d test points",
	[m.claimed_tests, m.claimed_tests, m.found_tests],
) if {
	m.suite != "numbering"
	is_number(m.claimed_tests)
	is_number(m.found_tests)
}

mismatch_message(m) := sprintf(
	"the TAP stream has no plan (`1..N`), so it may have stopped early: %d test points were read",
	[m.found_tests],
) if {
	m.suite != "numbering"
	not is_number(m.claimed_tests)
	is_number(m.found_tests)
}

# TAP test points that repeat or skip numbers: a point given twice can stand in for one that
# failed and was removed.
mismatch_message(m) := sprintf(
	"the TAP stream's test points are numbered wrongly (%s): a repeated or missing point can hide a failure",
	[numbering(m)],
) if {
	m.suite == "numbering"
}

numbering(m) := concat("; ", [part |
	some [label, points] in [["given more than once", m.duplicate_points], ["missing", m.missing_points]]
	count(points) > 0
	part := sprintf("%s %s", [label, concat(", ", [sprintf("%d", [n]) | some n in points])])
])

detail(tc) := sprintf(": %s", [first_line(tc.message)]) if {
	is_string(tc.message)
	tc.message != ""
}

detail(tc) := "" if not is_string(tc.message)

detail(tc) := "" if tc.message == ""

first_line(s) := trim_space(split(s, "\n")[0])
