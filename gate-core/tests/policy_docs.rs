//! The standard library's reference pages, `docs/policies/<package>.md` and
//! `docs/policies/README.md`, generated from the policies' `# METADATA` blocks. Regenerate with
//! `UPDATE_DOCS=1 cargo test -p gate-core policy_docs`; without it the test fails when a page is
//! stale. Also holds the library to its own standard: every `deny` / `warn` / `violation` rule
//! carries a code, a title, a severity and a remediation.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use gate_core::policy::metadata::{self, RuleMeta, Scope};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One package of the standard library: its folder name, policy files (no tests) and metadata.
struct Package {
    name: String,
    files: Vec<(String, String)>,
    meta: Vec<RuleMeta>,
}

fn packages() -> Vec<Package> {
    let root = root();
    let mut by_name: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root.join("policies")).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".rego") || rel.ends_with("_test.rego") {
            continue;
        }
        let name = rel.split('/').nth(1).unwrap().to_owned();
        let text = fs_err::read_to_string(path).unwrap();
        by_name.entry(name).or_default().push((rel, text));
    }
    by_name
        .into_iter()
        .map(|(name, files)| {
            let mut meta = Vec::new();
            for (rel, text) in &files {
                meta.extend(metadata::parse(rel, text).unwrap());
            }
            Package { name, files, meta }
        })
        .collect()
}

/// `deny` / `warn` / `violation` from a rule path.
fn level(path: &str) -> Option<&'static str> {
    match path.rsplit('.').next()? {
        "deny" | "violation" => Some("deny"),
        "warn" => Some("warn"),
        _ => None,
    }
}

/// Rule heads of `deny` / `warn` / `violation` at the start of a line: `(line, name)`.
fn rule_heads(text: &str) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        for name in ["deny", "warn", "violation"] {
            if let Some(rest) = l.strip_prefix(name) {
                if rest.starts_with([' ', '[', ':', '=', '{']) || rest.is_empty() {
                    out.push((i + 1, name));
                }
            }
        }
    }
    out
}

/// `data.gate.config.…` paths a package's source reads, for its parameters section.
fn config_keys(files: &[(String, String)]) -> BTreeSet<String> {
    let re = regex::Regex::new(r"data\.gate\.config(?:\.[A-Za-z_][A-Za-z0-9_]*)+").unwrap();
    files
        .iter()
        .flat_map(|(_, t)| re.find_iter(t).map(|m| m.as_str().to_owned()))
        .collect()
}

/// The settings a package declares in its package METADATA (`custom.settings`), by name.
fn declared_settings(p: &Package) -> BTreeMap<String, serde_json::Value> {
    package_meta(p)
        .and_then(|m| m.custom.get("settings"))
        .and_then(|s| s.as_object())
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// A schema's type in words: `array of critical, high, …`, `boolean`.
fn schema_type(schema: &serde_json::Value) -> String {
    if let Some(values) = schema.get("enum").and_then(|e| e.as_array()) {
        let names: Vec<String> = values
            .iter()
            .map(|v| format!("`{}`", v.as_str().unwrap_or("?")))
            .collect();
        return format!("one of {}", names.join(", "));
    }
    let ty = schema.get("type").and_then(|t| t.as_str()).unwrap_or("any");
    match (ty, schema.get("items")) {
        ("array", Some(items)) => format!("array of {}", schema_type(items)),
        _ => ty.to_owned(),
    }
}

/// Text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn package_meta(p: &Package) -> Option<&RuleMeta> {
    p.meta
        .iter()
        .find(|m| matches!(m.scope, Scope::Package | Scope::Subpackages))
}

fn rules(p: &Package) -> Vec<&RuleMeta> {
    p.meta
        .iter()
        .filter(|m| matches!(m.scope, Scope::Rule | Scope::Document) && level(&m.path).is_some())
        .collect()
}

/// `` `code` (level) ``: a rule's section heading, unique within its page.
fn heading(r: &RuleMeta) -> String {
    format!(
        "`{}` ({})",
        r.code.as_deref().unwrap_or(&r.path),
        level(&r.path).unwrap_or("rule")
    )
}

/// The anchor GitHub and most Markdown renderers give [`heading`]: lower case, punctuation
/// other than `-` and `_` dropped, spaces as `-`.
fn anchor(r: &RuleMeta) -> String {
    heading(r)
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn page(p: &Package) -> String {
    let mut s = String::new();
    let pkg = package_meta(p);
    let package_path = pkg
        .map(|m| m.path.trim_start_matches("data.").to_owned())
        .unwrap_or_else(|| format!("gate.{}", p.name));
    let title = pkg.and_then(|m| m.title.clone()).unwrap_or(p.name.clone());
    writeln!(s, "<!-- Generated from the policies' METADATA by `UPDATE_DOCS=1 cargo test -p gate-core policy_docs`; do not edit. -->\n").unwrap();
    writeln!(s, "# `{package_path}`: {title}\n").unwrap();
    if let Some(d) = pkg.and_then(|m| m.description.as_deref()) {
        writeln!(s, "{}\n", d.trim()).unwrap();
    }
    let files: Vec<String> = p
        .files
        .iter()
        .map(|(rel, _)| format!("[`{rel}`](../../{rel})"))
        .collect();
    writeln!(s, "Source: {}.\n", files.join(", ")).unwrap();
    let settings = declared_settings(p);
    if !settings.is_empty() {
        writeln!(
            s,
            "Settings (`data.gate.config.{name}`; in `gate.toml`, `[settings.{name}]`; see \
             [configuration](../config.md#policy-settings)):\n",
            name = p.name
        )
        .unwrap();
        writeln!(
            s,
            "| setting | type | default | meaning |\n|---|---|---|---|"
        )
        .unwrap();
        for (key, schema) in &settings {
            let ty = schema_type(schema);
            let default = schema
                .get("default")
                .map(|d| format!("`{d}`"))
                .unwrap_or_else(|| "—".to_owned());
            let meaning = schema
                .get("description")
                .and_then(|d| d.as_str())
                .unwrap_or("—");
            writeln!(
                s,
                "| `{key}` | {} | {default} | {} |",
                cell(&ty),
                cell(meaning)
            )
            .unwrap();
        }
        s.push('\n');
    }
    let rules = rules(p);
    writeln!(s, "| code | level | severity | title |\n|---|---|---|---|").unwrap();
    for r in &rules {
        writeln!(
            s,
            "| [`{code}`](#{anchor}) | {level} | {sev} | {title} |",
            code = r.code.as_deref().unwrap_or("—"),
            anchor = anchor(r),
            level = level(&r.path).unwrap_or("—"),
            sev = r.severity.as_deref().unwrap_or("—"),
            title = cell(r.title.as_deref().unwrap_or("—")),
        )
        .unwrap();
    }
    for r in &rules {
        writeln!(s, "\n## {}\n", heading(r)).unwrap();
        writeln!(
            s,
            "**{}**\n",
            r.title.as_deref().unwrap_or("(no title)").trim()
        )
        .unwrap();
        writeln!(s, "| | |\n|---|---|").unwrap();
        writeln!(
            s,
            "| rule | `{}` in [`{}`](../../{}) |",
            r.path.trim_start_matches("data."),
            r.file,
            r.file
        )
        .unwrap();
        writeln!(s, "| level | {} |", level(&r.path).unwrap_or("—")).unwrap();
        writeln!(s, "| severity | {} |", r.severity.as_deref().unwrap_or("—")).unwrap();
        if let Some(d) = r.effective_on {
            writeln!(
                s,
                "| effective on | {} (before it, a failure is reported as a warning) |",
                d.format("%Y-%m-%d")
            )
            .unwrap();
        }
        if let Some(u) = &r.url {
            writeln!(s, "| more | <{u}> |").unwrap();
        }
        if let Some(d) = r.description.as_deref() {
            writeln!(s, "\n{}", d.trim()).unwrap();
        }
        if let Some(rem) = r.remediation.as_deref() {
            writeln!(s, "\nRemediation: {}", rem.trim()).unwrap();
        }
    }
    s
}

fn index(packages: &[Package]) -> String {
    let mut s = String::new();
    writeln!(s, "<!-- Generated from the policies' METADATA by `UPDATE_DOCS=1 cargo test -p gate-core policy_docs`; do not edit. -->\n").unwrap();
    writeln!(s, "# Standard policy reference\n").unwrap();
    writeln!(
        s,
        "One page per package of the standard library (embedded in `gate`, sources in \
         [`policies/`](../../policies)), generated from each rule's `# METADATA`. For what the \
         rules are for and how to tune them, see [Standard policies](../policies.md).\n"
    )
    .unwrap();
    writeln!(s, "| package | title | rules | codes |\n|---|---|---|---|").unwrap();
    for p in packages {
        let pkg = package_meta(p);
        let rules = rules(p);
        let mut codes: Vec<String> = Vec::new();
        for c in rules.iter().filter_map(|r| r.code.as_deref()) {
            let c = format!("`{c}`");
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
        writeln!(
            s,
            "| [`{}`]({}.md) | {} | {} | {} |",
            pkg.map(|m| m.path.trim_start_matches("data.").to_owned())
                .unwrap_or_else(|| format!("gate.{}", p.name)),
            p.name,
            cell(pkg.and_then(|m| m.title.as_deref()).unwrap_or(&p.name)),
            rules.len(),
            codes.join(", ")
        )
        .unwrap();
    }
    s
}

#[test]
fn policy_docs_are_current() {
    let packages = packages();
    assert!(packages.len() >= 4, "{} packages", packages.len());
    let dir = root().join("docs/policies");
    let mut want: BTreeMap<PathBuf, String> = BTreeMap::new();
    for p in &packages {
        want.insert(dir.join(format!("{}.md", p.name)), page(p));
    }
    want.insert(dir.join("README.md"), index(&packages));
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    if update {
        fs_err::create_dir_all(&dir).unwrap();
        // Pages of packages that no longer exist go too.
        for entry in fs_err::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") && !want.contains_key(&path) {
                fs_err::remove_file(&path).unwrap();
            }
        }
    }
    let mut stale = Vec::new();
    for (path, text) in &want {
        if update {
            fs_err::write(path, text).unwrap();
        }
        if fs_err::read_to_string(path).unwrap_or_default() != *text {
            stale.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    assert!(
        stale.is_empty(),
        "docs/policies is stale ({}): run UPDATE_DOCS=1 cargo test -p gate-core policy_docs",
        stale.join(", ")
    );
}

#[test]
fn policy_docs_every_rule_has_code_title_severity_remediation() {
    let mut problems = Vec::new();
    // A code may be shared by rules that report the same thing (a deny and its warn form); it
    // must then carry the same title.
    let mut codes: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
    let mut rules_seen = 0;
    for p in packages() {
        for (rel, text) in &p.files {
            for (line, name) in rule_heads(text) {
                rules_seen += 1;
                let Some(m) = p
                    .meta
                    .iter()
                    .find(|m| &m.file == rel && m.line == line && m.scope != Scope::Package)
                else {
                    problems.push(format!("{rel}:{line}: `{name}` rule has no # METADATA"));
                    continue;
                };
                for (field, v) in [
                    ("title", &m.title),
                    ("custom.code", &m.code),
                    ("custom.severity", &m.severity),
                    ("custom.remediation", &m.remediation),
                ] {
                    if v.as_deref().is_none_or(|s| s.trim().is_empty()) {
                        problems.push(format!("{rel}:{line}: `{name}` rule has no {field}"));
                    }
                }
                if let Some(code) = &m.code {
                    let here = (format!("{rel}:{line}"), m.title.clone());
                    if let Some((other, title)) = codes.insert(code.clone(), here) {
                        if title != m.title {
                            problems.push(format!(
                                "{rel}:{line}: code `{code}` is also used, with another title, at {other}"
                            ));
                        }
                    }
                    if !code.starts_with(&format!("{}.", p.name)) {
                        problems.push(format!(
                            "{rel}:{line}: code `{code}` does not start with the package name `{}.`",
                            p.name
                        ));
                    }
                }
            }
        }
    }
    assert!(rules_seen >= 8, "only {rules_seen} rules found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every `data.gate.config.<package>.<key>` a standard policy reads is a setting its package
/// declares, and every declared setting is read: the declarations are what gate checks users'
/// settings against, so they must be complete and true.
#[test]
fn policy_settings_declarations_match_what_the_policies_read() {
    let mut problems = Vec::new();
    for p in packages() {
        let declared: BTreeSet<String> = declared_settings(&p).into_keys().collect();
        let read: BTreeSet<String> = config_keys(&p.files)
            .into_iter()
            .filter_map(|k| {
                let rest = k.strip_prefix(&format!("data.gate.config.{}.", p.name))?;
                Some(rest.split('.').next()?.to_owned())
            })
            .collect();
        for k in read.difference(&declared) {
            problems.push(format!(
                "gate.{}: reads `{k}` but does not declare it",
                p.name
            ));
        }
        for k in declared.difference(&read) {
            problems.push(format!(
                "gate.{}: declares `{k}` but never reads it",
                p.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn policy_docs_rule_heads_are_found() {
    let heads =
        rule_heads("deny contains r if {\n\twarn := 1\n}\nwarn contains x if x\nviolation[x] {\n");
    assert_eq!(heads, [(1, "deny"), (4, "warn"), (5, "violation")]);
}

/// One table row per code: `| `code` | description |`.
fn code_table(header: &str, rows: impl Iterator<Item = (&'static str, String)>) -> String {
    let mut s = format!("{header}\n|---|---|\n");
    for (code, description) in rows {
        writeln!(s, "| `{code}` | {description} |").unwrap();
    }
    s
}

/// Replace what lies between `<!-- NAME:begin -->` and `<!-- NAME:end -->` with `body`.
fn splice(text: &str, name: &str, body: &str) -> String {
    let (start, end) = (
        format!("<!-- {name}:begin -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let (Some(a), Some(b)) = (text.find(&start), text.find(&end)) else {
        panic!("docs/diagnostics.md lacks the {name} markers");
    };
    format!("{}{body}{}", &text[..a + start.len()], &text[b..])
}

/// docs/diagnostics.md: its two code tables are generated from `diagnostic::Code` and
/// `ErrorCode` (each code's doc comment is its description), so the documented codes are exactly
/// the codes gate gives. Regenerate with `UPDATE_DOCS=1 cargo test -p gate-core --test
/// policy_docs`.
#[test]
fn diagnostics_doc_lists_exactly_the_codes() {
    use gate_core::diagnostic::Code;
    use gate_core::ErrorCode;

    let path = root().join("docs/diagnostics.md");
    let have = fs_err::read_to_string(&path).unwrap();
    let notes = code_table(
        "| code | meaning |",
        Code::all().map(|c| (c.as_str(), c.description())),
    );
    let errors = code_table(
        "| code | when |",
        ErrorCode::all().map(|c| (c.as_str(), c.description())),
    );
    let want = splice(
        &splice(&have, "diagnostic-codes", &notes),
        "error-codes",
        &errors,
    );
    if want != have && std::env::var_os("UPDATE_DOCS").is_some() {
        fs_err::write(&path, &want).unwrap();
        return;
    }
    assert!(
        want == have,
        "docs/diagnostics.md is stale: run UPDATE_DOCS=1 cargo test -p gate-core --test policy_docs"
    );
}

/// Every `gate::…` error code the user docs name is one gate gives (a renamed or removed code
/// cannot linger in an example or a table).
#[test]
fn docs_name_only_listed_error_codes() {
    let listed: BTreeSet<&str> = gate_core::ErrorCode::all()
        .map(gate_core::ErrorCode::as_str)
        .collect();
    let mut unknown = Vec::new();
    let mut found = 0;
    for entry in walkdir::WalkDir::new(root().join("docs")).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = fs_err::read_to_string(entry.path()).unwrap();
        for (i, _) in text.match_indices("gate::") {
            let code: String = text[i..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == ':' || *c == '_')
                .collect();
            found += 1;
            // `gate::internal::` names a family: some code must start with it.
            let known = if code.ends_with("::") {
                listed.iter().any(|c| c.starts_with(code.as_str()))
            } else {
                listed.contains(code.as_str())
            };
            if !known {
                let name = entry.file_name().to_string_lossy().into_owned();
                unknown.push(format!("{name}: {code}"));
            }
        }
    }
    assert!(found >= listed.len(), "only {found} codes found in docs/");
    assert!(
        unknown.is_empty(),
        "docs name unknown error codes: {unknown:?}"
    );
}
