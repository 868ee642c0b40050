//! SARIF 2.1.0: read every result of every run into a code [`Finding`].
//!
//! For: SARIF logs of version 2.1.0 as static analysers, linters and secret scanners write them.
//! Each result keeps its rule (resolved through `ruleId`, `rule.id`, `ruleIndex` or
//! `rule.toolComponent` into the driver's or an extension's `rules[]`), its effective level
//! (result, else the rule's default configuration, else SARIF's defaults), its
//! `security-severity`, its first physical location, its suppression state and its baseline
//! state. Not for: other SARIF versions (1.0.0, the 2.0.0 drafts, 2.2 are refused, not
//! guessed at), external property files, code flows, fixes, graphs, taxonomies, or resolving
//! `uriBaseId`s against `originalUriBaseIds` (a URI is kept as the log writes it).
//!
//! Strictness: the fields read must have the types the schema gives them (a `level` or result
//! `kind` outside its enumeration, a suppression without a valid `kind`, is refused with the
//! field path, line and column); a log without `runs`, a run without `tool.driver.name`, a
//! result without a `message` that has `text` or `id` is refused with the path. Everything else
//! in the document is skipped without being built.
//! What is skipped has already been checked by detection ([`json::Probe`] decodes every value
//! once), so numbers out of range, unpaired surrogates and deep nesting are refused there.

use std::collections::HashMap;
use std::fmt;

use serde::de::Visitor;
use serde::Deserialize;

use super::format::{object, Claim, Format, Probe};
use super::Kind;
use super::{Facts, Parsed};
use crate::input::{Finding, FindingKind, IncompleteRun, Location, Producer, ScanReport, Source};
use crate::severity::Severity;
use crate::source::json;
use crate::EvidenceError;

impl Kind {
    /// SARIF 2.1.0.
    #[allow(non_upper_case_globals)]
    pub const Sarif: Kind = Kind("sarif");
}

/// SARIF: `runs`, or a `$schema` naming SARIF.
pub(crate) struct SarifFormat;

impl Format for SarifFormat {
    fn kind(&self) -> Kind {
        Kind::Sarif
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(object(probe).is_some_and(|p| {
            p.has("runs") || p.scalar("$schema").is_some_and(|s| s.contains("sarif"))
        }))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// The one SARIF version gate reads.
pub const VERSION: &str = "2.1.0";

/// Read a SARIF 2.1.0 log.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let log: Log = match json::parse(text) {
        Ok(log) => log,
        // A document of another version may break 2.1.0's shape anywhere: say which version
        // it is rather than which field does not fit.
        Err(e) => return Err(version_problem(text).unwrap_or(e)),
    };
    check_version(&log.version)?;
    let runs = match log.runs {
        Field::Missing => {
            return Err(EvidenceError::new(
                "SARIF log without the required 'runs' property",
            ))
        }
        // The schema allows `null`: SARIF 2.1.0 §3.13.4 gives it to a log whose tool failed
        // before it could produce a run. No run is no scan, never a clean one.
        Field::Null => {
            return Err(EvidenceError::new(
                "SARIF log with 'runs': null: the tool failed before it produced a run \
                 (SARIF 2.1.0 §3.13.4); a scan that did not run is not a clean scan",
            ))
        }
        Field::Present(runs) => runs,
    };

    let mut producer = None;
    let mut findings = Vec::new();
    let mut incomplete = Vec::new();
    let mut scanned = Vec::new();
    for (r, run) in runs.iter().enumerate() {
        let at = format!("runs[{r}]");
        let tool = run
            .tool
            .as_ref()
            .ok_or_else(|| EvidenceError::new(format!("SARIF {at} has no 'tool' object")))?;
        let driver = tool
            .driver
            .as_ref()
            .ok_or_else(|| EvidenceError::new(format!("SARIF {at}.tool has no 'driver' object")))?;
        let name = driver.name.as_deref().ok_or_else(|| {
            EvidenceError::new(format!("SARIF {at}.tool.driver has no 'name' string"))
        })?;
        producer.get_or_insert_with(|| Producer {
            name: name.to_owned(),
            version: driver
                .version
                .clone()
                .or_else(|| driver.semantic_version.clone()),
        });
        incomplete.extend(incomplete_run(id, r, run, name));
        let kind = finding_kind(name);
        if !scanned.contains(&kind) {
            scanned.push(kind);
        }
        let ctx = RunContext::new(run, tool, driver, name);
        for (i, result) in run.results.iter().flatten().enumerate() {
            let finding = ctx.finding(id, r, i, result)?;
            findings.push(finding);
        }
    }
    let producer = producer.unwrap_or_else(|| Producer {
        name: "unknown".to_owned(),
        version: None,
    });

    Ok(Parsed {
        format_version: Some(VERSION.to_owned()),
        facts: Facts {
            findings,
            scan_report: Some(ScanReport {
                evidence: id.to_owned(),
                tool: producer.name.clone(),
                incomplete,
                mismatches: Vec::new(),
            }),
            scanned,
            ..Facts::default()
        },
        producer,
        diagnostics: Vec::new(),
        ..Parsed::default()
    })
}

/// Why run `r` is not a complete scan, if it is not: an invocation that says
/// `executionSuccessful: false` (the tool crashed or stopped), or no `results` array at all
/// (SARIF 2.1.0 §3.14.23: absent only when the tool did not start or did not begin its analysis,
/// or when the run only exports rule metadata).
fn incomplete_run(id: &str, r: usize, run: &Run, tool: &str) -> Vec<IncompleteRun> {
    let mut out = Vec::new();
    for (i, inv) in run.invocations.iter().flatten().enumerate() {
        if inv.execution_successful {
            continue;
        }
        let mut reason = format!("invocations[{i}] reports `executionSuccessful: false`");
        if let Some(code) = inv.exit_code {
            reason.push_str(&format!(" (exit code {code})"));
        }
        let said = inv
            .tool_execution_notifications
            .iter()
            .flatten()
            .filter(|n| matches!(n.level, Some(Level::Error)))
            .find_map(|n| n.message.as_ref().and_then(|m| m.text.as_deref()))
            .or(inv.exit_code_description.as_deref())
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if let Some(text) = said {
            reason.push_str(": ");
            reason.push_str(crate::source::xml::clip(text, 200));
        }
        out.push(IncompleteRun {
            run: format!("runs[{r}]"),
            tool: tool.to_owned(),
            reason,
            source: Source::pointer(id, format!("/runs/{r}/invocations/{i}")),
        });
    }
    if run.results.is_none() {
        out.push(IncompleteRun {
            run: format!("runs[{r}]"),
            tool: tool.to_owned(),
            reason: "the run has no `results` array: the tool did not start, did not begin its \
                     analysis, or only exported rule metadata"
                .to_owned(),
            source: Source::pointer(id, format!("/runs/{r}")),
        });
    }
    out
}

fn check_version(version: &Field<String>) -> Result<(), EvidenceError> {
    match version {
        Field::Present(v) if v == VERSION => Ok(()),
        Field::Present(other) => Err(EvidenceError::new(format!(
            "SARIF version '{other}' is not supported (only {VERSION})"
        ))),
        Field::Null => Err(not_a_string()),
        Field::Missing => Err(EvidenceError::new(format!(
            "SARIF version is missing (the log must state \"version\": \"{VERSION}\")"
        ))),
    }
}

fn not_a_string() -> EvidenceError {
    EvidenceError::new(format!(
        "SARIF version is not a string (only \"{VERSION}\" is supported)"
    ))
}

/// After a failed typed parse: the version problem, if the log has one.
fn version_problem(text: &str) -> Option<EvidenceError> {
    let probe = json::Probe::read(text).ok()?;
    if !probe.is_object {
        return None;
    }
    let version = match probe.scalar("version") {
        Some(v) => Field::Present(v.to_owned()),
        None if probe.has("version") => return Some(not_a_string()),
        None => Field::Missing,
    };
    check_version(&version).err()
}

/// Everything one run's results are resolved against.
struct RunContext<'a> {
    run: &'a Run,
    tool: &'a Tool,
    driver: &'a Component,
    tool_name: &'a str,
    kind: FindingKind,
    /// Driver rules by id, for results that name their rule by id only.
    driver_rules: HashMap<&'a str, &'a Rule>,
}

impl<'a> RunContext<'a> {
    fn new(run: &'a Run, tool: &'a Tool, driver: &'a Component, tool_name: &'a str) -> Self {
        let mut driver_rules = HashMap::new();
        for rule in driver.rules.iter().flatten() {
            if let Some(rid) = rule.id.as_deref() {
                driver_rules.entry(rid).or_insert(rule);
            }
        }
        Self {
            run,
            tool,
            driver,
            tool_name,
            kind: finding_kind(tool_name),
            driver_rules,
        }
    }

    fn finding(
        &self,
        evidence: &str,
        r: usize,
        i: usize,
        result: &SarifResult,
    ) -> Result<Finding, EvidenceError> {
        let message = result
            .message
            .as_ref()
            .filter(|m| m.text.is_some() || m.id.is_some());
        // Real tools (flawfinder) write `pass` results without a message; only results that
        // report a problem must say what it is.
        let reports_problem = matches!(
            result.kind,
            None | Some(ResultKind::Fail) | Some(ResultKind::Open) | Some(ResultKind::Review)
        );
        let message = match message {
            Some(m) => Some(m),
            None if !reports_problem => None,
            None => {
                return Err(EvidenceError::new(format!(
                    "SARIF runs[{r}].results[{i}] has no 'message' with 'text' or 'id'"
                )))
            }
        };
        let (component, rule) = self.rule_of(result);
        let id = result
            .rule_id
            .as_deref()
            .or_else(|| result.rule.as_ref().and_then(|x| x.id.as_deref()))
            .or_else(|| rule.and_then(|x| x.id.as_deref()));
        let rule_id = id.map(str::to_owned);
        let id = id.unwrap_or(self.tool_name).to_owned();

        let is_problem = matches!(
            result.kind,
            None | Some(ResultKind::Fail) | Some(ResultKind::Open) | Some(ResultKind::Review)
        );
        let level = result
            .level
            .or_else(|| {
                (!matches!(result.kind, None | Some(ResultKind::Fail))).then_some(Level::None)
            })
            .or_else(|| {
                rule.and_then(|x| x.default_configuration.as_ref())
                    .and_then(|c| c.level)
            })
            .unwrap_or(Level::Warning);
        let stated = security_severity(result.properties.as_ref())
            .or_else(|| security_severity(rule.and_then(|x| x.properties.as_ref())));
        let score = match stated {
            Some(Score::Number(s)) => Some(s),
            _ => None,
        };
        let severity = match stated {
            Some(Score::Number(s)) if is_problem => Severity::from_score(s),
            Some(Score::Word(w)) if is_problem => w,
            _ => Severity::from_sarif_level(level.as_str()),
        };

        Ok(Finding {
            severity,
            severity_source: Some(level.as_str().to_owned()),
            score,
            location: self.location(result),
            rule: rule_id,
            message: message
                .map(|m| message_text(m, rule, component, self.driver))
                .unwrap_or_default(),
            suppressed: is_suppressed(result.suppressions.as_deref()),
            baseline_state: result.baseline_state.clone(),
            ..Finding::new(
                self.tool_name,
                self.kind,
                id,
                Source::pointer(evidence, format!("/runs/{r}/results/{i}")),
            )
        })
    }

    /// The tool component a result's rule belongs to, and the rule's descriptor when it can be
    /// found. An index that points nowhere resolves to no descriptor, never to a panic.
    fn rule_of(&self, result: &'a SarifResult) -> (&'a Component, Option<&'a Rule>) {
        let reference = result.rule.as_ref();
        let component = match reference.and_then(|x| x.tool_component.as_ref()) {
            Some(tc) => self.component(tc),
            None => Some(self.driver),
        };
        let Some(component) = component else {
            return (self.driver, None);
        };
        let index = reference
            .and_then(|x| x.index)
            .or(result.rule_index)
            .filter(|&n| n >= 0);
        if let Some(n) = index {
            let by_index = usize::try_from(n)
                .ok()
                .and_then(|n| component.rules.as_deref().and_then(|rules| rules.get(n)));
            return (component, by_index);
        }
        let id = result
            .rule_id
            .as_deref()
            .or_else(|| reference.and_then(|x| x.id.as_deref()));
        let Some(id) = id else {
            return (component, None);
        };
        // A hierarchical rule id (`C2001/sub`) names the descriptor of its first component.
        let first = id.split_once('/').map_or(id, |(head, _)| head);
        let found = if std::ptr::eq(component, self.driver) {
            self.driver_rules
                .get(id)
                .or_else(|| self.driver_rules.get(first))
                .copied()
        } else {
            let rules = component.rules.as_deref().unwrap_or_default();
            let find = |want: &str| rules.iter().find(|x| x.id.as_deref() == Some(want));
            find(id).or_else(|| find(first))
        };
        (component, found)
    }

    /// Resolve a `toolComponentReference` to the driver or one of the extensions.
    fn component(&self, tc: &ComponentRef) -> Option<&'a Component> {
        let extensions = self.tool.extensions.as_deref().unwrap_or_default();
        if let Some(n) = tc.index {
            return usize::try_from(n).ok().and_then(|n| extensions.get(n));
        }
        let name = tc.name.as_deref()?;
        if self.driver.name.as_deref() == Some(name) {
            return Some(self.driver);
        }
        extensions.iter().find(|x| x.name.as_deref() == Some(name))
    }

    /// The first location with a physical location: its URI (or its artifact's), start line
    /// and start column.
    fn location(&self, result: &SarifResult) -> Option<Location> {
        let physical = result
            .locations
            .iter()
            .flatten()
            .find_map(|x| x.physical_location.as_ref())?;
        let artifact = physical.artifact_location.as_ref();
        let path = artifact.and_then(|a| {
            a.uri.clone().or_else(|| {
                let n = usize::try_from(a.index?).ok()?;
                let listed = self.run.artifacts.as_deref()?.get(n)?;
                listed.location.as_ref()?.uri.clone()
            })
        });
        let region = physical.region.as_ref();
        let line = region.and_then(|x| x.start_line);
        let column = region.and_then(|x| x.start_column);
        let end_line = region.and_then(|x| x.end_line);
        if path.is_none() && line.is_none() {
            return None;
        }
        Some(Location {
            path,
            line,
            column,
            end_line,
        })
    }
}

/// Secret scanners whose every result is a leaked secret.
fn finding_kind(tool_name: &str) -> FindingKind {
    let name = tool_name.to_ascii_lowercase();
    if name == "gitleaks" || name == "trufflehog" {
        FindingKind::Secret
    } else {
        FindingKind::Code
    }
}

/// A result is suppressed when it has suppressions and none of them is rejected or still
/// under review (SARIF §3.34).
fn is_suppressed(suppressions: Option<&[Suppression]>) -> bool {
    match suppressions {
        Some(list) if !list.is_empty() => list.iter().all(|s| {
            !matches!(
                s.status,
                Some(SuppressionStatus::Rejected | SuppressionStatus::UnderReview)
            )
        }),
        _ => false,
    }
}

fn security_severity(properties: Option<&Properties>) -> Option<Score> {
    properties.and_then(|p| p.security_severity)
}

/// The message text: `text`, else the rule's (or the component's global) message string named
/// by `id`, with `{n}` placeholders filled from `arguments`.
fn message_text(
    message: &Message,
    rule: Option<&Rule>,
    component: &Component,
    driver: &Component,
) -> String {
    let arguments = message.arguments.as_deref().unwrap_or_default();
    if let Some(text) = message.text.as_deref() {
        return if arguments.is_empty() {
            text.to_owned()
        } else {
            fill(text, arguments)
        };
    }
    let Some(mid) = message.id.as_deref() else {
        return String::new();
    };
    fn lookup<'s>(
        strings: Option<&'s HashMap<String, MessageString>>,
        mid: &str,
    ) -> Option<&'s str> {
        strings
            .and_then(|m| m.get(mid))
            .and_then(|s| s.text.as_deref())
    }
    let template = lookup(rule.and_then(|x| x.message_strings.as_ref()), mid)
        .or_else(|| lookup(component.global_message_strings.as_ref(), mid))
        .or_else(|| lookup(driver.global_message_strings.as_ref(), mid));
    match template {
        Some(t) => fill(t, arguments),
        None if arguments.is_empty() => mid.to_owned(),
        None => format!("{mid}: {}", arguments.join(", ")),
    }
}

/// Substitute `{0}`, `{1}`… and unescape `{{` and `}}` (SARIF §3.11.5). A placeholder without
/// an argument is kept as written.
fn fill(template: &str, arguments: &[String]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(pos) = rest.find(['{', '}']) {
        let (before, from) = rest.split_at(pos);
        out.push_str(before);
        if let Some(after) = from.strip_prefix("{{") {
            out.push('{');
            rest = after;
        } else if let Some(after) = from.strip_prefix("}}") {
            out.push('}');
            rest = after;
        } else if let Some(inner) = from.strip_prefix('{') {
            let digits = inner
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(inner.len());
            let (number, tail) = inner.split_at(digits);
            let argument = number.parse::<usize>().ok().and_then(|n| arguments.get(n));
            match (argument, tail.strip_prefix('}')) {
                (Some(arg), Some(after)) if !number.is_empty() => {
                    out.push_str(arg);
                    rest = after;
                }
                _ => {
                    out.push('{');
                    rest = inner;
                }
            }
        } else {
            out.push('}');
            rest = from.get(1..).unwrap_or_default();
        }
    }
    out.push_str(rest);
    out
}

// ------------------------------------------------------------------------------------------
// The typed shape: only what gate reads. serde skips every other field without building it.

#[derive(Deserialize)]
struct Log {
    #[serde(default)]
    version: Field<String>,
    #[serde(default)]
    runs: Field<Vec<Run>>,
}

/// A property that may be missing, `null`, or present, where the first two mean different
/// things.
#[derive(Default)]
enum Field<T> {
    #[default]
    Missing,
    Null,
    Present(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(d)?.map_or(Field::Null, Field::Present))
    }
}

// Arrays the schema never allows to be `null` are read with `json::present`: `null` is refused
// with its path and position, never taken for an empty list.

#[derive(Deserialize)]
struct Run {
    tool: Option<Tool>,
    #[serde(default, deserialize_with = "json::present")]
    results: Option<Vec<SarifResult>>,
    #[serde(default, deserialize_with = "json::present")]
    artifacts: Option<Vec<Artifact>>,
    #[serde(default, deserialize_with = "json::present")]
    invocations: Option<Vec<Invocation>>,
}

/// An `invocation`: whether the tool ran to the end (`executionSuccessful` is required).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    exit_code: Option<i64>,
    exit_code_description: Option<String>,
    #[serde(default, deserialize_with = "json::present")]
    tool_execution_notifications: Option<Vec<Notification>>,
}

/// A `notification` of the tool's execution.
#[derive(Deserialize)]
struct Notification {
    level: Option<Level>,
    message: Option<Message>,
}

#[derive(Deserialize)]
struct Tool {
    driver: Option<Component>,
    #[serde(default, deserialize_with = "json::present")]
    extensions: Option<Vec<Component>>,
}

/// A `toolComponent`: the driver or an extension.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Component {
    name: Option<String>,
    version: Option<String>,
    semantic_version: Option<String>,
    #[serde(default, deserialize_with = "json::present")]
    rules: Option<Vec<Rule>>,
    global_message_strings: Option<HashMap<String, MessageString>>,
}

/// A `reportingDescriptor` in a component's `rules`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: Option<String>,
    default_configuration: Option<Configuration>,
    message_strings: Option<HashMap<String, MessageString>>,
    properties: Option<Properties>,
}

#[derive(Deserialize)]
struct Configuration {
    level: Option<Level>,
}

#[derive(Deserialize)]
struct MessageString {
    text: Option<String>,
}

#[derive(Deserialize)]
struct Properties {
    #[serde(
        default,
        rename = "security-severity",
        deserialize_with = "json::present"
    )]
    security_severity: Option<Score>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: Option<String>,
    rule_index: Option<i64>,
    rule: Option<RuleRef>,
    kind: Option<ResultKind>,
    level: Option<Level>,
    message: Option<Message>,
    locations: Option<Vec<ResultLocation>>,
    suppressions: Option<Vec<Suppression>>,
    baseline_state: Option<String>,
    properties: Option<Properties>,
}

/// A `reportingDescriptorReference`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuleRef {
    id: Option<String>,
    index: Option<i64>,
    tool_component: Option<ComponentRef>,
}

/// A `toolComponentReference`.
#[derive(Deserialize)]
struct ComponentRef {
    name: Option<String>,
    index: Option<i64>,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Level {
    None,
    Note,
    Warning,
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
enum ResultKind {
    NotApplicable,
    Pass,
    Fail,
    Review,
    Open,
    Informational,
}

#[derive(Deserialize)]
struct Message {
    text: Option<String>,
    id: Option<String>,
    arguments: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation {
    physical_location: Option<PhysicalLocation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: Option<ArtifactLocation>,
    region: Option<Region>,
}

#[derive(Deserialize)]
struct ArtifactLocation {
    uri: Option<String>,
    index: Option<i64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: Option<u64>,
    start_column: Option<u64>,
    end_line: Option<u64>,
}

#[derive(Deserialize)]
struct Artifact {
    location: Option<ArtifactLocation>,
}

#[derive(Deserialize)]
struct Suppression {
    #[allow(dead_code)] // read to refuse a suppression without a valid kind
    kind: SuppressionKind,
    status: Option<SuppressionStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum SuppressionKind {
    InSource,
    External,
}

#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
enum SuppressionStatus {
    Accepted,
    UnderReview,
    Rejected,
}

/// `security-severity`: a CVSS score from 0.0 to 10.0, written as a string (GitHub's
/// convention) or a number, or a severity word some tools write (`"CRITICAL"`). Anything else
/// — a score out of range, a string that is neither, `null`, a bool, an object — is malformed
/// evidence, refused with its path and position rather than taken as "no severity".
#[derive(Clone, Copy)]
enum Score {
    Number(f64),
    Word(Severity),
}

/// The range of a CVSS score.
const SCORE_RANGE: std::ops::RangeInclusive<f64> = 0.0..=10.0;

impl<'de> Deserialize<'de> for Score {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScoreVisitor)
    }
}

struct ScoreVisitor;

impl ScoreVisitor {
    fn number<E: serde::de::Error>(v: f64, shown: &dyn fmt::Display) -> Result<Score, E> {
        if v.is_finite() && SCORE_RANGE.contains(&v) {
            Ok(Score::Number(v))
        } else {
            Err(E::custom(format!(
                "`security-severity` {shown} is out of range (a CVSS score from 0.0 to 10.0)"
            )))
        }
    }
}

impl<'de> Visitor<'de> for ScoreVisitor {
    type Value = Score;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a `security-severity` score from 0.0 to 10.0 (a number or a string)")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Score, E> {
        if let Ok(n) = v.trim().parse::<f64>() {
            return Self::number(n, &format_args!("\"{v}\""));
        }
        match Severity::from_word(v) {
            Severity::Unknown => Err(E::custom(format!(
                "`security-severity` \"{}\" is neither a CVSS score from 0.0 to 10.0 nor a severity word",
                crate::source::xml::clip(v, 40)
            ))),
            word => Ok(Score::Word(word)),
        }
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Score, E> {
        Self::number(v, &v)
    }
    #[allow(clippy::cast_precision_loss)] // checked against 0..=10 right after
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Score, E> {
        Self::number(v as f64, &v)
    }
    #[allow(clippy::cast_precision_loss)]
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Score, E> {
        Self::number(v as f64, &v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::FixState;

    fn log(runs: &str) -> String {
        format!(r#"{{"version":"2.1.0","runs":{runs}}}"#)
    }

    /// One run of tool `t` with `rules` in the driver and `results`.
    fn one_run(rules: &str, results: &str) -> String {
        log(&format!(
            r#"[{{"tool":{{"driver":{{"name":"t","version":"1.2","rules":{rules}}}}},"results":{results}}}]"#
        ))
    }

    fn findings(text: &str) -> Vec<Finding> {
        read("e.sarif", text).unwrap().facts.findings
    }

    fn only(text: &str) -> Finding {
        let mut f = findings(text);
        assert_eq!(f.len(), 1, "{f:?}");
        f.remove(0)
    }

    fn refused(text: &str) -> EvidenceError {
        read("e.sarif", text).unwrap_err()
    }

    #[test]
    fn reads_a_result_with_everything() {
        let text = one_run(
            "[]",
            r#"[{"ruleId":"R1","level":"error","message":{"text":"bad thing"},
                "locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/a.rs","uriBaseId":"SRC"},
                "region":{"startLine":7,"startColumn":3}}}],"baselineState":"new"}]"#,
        );
        let parsed = read("e.sarif", &text).unwrap();
        assert_eq!(parsed.format_version.as_deref(), Some("2.1.0"));
        assert_eq!(
            parsed.producer,
            Producer {
                name: "t".into(),
                version: Some("1.2".into())
            }
        );
        let f = parsed.facts.findings.into_iter().next().unwrap();
        assert_eq!(f.id, "R1");
        assert_eq!(f.rule.as_deref(), Some("R1"));
        assert_eq!(f.tool, "t");
        assert_eq!(f.kind, FindingKind::Code);
        assert_eq!(f.severity, Severity::High);
        assert_eq!(f.severity_source.as_deref(), Some("error"));
        assert_eq!(f.score, None);
        assert_eq!(f.message, "bad thing");
        assert_eq!(
            f.location,
            Some(Location {
                path: Some("src/a.rs".into()),
                line: Some(7),
                column: Some(3),
                end_line: None,
            })
        );
        assert_eq!(f.baseline_state.as_deref(), Some("new"));
        assert!(!f.suppressed);
        assert!(f.aliases.is_empty());
        assert_eq!(f.package, None);
        assert_eq!(f.fix_state, FixState::Unknown);
        assert_eq!(
            f.source,
            Source::pointer("e.sarif", "/runs/0/results/0".into())
        );
        assert_eq!(f.derive_subject(), "R1@src/a.rs:7");
    }

    #[test]
    fn every_level_maps() {
        for (level, want) in [
            ("error", Severity::High),
            ("warning", Severity::Medium),
            ("note", Severity::Low),
            ("none", Severity::Info),
        ] {
            let f = only(&one_run(
                "[]",
                &format!(r#"[{{"ruleId":"R","level":"{level}","message":{{"text":"m"}}}}]"#),
            ));
            assert_eq!(f.severity, want, "{level}");
            assert_eq!(f.severity_source.as_deref(), Some(level));
        }
    }

    #[test]
    fn level_defaults_to_the_rule_configuration_then_warning() {
        let rules = r#"[{"id":"A","defaultConfiguration":{"level":"note"}},{"id":"B"}]"#;
        let results = r#"[{"ruleId":"A","message":{"text":"m"}},{"ruleId":"B","message":{"text":"m"}},
            {"ruleId":"A","level":"error","message":{"text":"m"}}]"#;
        let f = findings(&one_run(rules, results));
        assert_eq!(f[0].severity_source.as_deref(), Some("note"));
        assert_eq!(f[0].severity, Severity::Low);
        assert_eq!(f[1].severity_source.as_deref(), Some("warning"));
        assert_eq!(f[1].severity, Severity::Medium);
        assert_eq!(f[2].severity_source.as_deref(), Some("error"));
    }

    #[test]
    fn a_result_that_is_not_a_failure_defaults_to_level_none() {
        let rules = r#"[{"id":"A","defaultConfiguration":{"level":"error"},
            "properties":{"security-severity":"9.8"}}]"#;
        let results = r#"[{"ruleId":"A","kind":"pass","message":{"text":"ok"}},
            {"ruleId":"A","kind":"fail","message":{"text":"bad"}}]"#;
        let f = findings(&one_run(rules, results));
        assert_eq!(f[0].severity_source.as_deref(), Some("none"));
        assert_eq!(f[0].severity, Severity::Info);
        assert_eq!(f[1].severity_source.as_deref(), Some("error"));
        assert_eq!(f[1].severity, Severity::Critical);
    }

    #[test]
    fn security_severity_as_string_or_number_wins_over_the_level() {
        let rules = r#"[{"id":"S","properties":{"security-severity":"7.5","tags":["security"]}},
            {"id":"N","properties":{"security-severity":3.1}},
            {"id":"X","properties":{"security-severity":"HIGH"}},
            {"id":"O","properties":{"security-severity":"critical"}}]"#;
        let results = r#"[{"ruleId":"S","level":"note","message":{"text":"m"}},
            {"ruleId":"N","level":"error","message":{"text":"m"}},
            {"ruleId":"X","level":"note","message":{"text":"m"}},
            {"ruleId":"O","level":"note","message":{"text":"m"}},
            {"ruleId":"S","message":{"text":"m"},"properties":{"security-severity":9.5}}]"#;
        let f = findings(&one_run(rules, results));
        assert_eq!((f[0].score, f[0].severity), (Some(7.5), Severity::High));
        assert_eq!(f[0].severity_source.as_deref(), Some("note"));
        assert_eq!((f[1].score, f[1].severity), (Some(3.1), Severity::Low));
        assert_eq!(
            (f[2].score, f[2].severity),
            (None, Severity::High),
            "a severity word some tools write"
        );
        assert_eq!(
            (f[3].score, f[3].severity),
            (None, Severity::Critical),
            "a severity word some tools write"
        );
        assert_eq!(
            (f[4].score, f[4].severity),
            (Some(9.5), Severity::Critical),
            "result's own"
        );
    }

    #[test]
    fn suppressions_count_unless_rejected_or_under_review() {
        let cases = [
            (r#"[]"#, false),
            (r#"[{"kind":"inSource"}]"#, true),
            (r#"[{"kind":"external","status":"accepted"}]"#, true),
            (r#"[{"kind":"inSource","status":"underReview"}]"#, false),
            (r#"[{"kind":"inSource","status":"rejected"}]"#, false),
            (
                r#"[{"kind":"inSource","status":"accepted"},{"kind":"external","status":"rejected"}]"#,
                false,
            ),
        ];
        for (suppressions, want) in cases {
            let f = only(&one_run(
                "[]",
                &format!(
                    r#"[{{"ruleId":"R","message":{{"text":"m"}},"suppressions":{suppressions}}}]"#
                ),
            ));
            assert_eq!(f.suppressed, want, "{suppressions}");
        }
    }

    #[test]
    fn rules_resolve_by_index_by_reference_and_in_extensions() {
        let text = log(r#"[{"tool":{
            "driver":{"name":"d","rules":[{"id":"D0"},{"id":"D1","defaultConfiguration":{"level":"error"}}]},
            "extensions":[{"name":"x","rules":[{"id":"X0","defaultConfiguration":{"level":"note"}}]}]},
          "results":[
            {"ruleIndex":1,"message":{"text":"by index"}},
            {"rule":{"index":1},"message":{"text":"by reference index"}},
            {"rule":{"id":"X0","index":0,"toolComponent":{"index":0}},"message":{"text":"extension"}},
            {"rule":{"id":"X0","toolComponent":{"name":"x"}},"message":{"text":"extension by name"}},
            {"ruleId":"D1/sub","message":{"text":"hierarchical"}},
            {"ruleIndex":9,"message":{"text":"out of range"}},
            {"rule":{"index":0,"toolComponent":{"index":5}},"message":{"text":"no such extension"}},
            {"message":{"text":"no rule at all"}}
          ]}]"#);
        let f = findings(&text);
        let got: Vec<(&str, Option<&str>, Option<&str>)> = f
            .iter()
            .map(|x| {
                (
                    x.id.as_str(),
                    x.rule.as_deref(),
                    x.severity_source.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("D1", Some("D1"), Some("error")),
                ("D1", Some("D1"), Some("error")),
                ("X0", Some("X0"), Some("note")),
                ("X0", Some("X0"), Some("note")),
                ("D1/sub", Some("D1/sub"), Some("error")),
                ("d", None, Some("warning")),
                ("d", None, Some("warning")),
                ("d", None, Some("warning")),
            ]
        );
    }

    #[test]
    fn message_strings_are_filled_from_arguments() {
        let rules = r#"[{"id":"C2001","messageStrings":{"default":{"text":"Variable \"{0}\" is {1}; use {{braces}} {2}"}}}]"#;
        let results = r#"[{"ruleId":"C2001","message":{"id":"default","arguments":["count","unused"]}},
            {"ruleId":"C2001","message":{"id":"missing","arguments":["a","b"]}},
            {"ruleId":"C2001","message":{"text":"plain {0}","arguments":["x"]}},
            {"ruleId":"C2001","message":{"text":"no arguments {0}"}}]"#;
        let f = findings(&one_run(rules, results));
        assert_eq!(
            f[0].message,
            "Variable \"count\" is unused; use {braces} {2}"
        );
        assert_eq!(f[1].message, "missing: a, b");
        assert_eq!(f[2].message, "plain x");
        assert_eq!(f[3].message, "no arguments {0}");
    }

    #[test]
    fn global_message_strings_are_used_when_the_rule_has_none() {
        let text = log(
            r#"[{"tool":{"driver":{"name":"d","globalMessageStrings":{"g":{"text":"global {0}"}}}},
            "results":[{"ruleId":"R","message":{"id":"g","arguments":["one"]}}]}]"#,
        );
        assert_eq!(only(&text).message, "global one");
    }

    #[test]
    fn locations_come_from_the_first_physical_location_or_its_artifact() {
        let text = log(r#"[{"tool":{"driver":{"name":"d"}},
            "artifacts":[{"location":{"uri":"lib/x.c"}}],
            "results":[
              {"message":{"text":"m"},"locations":[{"logicalLocations":[{"name":"f"}]},
                 {"physicalLocation":{"artifactLocation":{"index":0},"region":{"startLine":2}}}]},
              {"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"index":3}}}]},
              {"message":{"text":"m"},"locations":[]},
              {"message":{"text":"m"}}
            ]}]"#);
        let f = findings(&text);
        assert_eq!(
            f[0].location,
            Some(Location {
                path: Some("lib/x.c".into()),
                line: Some(2),
                column: None,
                end_line: None,
            })
        );
        assert_eq!(f[1].location, None);
        assert_eq!(f[2].location, None);
        assert_eq!(f[3].location, None);
    }

    #[test]
    fn runs_and_producers() {
        let text = log(
            r#"[{"tool":{"driver":{"name":"first","semanticVersion":"3.0.0"}},"results":[{"message":{"text":"a"}}]},
            {"tool":{"driver":{"name":"second"}},"results":[]},
            {"tool":{"driver":{"name":"third"}},"results":[{"message":{"text":"b"}}]}]"#,
        );
        let parsed = read("e.sarif", &text).unwrap();
        assert_eq!(
            parsed.producer,
            Producer {
                name: "first".into(),
                version: Some("3.0.0".into())
            }
        );
        let f = parsed.facts.findings;
        assert_eq!(f.len(), 2);
        assert_eq!(f[1].tool, "third");
        assert_eq!(f[1].source.pointer.as_deref(), Some("/runs/2/results/0"));

        let none = read("e.sarif", &log("[]")).unwrap();
        assert_eq!(none.producer.name, "unknown");
        let scan = parsed.facts.scan_report.unwrap();
        assert_eq!(scan.tool, "first");
        assert!(scan.incomplete.is_empty(), "{scan:?}");
    }

    /// Issue 9: `runs: null` is the schema's way of saying the tool failed before it produced
    /// a run (SARIF 2.1.0 §3.13.4): refused, never read as "no runs, no results".
    #[test]
    fn refuses_null_runs() {
        let e = refused(&log("null"));
        assert!(
            e.message.starts_with("SARIF log with 'runs': null"),
            "{e:?}"
        );
        assert!(e.message.contains("not a clean scan"), "{e:?}");
    }

    /// Issue 9: `results` (and the other arrays read) may be absent but never `null`.
    #[test]
    fn refuses_null_arrays_with_path_and_position() {
        for (text, path) in [
            (
                log("[{\"tool\":{\"driver\":{\"name\":\"t\"}},\n\"results\":null}]"),
                "runs[0].results",
            ),
            (
                log("[{\"tool\":{\"driver\":{\"name\":\"t\",\n\"rules\":null}},\"results\":[]}]"),
                "runs[0].tool.driver.rules",
            ),
            (
                log("[{\"tool\":{\"driver\":{\"name\":\"t\"}},\"results\":[],\n\"invocations\":null}]"),
                "runs[0].invocations",
            ),
            (
                log("[{\"tool\":{\"driver\":{\"name\":\"t\"},\n\"extensions\":null},\"results\":[]}]"),
                "runs[0].tool.extensions",
            ),
        ] {
            let e = refused(&text);
            assert!(e.message.contains(&format!("`{path}`")), "{path}: {e:?}");
            assert!(e.message.contains("null"), "{path}: {e:?}");
            assert_eq!(e.line, Some(2), "{path}");
            assert!(e.column.is_some(), "{path}");
        }
    }

    /// Issue 9: a run whose invocation failed, or that has no `results`, is an incomplete scan:
    /// its findings are read, and the scan report says so (the standard policy denies it).
    #[test]
    fn failed_invocations_and_runs_without_results_are_incomplete() {
        let text = log(r#"[{"tool":{"driver":{"name":"semgrep"}},
                "invocations":[{"executionSuccessful":true},
                  {"executionSuccessful":false,"exitCode":2,
                   "toolExecutionNotifications":[{"level":"warning","message":{"text":"slow"}},
                     {"level":"error","message":{"text":"out of memory"}}]}],
                "results":[{"message":{"text":"a"}}]},
              {"tool":{"driver":{"name":"rules-only"}}},
              {"tool":{"driver":{"name":"ok"}},"invocations":[{"executionSuccessful":true}],"results":[]}]"#);
        let parsed = read("e.sarif", &text).unwrap();
        assert_eq!(parsed.facts.findings.len(), 1);
        let scan = parsed.facts.scan_report.unwrap();
        assert_eq!(scan.evidence, "e.sarif");
        let got: Vec<(&str, &str, &str, Option<&str>)> = scan
            .incomplete
            .iter()
            .map(|x| {
                (
                    x.run.as_str(),
                    x.tool.as_str(),
                    x.reason.as_str(),
                    x.source.pointer.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "runs[0]",
                    "semgrep",
                    "invocations[1] reports `executionSuccessful: false` (exit code 2): out of memory",
                    Some("/runs/0/invocations/1"),
                ),
                (
                    "runs[1]",
                    "rules-only",
                    "the run has no `results` array: the tool did not start, did not begin its \
                     analysis, or only exported rule metadata",
                    Some("/runs/1"),
                ),
            ]
        );
        // `executionSuccessful` is required in an invocation.
        let e = refused(&log(
            r#"[{"tool":{"driver":{"name":"t"}},"invocations":[{"exitCode":0}],"results":[]}]"#,
        ));
        assert!(e.message.contains("executionSuccessful"), "{e:?}");
    }

    /// Issue 9: a `security-severity` out of 0.0–10.0, or one that is no score at all, is
    /// malformed evidence, refused with its path and position — never an unknown severity that
    /// lets an `error` result pass.
    #[test]
    fn refuses_security_severity_out_of_range_or_unreadable() {
        for (value, needle) in [
            (r#""99""#, r#"`security-severity` "99" is out of range"#),
            (r#""-1""#, r#"`security-severity` "-1" is out of range"#),
            ("10.5", "`security-severity` 10.5 is out of range"),
            ("-3", "`security-severity` -3 is out of range"),
            (r#""bogus""#, "is neither a CVSS score"),
            (r#""unknown""#, "is neither a CVSS score"),
            ("null", "null"),
            ("true", "invalid type"),
            (r#"{"v":1}"#, "invalid type"),
        ] {
            let text = one_run(
                "[]",
                &format!(
                    "[{{\"ruleId\":\"R\",\"level\":\"error\",\"message\":{{\"text\":\"m\"}},\n\"properties\":{{\"security-severity\":{value}}}}}]"
                ),
            );
            let e = refused(&text);
            assert!(e.message.contains(needle), "{value}: {e:?}");
            assert!(
                e.message
                    .contains("`runs[0].results[0].properties.security-severity`"),
                "{value}: {e:?}"
            );
            assert_eq!(e.line, Some(2), "{value}");
            assert!(e.column.is_some(), "{value}");
        }
        // The same in a rule's properties.
        let e = refused(&one_run(
            r#"[{"id":"R","properties":{"security-severity":"99"}}]"#,
            r#"[{"ruleId":"R","message":{"text":"m"}}]"#,
        ));
        assert!(
            e.message.contains("rules[0].properties.security-severity"),
            "{e:?}"
        );
        // The ends of the range are scores.
        for (value, want) in [("0", Severity::Info), ("10.0", Severity::Critical)] {
            let f = only(&one_run(
                "[]",
                &format!(
                    r#"[{{"ruleId":"R","message":{{"text":"m"}},"properties":{{"security-severity":"{value}"}}}}]"#
                ),
            ));
            assert_eq!(f.severity, want, "{value}");
        }
    }

    #[test]
    fn secret_scanners_report_secrets() {
        let text = log(
            r#"[{"tool":{"driver":{"name":"gitleaks"}},"results":[{"message":{"text":"AWS key"}}]}]"#,
        );
        assert_eq!(only(&text).kind, FindingKind::Secret);
    }

    #[test]
    fn refuses_other_versions() {
        let e = refused(r#"{"version":"2.0.0","runs":[]}"#);
        assert_eq!(
            e.message,
            "SARIF version '2.0.0' is not supported (only 2.1.0)"
        );
        let e = refused(r#"{"runs":[]}"#);
        assert!(e.message.starts_with("SARIF version is missing"), "{e:?}");
        let e = refused(r#"{"version":2.1,"runs":[]}"#);
        assert_eq!(
            e.message,
            "SARIF version '2.1' is not supported (only 2.1.0)"
        );
        let e = refused(r#"{"version":null,"runs":[]}"#);
        assert!(
            e.message.starts_with("SARIF version is not a string"),
            "{e:?}"
        );
        // A 1.0.0 log breaks 2.1.0's shape; the version is what gets reported.
        let e = refused(
            r#"{"version":"1.0.0","runs":[{"tool":{"name":"x"},"results":[{"level":"critical"}]}]}"#,
        );
        assert_eq!(
            e.message,
            "SARIF version '1.0.0' is not supported (only 2.1.0)"
        );
    }

    #[test]
    fn refuses_a_log_without_runs() {
        let e = refused(r#"{"version":"2.1.0"}"#);
        assert_eq!(e.message, "SARIF log without the required 'runs' property");
    }

    #[test]
    fn refuses_a_run_without_tool_driver_or_name() {
        let e = refused(&log(r#"[{"tool":{"driver":{"name":"a"}}},{"results":[]}]"#));
        assert_eq!(e.message, "SARIF runs[1] has no 'tool' object");
        let e = refused(&log(r#"[{"tool":{}}]"#));
        assert_eq!(e.message, "SARIF runs[0].tool has no 'driver' object");
        let e = refused(&log(r#"[{"tool":{"driver":{"version":"1"}}}]"#));
        assert_eq!(e.message, "SARIF runs[0].tool.driver has no 'name' string");
        let e = refused(&log(r#"[{"tool":{"driver":{"name":7}}}]"#));
        assert!(e.message.contains("runs[0].tool.driver.name"), "{e:?}");
        assert!(e.line.is_some());
    }

    #[test]
    fn a_pass_result_may_have_no_message() {
        let parsed = read(
            "x.sarif",
            &one_run("[]", r#"[{"ruleId":"R","kind":"pass"}]"#),
        )
        .unwrap();
        assert_eq!(parsed.facts.findings.len(), 1);
        assert_eq!(parsed.facts.findings[0].message, "");
        assert_eq!(parsed.facts.findings[0].severity, Severity::Info);
    }

    #[test]
    fn refuses_a_result_without_a_message() {
        let e = refused(&one_run("[]", r#"[{"ruleId":"R"}]"#));
        assert_eq!(
            e.message,
            "SARIF runs[0].results[0] has no 'message' with 'text' or 'id'"
        );
        let e = refused(&one_run(
            "[]",
            r#"[{"message":{"text":"m"}},{"message":{"markdown":"m"}}]"#,
        ));
        assert_eq!(
            e.message,
            "SARIF runs[0].results[1] has no 'message' with 'text' or 'id'"
        );
    }

    #[test]
    fn refuses_enumerations_out_of_range_with_path_and_position() {
        let e = refused(&one_run(
            "[]",
            "[{\"message\":{\"text\":\"m\"},\n\"level\":\"critical\"}]",
        ));
        assert!(e.message.contains("`runs[0].results[0].level`"), "{e:?}");
        assert!(e.message.contains("critical"), "{e:?}");
        assert_eq!(e.line, Some(2));
        let e = refused(&one_run(
            "[]",
            r#"[{"message":{"text":"m"},"kind":"bogus"}]"#,
        ));
        assert!(e.message.contains("runs[0].results[0].kind"), "{e:?}");
        let e = refused(&one_run(
            "[]",
            r#"[{"message":{"text":"m"},"suppressions":[{"status":"accepted"}]}]"#,
        ));
        assert!(
            e.message.contains("runs[0].results[0].suppressions[0]"),
            "{e:?}"
        );
        assert!(e.message.contains("kind"), "{e:?}");
        let e = refused(&one_run(
            "[]",
            r#"[{"message":{"text":"m"},"suppressions":[{"kind":"inSource","status":"maybe"}]}]"#,
        ));
        assert!(e.message.contains("suppressions[0].status"), "{e:?}");
        let e = refused(&one_run(
            r#"[{"id":"R","defaultConfiguration":{"level":"fatal"}}]"#,
            "[]",
        ));
        assert!(
            e.message.contains("rules[0].defaultConfiguration.level"),
            "{e:?}"
        );
    }

    #[test]
    fn hostile_values_in_skipped_fields_are_refused_by_detection() {
        // serde_json only syntax-checks what a typed reader skips; the reader relies on
        // detection (`json::Probe`), which decodes every value, to refuse these first.
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for text in [
            one_run("[]", r#"[{"message":{"text":"m"},"rank":1e400}]"#),
            one_run(
                "[]",
                r#"[{"message":{"text":"m"},"properties":{"x":"\ud800 alone"}}]"#,
            ),
            one_run(
                "[]",
                r#"[{"message":{"text":"m"},"properties":{"x":"\udc00"}}]"#,
            ),
            log(&format!(
                r#"[{{"tool":{{"driver":{{"name":"d"}}}},"properties":{{"x":{deep}}}}}]"#
            )),
        ] {
            assert!(
                json::parse::<Log>(&text).is_ok(),
                "the typed parse alone lets it through"
            );
            assert!(super::super::detect(&text).is_err(), "{text}");
        }
    }

    #[test]
    fn decoded_fields_refuse_huge_numbers_and_lone_surrogates_too() {
        // serde_json's own words here: "unexpected end of hex escape" (it wants the low half).
        let e = refused(&log(r#"[{"tool":{"driver":{"name":"x\ud800"}}}]"#));
        assert!(e.message.contains("hex escape"), "{e:?}");
        assert!(e.line.is_some());
        let e = refused(&one_run(
            "[]",
            r#"[{"message":{"text":"m"},"properties":{"security-severity":1e400}}]"#,
        ));
        assert!(e.message.contains("out of range"), "{e:?}");
    }

    #[test]
    fn never_panics_on_odd_documents() {
        for text in [
            "", "{", "[]", "null", "{\"version\":\"2.1.0\",\"runs\":{}}", "{\"version\":\"2.1.0\",\"runs\":[1]}",
            "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"d\"}},\"results\":[{\"message\":{\"text\":\"m\"},\"ruleIndex\":-5,\"rule\":{\"index\":-1,\"toolComponent\":{\"index\":-3}}}]}]}",
            "\"\\ud800",
        ] {
            let _ = read("e.sarif", text);
        }
    }
}
