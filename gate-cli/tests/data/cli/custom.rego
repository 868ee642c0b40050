package custom

deny contains {"msg": sprintf("too many tests: %d", [input.tests.summary.total]), "code": "custom.max", "subject": "tests"} if {
	input.tests.summary.total > data.limits.max_tests
}

warn contains "clock is fixed" if time.now_ns() == time.parse_rfc3339_ns("2026-11-28T12:00:00Z")
