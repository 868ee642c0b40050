# METADATA
# title: Coverage
# description: |
#   Code coverage is at least the minimum the release needs, and no lower than an earlier run's.
#   Settings under `data.gate.config.coverage`: `min_lines` and `min_branches` (percentages; a
#   metric without a minimum is not judged against one), `previous` (an earlier run's figures,
#   e.g. the main branch's: a percentage per metric, or the `input.coverage` figures `gate
#   inspect` printed then) and `max_drop` (how many percentage points a figure may fall below
#   `previous`, default 0). Nothing is judged when none is set. A minimum or a previous figure
#   with no coverage measured for it is a denial, never a silent pass: no coverage report, or
#   reports that measure no lines (or no branches), is `coverage.not-measured`.
# custom:
#   settings:
#     min_lines:
#       description: Minimum line coverage, in percent (not judged when not set).
#       type: number
#       minimum: 0
#       maximum: 100
#     min_branches:
#       description: Minimum branch coverage, in percent (not judged when not set).
#       type: number
#       minimum: 0
#       maximum: 100
#     previous:
#       description: An earlier run's coverage, to deny a drop; per metric (`lines`, `branches`, `functions`, `statements`) a percentage or an `input.coverage` figure with `percent`.
#       type: object
#       additionalProperties: false
#       patternProperties:
#         "^(lines|branches|functions|statements)$":
#           anyOf:
#             - {type: number, minimum: 0, maximum: 100}
#             - type: object
#               required: [percent]
#               properties:
#                 percent: {type: [number, "null"], minimum: 0, maximum: 100}
#       default: {}
#     max_drop:
#       description: Percentage points a figure may fall below `previous` before it is denied.
#       type: number
#       minimum: 0
#       default: 0
package gate.coverage

thresholds["lines"] := data.gate.config.coverage.min_lines

thresholds["branches"] := data.gate.config.coverage.min_branches

# An earlier run's percentage per metric: a number, or a figure whose `percent` is one (a
# figure of nothing, `percent: null`, sets no bar).
previous[metric] := p if {
	some metric, v in data.gate.config.coverage.previous
	is_number(v)
	p := v
}

previous[metric] := v.percent if {
	some metric, v in data.gate.config.coverage.previous
	is_number(v.percent)
}

default max_drop := 0

max_drop := data.gate.config.coverage.max_drop

# The metrics some setting needs measured.
needed contains metric if some metric, _ in thresholds

needed contains metric if some metric, _ in previous

label := {"lines": "line", "branches": "branch", "functions": "function", "statements": "statement"}

# The coverage reports that measure a metric: the evidence of a result about it.
sources(metric) := [r.source |
	some r in input.coverage.reports
	is_number(r[metric].total)
]

# A measured percentage cut (not rounded) to two decimals: 79.996 is 79.99, never 80.
shown(p) := floor(p * 100) / 100

# A given percentage to two decimals.
rounded(p) := round(p * 100) / 100

# METADATA
# title: Coverage is below the minimum
# custom:
#   code: coverage.below-threshold
#   severity: medium
#   remediation: Add tests for the code the report shows uncovered (the files that miss most are named), or lower the minimum in data.gate.config.coverage.
deny contains result if {
	some metric, minimum in thresholds
	figure := input.coverage[metric]
	is_number(figure.percent)
	figure.percent < minimum
	result := {
		"code": "coverage.below-threshold",
		"subject": metric,
		"msg": sprintf("%s coverage is %v%% (%d of %d), below the minimum of %v%%%s", [
			label[metric], shown(figure.percent), figure.covered, figure.total, minimum, most_missed(metric),
		]),
		"evidence": sources(metric),
	}
}

# METADATA
# title: Coverage dropped since the previous run
# custom:
#   code: coverage.dropped
#   severity: medium
#   remediation: Add tests for the new or changed code that is not covered, or update data.gate.config.coverage.previous when the drop is intended.
deny contains result if {
	some metric, before in previous
	figure := input.coverage[metric]
	is_number(figure.percent)
	figure.percent < before - max_drop
	result := {
		"code": "coverage.dropped",
		"subject": metric,
		"msg": sprintf("%s coverage dropped to %v%% (%d of %d) from %v%% in the previous run%s", [
			label[metric], shown(figure.percent), figure.covered, figure.total, rounded(before), allowed_drop,
		]),
		"evidence": sources(metric),
	}
}

allowed_drop := "" if max_drop == 0

allowed_drop := sprintf(", more than the %v points allowed", [max_drop]) if max_drop != 0

# METADATA
# title: Coverage was not measured
# description: A minimum or a previous figure is set for a metric that no coverage report measured, so the release cannot be judged on it and does not pass on it.
# custom:
#   code: coverage.not-measured
#   severity: high
#   remediation: Give gate the coverage report of the test run (Cobertura XML, LCOV, JaCoCo XML, a Go coverage profile or istanbul's coverage-summary.json), with branch coverage switched on when a branch minimum is set.
deny contains result if {
	some metric in needed
	not is_number(input.coverage[metric].percent)
	result := {
		"code": "coverage.not-measured",
		"subject": metric,
		"msg": sprintf("%s coverage was not measured: %s, yet %s", [label[metric], why_unmeasured(metric), needed_by(metric)]),
		"evidence": [r.source | some r in input.coverage.reports],
	}
}

why_unmeasured(_) := "no coverage report was given" if count(object.get(input, ["coverage", "reports"], [])) == 0

why_unmeasured(metric) := sprintf("the coverage reports (%s) measure no %s", [
	concat(", ", [sprintf("`%s`", [r.evidence]) | some r in input.coverage.reports]),
	metric,
]) if count(input.coverage.reports) > 0

needed_by(metric) := sprintf("a minimum of %v%% is set", [thresholds[metric]]) if thresholds[metric]

needed_by(metric) := sprintf("a previous run measured %v%%", [rounded(previous[metric])]) if {
	not thresholds[metric]
	previous[metric]
}

# The three files that miss most of a metric, for the message: `; most missed: `a.py` (28 of
# 40 lines not covered), …`.
most_missed(metric) := sprintf("; most missed: %s", [concat(", ", [sprintf("`%s` (%d of %d %s not covered)", [m[1], 0 - m[0], m[2], metric]) |
	some m in array.slice(sort(missed(metric)), 0, 3)
])]) if count(missed(metric)) > 0

most_missed(metric) := "" if count(missed(metric)) == 0

# [-missed, path, total] per file that misses some of a metric: sorted, most missed first.
missed(metric) := [[f[metric].covered - f[metric].total, f.path, f[metric].total] |
	some f in input.coverage.files
	is_number(f[metric].total)
	f[metric].total > f[metric].covered
]
