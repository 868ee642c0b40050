package gate.coverage_test

import data.gate.coverage

report(id, lines, branches) := {
	"evidence": id,
	"format": "cobertura",
	"tool": "coverage.py",
	"lines": lines,
	"branches": branches,
	"functions": null,
	"statements": null,
	"files": 1,
	"source": {"evidence": id, "line": 2, "column": 1},
}

figure(covered, total) := {"covered": covered, "total": total, "percent": (covered * 100) / total} if total > 0

figure(covered, total) := {"covered": covered, "total": total, "percent": null} if total == 0

file(path, lines) := {
	"path": path,
	"lines": lines,
	"branches": null,
	"functions": null,
	"statements": null,
	"sources": [],
}

# 150 of 200 lines (75%), 10 of 40 branches (25%), in two files.
measured := {
	"lines": figure(150, 200),
	"branches": figure(10, 40),
	"functions": null,
	"statements": null,
	"files": [
		file("src/a.py", figure(100, 110)),
		file("src/b.py", figure(50, 90)),
		file("src/c.py", figure(0, 0)),
	],
	"reports": [report("coverage.xml", figure(150, 200), figure(10, 40))],
}

no_coverage := {
	"lines": null,
	"branches": null,
	"functions": null,
	"statements": null,
	"files": [],
	"reports": [],
}

test_lines_below_the_minimum_are_denied_naming_the_files_that_miss_most if {
	results := coverage.deny with input as {"coverage": measured}
		with data.gate.config.coverage as {"min_lines": 80}
	count(results) == 1
	some r in results
	r.code == "coverage.below-threshold"
	r.subject == "lines"
	r.msg == "line coverage is 75% (150 of 200), below the minimum of 80%; most missed: `src/b.py` (40 of 90 lines not covered), `src/a.py` (10 of 110 lines not covered)"
	r.evidence == [{"evidence": "coverage.xml", "line": 2, "column": 1}]
}

test_coverage_at_or_above_the_minimum_passes if {
	results := coverage.deny with input as {"coverage": measured}
		with data.gate.config.coverage as {"min_lines": 75, "min_branches": 25}
	count(results) == 0
}

test_a_percentage_just_below_the_minimum_is_not_shown_rounded_up if {
	almost := object.union(measured, {"lines": {"covered": 79996, "total": 100000, "percent": 79.996}, "files": []})
	results := coverage.deny with input as {"coverage": almost}
		with data.gate.config.coverage as {"min_lines": 80}
	some r in results
	r.msg == "line coverage is 79.99% (79996 of 100000), below the minimum of 80%"
}

test_branches_are_judged_only_with_their_own_minimum if {
	lines_only := coverage.deny with input as {"coverage": measured}
		with data.gate.config.coverage as {"min_lines": 50}
	count(lines_only) == 0
	both := coverage.deny with input as {"coverage": measured}
		with data.gate.config.coverage as {"min_lines": 50, "min_branches": 60}
	count(both) == 1
	some r in both
	r.subject == "branches"
	startswith(r.msg, "branch coverage is 25% (10 of 40), below the minimum of 60%")
}

test_nothing_is_judged_without_settings if {
	count(coverage.deny) == 0 with input as {"coverage": no_coverage}
	count(coverage.deny) == 0 with input as {"coverage": measured}
}

test_a_minimum_without_a_coverage_report_is_not_a_pass if {
	results := coverage.deny with input as {"coverage": no_coverage}
		with data.gate.config.coverage as {"min_lines": 80}
	count(results) == 1
	some r in results
	r.code == "coverage.not-measured"
	r.subject == "lines"
	r.msg == "line coverage was not measured: no coverage report was given, yet a minimum of 80% is set"
	r.evidence == []
}

test_an_input_without_coverage_is_not_a_pass if {
	results := coverage.deny with input as {}
		with data.gate.config.coverage as {"min_lines": 80}
	some r in results
	r.code == "coverage.not-measured"
}

test_a_branch_minimum_when_reports_measure_no_branches_is_not_a_pass if {
	lines_only := object.union(measured, {"branches": null})
	results := coverage.deny with input as {"coverage": lines_only}
		with data.gate.config.coverage as {"min_branches": 50}
	count(results) == 1
	some r in results
	r.code == "coverage.not-measured"
	r.subject == "branches"
	r.msg == "branch coverage was not measured: the coverage reports (`coverage.xml`) measure no branches, yet a minimum of 50% is set"
	r.evidence == [{"evidence": "coverage.xml", "line": 2, "column": 1}]
}

test_reports_that_measured_nothing_are_not_a_pass if {
	empty := object.union(measured, {"lines": figure(0, 0), "files": []})
	results := coverage.deny with input as {"coverage": empty}
		with data.gate.config.coverage as {"min_lines": 10}
	some r in results
	r.code == "coverage.not-measured"
}

test_a_drop_below_the_previous_run_is_denied if {
	results := coverage.deny with input as {"coverage": measured}
		with data.gate.config.coverage as {"previous": {"lines": 80.5}}
	count(results) == 1
	some r in results
	r.code == "coverage.dropped"
	r.subject == "lines"
	r.msg == "line coverage dropped to 75% (150 of 200) from 80.5% in the previous run"
}

test_previous_figures_as_gate_inspect_prints_them if {
	results := coverage.deny with input as {"coverage": measured}
		with data.gate.config.coverage as {"previous": {"branches": figure(30, 100), "lines": figure(0, 0)}}
	count(results) == 1
	some r in results
	r.code == "coverage.dropped"
	r.subject == "branches"
}

test_a_drop_within_max_drop_passes_and_beyond_it_is_denied if {
	within := coverage.deny with input as {"coverage": measured}
		with data.gate.config.coverage as {"previous": {"lines": 76}, "max_drop": 1}
	count(within) == 0
	beyond := coverage.deny with input as {"coverage": measured}
		with data.gate.config.coverage as {"previous": {"lines": 76.5}, "max_drop": 1}
	some r in beyond
	r.msg == "line coverage dropped to 75% (150 of 200) from 76.5% in the previous run, more than the 1 points allowed"
}

test_no_drop_when_coverage_rose if {
	results := coverage.deny with input as {"coverage": measured}
		with data.gate.config.coverage as {"previous": {"lines": 70, "branches": 25}}
	count(results) == 0
}

test_a_previous_figure_for_an_unmeasured_metric_is_not_a_pass if {
	results := coverage.deny with input as {"coverage": measured}
		with data.gate.config.coverage as {"previous": {"functions": 66.666}}
	count(results) == 1
	some r in results
	r.code == "coverage.not-measured"
	r.subject == "functions"
	r.msg == "function coverage was not measured: the coverage reports (`coverage.xml`) measure no functions, yet a previous run measured 66.67%"
}
