package gate.tests_test

import data.gate.tests

src := {"evidence": "junit.xml", "line": 3, "column": 5}

case(classname, name, status, message) := {
	"suite": "s",
	"classname": classname,
	"name": name,
	"status": status,
	"message": message,
	"duration_s": 0.1,
	"flaky": false,
	"source": src,
	"subject": subject(classname, name),
}

subject(classname, name) := sprintf("%s::%s", [classname, name]) if classname != ""

subject(classname, name) := name if classname == ""

report(total, mismatches) := {
	"evidence": "junit.xml",
	"summary": {"total": total, "passed": total, "failed": 0, "errored": 0, "skipped": 0},
	"mismatches": mismatches,
}

test_failed_test_is_denied_with_its_name_and_source if {
	results := tests.deny with input as {"tests": {
		"cases": [case("pkg.mod", "test_a", "failed", "assert 1 == 2\nmore")],
		"reports": [report(1, [])],
	}}
	count(results) == 1
	some r in results
	r.code == "tests.failed"
	r.subject == "pkg.mod::test_a"
	r.msg == "test `pkg.mod::test_a` failed: assert 1 == 2"
	r.evidence == src
}

test_errored_test_has_its_own_code if {
	results := tests.deny with input as {"tests": {
		"cases": [case("", "setup", "errored", null)],
		"reports": [report(1, [])],
	}}
	some r in results
	r.code == "tests.errored"
	r.msg == "test `setup` errored"
}

test_passed_and_skipped_tests_are_not_denied if {
	results := tests.deny with input as {"tests": {
		"cases": [case("c", "a", "passed", null), case("c", "b", "skipped", "xfail")],
		"reports": [report(2, [])],
	}}
	count(results) == 0
}

test_hidden_failures_are_denied if {
	m := {
		"suite": "unit",
		"claimed_failures": 2,
		"claimed_errors": 0,
		"found_failures": 0,
		"found_errors": 0,
		"source": src,
	}
	results := tests.deny with input as {"tests": {"cases": [], "reports": [report(3, [m])]}}
	some r in results
	r.code == "tests.hidden-failures"
	contains(r.msg, "claims 2 failures")
}

test_empty_report_warns if {
	results := tests.warn with input as {"tests": {"cases": [], "reports": [report(0, [])]}}
	some r in results
	r.code == "tests.none"
	r.subject == "junit.xml"
}

test_non_empty_report_does_not_warn if {
	results := tests.warn with input as {"tests": {"cases": [], "reports": [report(4, [])]}}
	count(results) == 0
}

tap_mismatch(claimed) := {
	"suite": "plan",
	"claimed_failures": 0,
	"claimed_errors": 0,
	"found_failures": 1,
	"found_errors": 0,
	"claimed_tests": claimed,
	"found_tests": 2,
	"source": {"evidence": "run.tap", "line": 2, "column": 1},
}

test_tap_plan_mismatch_is_a_hidden_failure if {
	results := tests.deny with input as {"tests": {"cases": [], "reports": [report(2, [tap_mismatch(5)])]}}
	some r in results
	r.code == "tests.hidden-failures"
	r.subject == "junit.xml#plan"
	r.msg == "the plan `1..5` announces 5 tests but the report has 2 test points"
	r.evidence == {"evidence": "run.tap", "line": 2, "column": 1}
}

test_tap_stream_without_a_plan_is_a_hidden_failure if {
	results := tests.deny with input as {"tests": {"cases": [], "reports": [report(2, [tap_mismatch(null)])]}}
	some r in results
	r.msg == "the TAP stream has no plan (`1..N`), so it may have stopped early: 2 test points were read"
}

test_tap_bail_out_is_an_errored_test if {
	results := tests.deny with input as {"tests": {
		"cases": [case("", "Bail out!", "errored", "no database")],
		"reports": [report(1, [])],
	}}
	some r in results
	r.code == "tests.errored"
	r.msg == "test `Bail out!` errored: no database"
}

numbering_mismatch(duplicate, missing) := object.union(tap_mismatch(3), {
	"suite": "numbering",
	"found_tests": 3,
	"duplicate_points": duplicate,
	"missing_points": missing,
})

test_tap_points_repeated_or_missing_are_hidden_failures if {
	both := tests.deny with input as {"tests": {"cases": [], "reports": [report(3, [numbering_mismatch([1], [2])])]}}
	some r in both
	r.code == "tests.hidden-failures"
	r.subject == "junit.xml#numbering"
	r.msg == "the TAP stream's test points are numbered wrongly (given more than once 1; missing 2): a repeated or missing point can hide a failure"
	missing := tests.deny with input as {"tests": {"cases": [], "reports": [report(3, [numbering_mismatch([], [2, 3])])]}}
	some m in missing
	m.msg == "the TAP stream's test points are numbered wrongly (missing 2, 3): a repeated or missing point can hide a failure"
}
