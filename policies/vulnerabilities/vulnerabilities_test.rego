package gate.vulnerabilities_test

import data.gate.vulnerabilities

finding(severity, fix_state, fixed_in) := {
	"id": "CVE-2021-44228",
	"aliases": ["GHSA-jfh8-c2jp-5v3q"],
	"tool": "grype",
	"kind": "vulnerability",
	"severity": severity,
	"fix_state": fix_state,
	"fixed_in": fixed_in,
	"suppressed": false,
	"package": {
		"name": "log4j-core",
		"version": "2.14.1",
		"purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
		"type": "java-archive",
	},
	"source": {"evidence": "grype.json", "pointer": "/matches/0"},
	"subject": "CVE-2021-44228@pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
}

test_fixable_critical_is_denied_with_subject_and_remediation if {
	results := vulnerabilities.deny with input as {"findings": [finding("critical", "fixed", ["2.15.0"])]}
	count(results) == 1
	some r in results
	r.code == "vulnerabilities.fixable"
	r.subject == "CVE-2021-44228@pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
	r.msg == "critical CVE-2021-44228 in log4j-core 2.14.1, fixed in 2.15.0 (reported by grype)"
	r.remediation == "Upgrade log4j-core to 2.15.0 or later."
	r.evidence.pointer == "/matches/0"
}

test_unfixable_high_warns if {
	inp := {"findings": [finding("high", "not-fixed", [])]}
	count(vulnerabilities.deny) == 0 with input as inp
	results := vulnerabilities.warn with input as inp
	some r in results
	r.code == "vulnerabilities.unfixable"
}

test_medium_is_not_blocking_by_default if {
	inp := {"findings": [finding("medium", "fixed", ["2.15.0"])]}
	count(vulnerabilities.deny) == 0 with input as inp
	count(vulnerabilities.warn) == 0 with input as inp
}

test_blocking_severities_come_from_data if {
	inp := {"findings": [finding("medium", "fixed", ["2.15.0"])]}
	results := vulnerabilities.deny with input as inp
		with data.gate.config.vulnerabilities.blocking_severities as ["critical", "high", "medium"]
	count(results) == 1
}

test_suppressed_findings_are_not_judged if {
	f := object.union(finding("critical", "fixed", ["2.15.0"]), {"suppressed": true})
	count(vulnerabilities.deny) == 0 with input as {"findings": [f]}
}

test_code_findings_are_not_vulnerabilities if {
	f := object.union(finding("critical", "fixed", ["2.15.0"]), {"kind": "code"})
	count(vulnerabilities.deny) == 0 with input as {"findings": [f]}
}

test_package_without_version_is_named_alone if {
	f := object.union(finding("high", "fixed", ["2.15.0"]), {"package": {"name": "x", "version": null, "purl": null, "type": null}})
	results := vulnerabilities.deny with input as {"findings": [f]}
	some r in results
	r.msg == "high CVE-2021-44228 in x, fixed in 2.15.0 (reported by grype)"
}

vex(state, id, purl) := {
	"id": id,
	"aliases": [],
	"state": state,
	"purls": [purl],
	"source": {"evidence": "vex.cdx.json", "pointer": "/vulnerabilities/0"},
}

test_vex_not_affected_clears_the_finding if {
	inp := {
		"findings": [finding("critical", "fixed", ["2.15.0"]), finding("high", "not-fixed", [])],
		"sbom": {"vex": [vex("not_affected", "GHSA-jfh8-c2jp-5v3q", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar")]},
	}
	count(vulnerabilities.deny) == 0 with input as inp
	count(vulnerabilities.warn) == 0 with input as inp
}

test_vex_in_triage_or_for_another_package_clears_nothing if {
	f := finding("critical", "fixed", ["2.15.0"])
	triage := {"findings": [f], "sbom": {"vex": [vex("in_triage", "CVE-2021-44228", f.package.purl)]}}
	count(vulnerabilities.deny) == 1 with input as triage
	other := {"findings": [f], "sbom": {"vex": [vex("not_affected", "CVE-2021-44228", "pkg:maven/x/y@1")]}}
	count(vulnerabilities.deny) == 1 with input as other
	wrong_id := {"findings": [f], "sbom": {"vex": [vex("not_affected", "CVE-2000-1", f.package.purl)]}}
	count(vulnerabilities.deny) == 1 with input as wrong_id
}

test_merged_findings_name_every_tool if {
	f := object.union(finding("critical", "fixed", ["2.15.0"]), {"tool": "grype, trivy", "tools": ["grype", "trivy"]})
	some r in vulnerabilities.deny with input as {"findings": [f]}
	r.msg == "critical CVE-2021-44228 in log4j-core 2.14.1, fixed in 2.15.0 (reported by grype, trivy)"
}

hiding_scan(total, claimed, found) := {
	"evidence": "npm-audit.json",
	"tool": "npm-audit",
	"incomplete": [],
	"mismatches": [{
		"total": total,
		"claimed": claimed,
		"found": found,
		"source": {"evidence": "npm-audit.json", "pointer": sprintf("/metadata/vulnerabilities/%s", [total])},
	}],
}

test_a_report_whose_totals_count_more_than_it_lists_is_denied if {
	results := vulnerabilities.deny with input as {"findings": [], "scans": [hiding_scan("critical", 3, 0), hiding_scan("total", 3, 0)]}
	count(results) == 2
	msgs := {r.msg | some r in results; r.code == "vulnerabilities.hidden-findings"}
	msgs == {
		"npm-audit report `npm-audit.json` counts 3 critical vulnerabilities but lists 0",
		"npm-audit report `npm-audit.json` counts 3 vulnerabilities in all but lists 0",
	}
	subjects := {r.subject | some r in results}
	subjects == {"npm-audit.json#critical", "npm-audit.json#total"}
}

test_a_report_that_agrees_with_itself_is_not_denied if {
	clean := object.union(hiding_scan("critical", 3, 0), {"mismatches": []})
	count(vulnerabilities.deny) == 0 with input as {"findings": [], "scans": [clean]}
}

test_unknown_severity_blocks_unless_configured_off if {
	inp := {"findings": [finding("unknown", "fixed", ["2.15.0"])]}
	results := vulnerabilities.deny with input as inp
	count(results) == 1
	some r in results
	r.msg == "unknown CVE-2021-44228 in log4j-core 2.14.1, fixed in 2.15.0 (reported by grype)"
	count(vulnerabilities.deny) == 0 with input as inp
		with data.gate.config.vulnerabilities.unknown_blocks as false
}
