//! Deterministic generator of large, realistic evidence sets for the benchmarks and their tests.
//!
//! [`generate`] writes three files into a folder, in the shapes the real tools write, so gate
//! reads them exactly as it reads real ones:
//!
//! * a CycloneDX 1.5 JSON SBOM, syft-like and compact, with `components` components in all
//!   (maven "uber jars" carry nested ones; they count);
//! * a Grype JSON report (grype 0.96.0 shape: `descriptor`, `distro`, `source`, `matches[]` with
//!   `vulnerability`, `relatedVulnerabilities`, `matchDetails`, `artifact`), pretty-printed with
//!   a one-space indent and sorted keys, `findings` matches, every artifact a component of the SBOM;
//! * a pytest (xunit2) JUnit XML report on one line, `tests` test cases in up to 100
//!   `<testsuite name="pytest">` shards, with a few failures, errors and skips.
//!
//! The output depends only on [`Sizes`] (a fixed seed, a SplitMix64 stream per file), and
//! [`generate_with_facts`] says what it wrote ([`Facts`]), so a test can check that gate reads
//! what was written. Not for: fuzzing (every file is well-formed) or anything but benchmarks.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// The seed of every stream (the date the benchmark was set up).
pub const SEED: u64 = 20_261_128;

/// How much evidence to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// SBOM components in all, nested ones included.
    pub components: usize,
    /// Grype matches. Needs at least one component with a purl and a version.
    pub findings: usize,
    /// JUnit test cases.
    pub tests: usize,
}

impl Sizes {
    /// The big gate: 10k components, 5k findings, 20k test cases.
    pub const BIG: Sizes = Sizes {
        components: 10_000,
        findings: 5_000,
        tests: 20_000,
    };

    /// A small set that still has one of every quirk (for tests).
    pub const SMALL: Sizes = Sizes {
        components: 50,
        findings: 20,
        tests: 30,
    };
}

/// What [`generate_with_facts`] wrote: the counts a correct reader must find.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// SBOM components in all (top level and nested).
    pub components: usize,
    /// Top-level SBOM components.
    pub top_level: usize,
    /// Nested SBOM components (inside maven uber jars).
    pub nested: usize,
    /// Components without a `purl`.
    pub without_purl: usize,
    /// Components without a `version`.
    pub without_version: usize,
    /// Components without a `licenses` key.
    pub without_licenses: usize,
    /// Components whose license is an SPDX expression.
    pub license_expressions: usize,
    /// Grype matches.
    pub findings: usize,
    /// Matches whose `vulnerability.severity` is missing (the severity comes from the score).
    pub missing_severity: usize,
    /// Matches of a blocking normalised severity (critical, high, or unknown: the standard
    /// policy blocks what it cannot rank), with a fix (`fix.state` `fixed`).
    pub blocking_fixable: usize,
    /// Matches of a blocking normalised severity, without a fix.
    pub blocking_unfixable: usize,
    /// `<testsuite>` elements.
    pub suites: usize,
    /// Test cases in all.
    pub tests: usize,
    /// Passed test cases.
    pub passed: usize,
    /// Test cases with a `<failure>`.
    pub failed: usize,
    /// Test cases with an `<error>`.
    pub errored: usize,
    /// Test cases with a `<skipped>`.
    pub skipped: usize,
    /// `classname::name` of every failed or errored test case, sorted.
    pub failing_tests: Vec<String>,
}

/// The files written and what they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The SBOM, the Grype report and the JUnit report, in that order.
    pub files: Vec<PathBuf>,
    /// What they hold.
    pub facts: Facts,
}

/// Write the evidence set into `dir` (which must exist) and return the files' paths.
pub fn generate(dir: &Path, sizes: Sizes) -> io::Result<Vec<PathBuf>> {
    generate_with_facts(dir, sizes).map(|g| g.files)
}

/// Write the evidence set into `dir` (which must exist); return the paths and the facts.
pub fn generate_with_facts(dir: &Path, sizes: Sizes) -> io::Result<Generated> {
    let mut facts = Facts::default();
    let components = gen_components(sizes.components);

    let sbom = sbom_document(&components, &mut facts);
    let sbom_path = dir.join(format!("cyclonedx-{}.cdx.json", size_tag(sizes.components)));
    fs_err::write(&sbom_path, serde_json::to_vec(&sbom)?)?;
    drop(sbom);

    let grype = grype_document(&components, sizes.findings, &mut facts)?;
    let grype_path = dir.join(format!("grype-{}.json", size_tag(sizes.findings)));
    let mut bytes = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut bytes,
        serde_json::ser::PrettyFormatter::with_indent(b" "),
    );
    serde::Serialize::serialize(&grype, &mut ser)?;
    fs_err::write(&grype_path, bytes)?;
    drop(grype);

    let junit = junit_document(sizes.tests, &mut facts).map_err(io::Error::other)?;
    let junit_path = dir.join(format!("junit-{}.xml", size_tag(sizes.tests)));
    fs_err::write(&junit_path, junit)?;

    Ok(Generated {
        files: vec![sbom_path, grype_path, junit_path],
        facts,
    })
}

fn size_tag(n: usize) -> String {
    if n >= 1000 && n % 1000 == 0 {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}

// ------------------------------------------------------------------------------------------
// Randomness: SplitMix64, one stream per file, so each file depends only on its own sizes.

#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(stream: &str) -> Self {
        // FNV-1a of the stream name, mixed with the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in stream.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h ^ SEED)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// A float in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A float in `[lo, hi]`, rounded to one decimal.
    fn score(&mut self, lo: f64, hi: f64) -> f64 {
        ((lo + (hi - lo) * self.unit()) * 10.0).round() / 10.0
    }

    fn pick(&mut self, items: &[&'static str]) -> &'static str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }

    fn weighted<T: Copy + Default>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.below(total as usize) as u32;
        for (item, w) in items {
            if r < *w {
                return *item;
            }
            r -= w;
        }
        T::default()
    }

    /// `n` lowercase hex digits.
    fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n + 16);
        while s.len() < n {
            let _ = write!(s, "{:016x}", self.next_u64());
        }
        s.truncate(n);
        s
    }

    /// `n` base64 characters (a stand-in for the encoded image config and manifest).
    fn base64(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        (0..n)
            .map(|_| ALPHABET.get(self.below(64)).map_or('A', |&b| char::from(b)))
            .collect()
    }
}

/// A JSON object from `(key, value)` pairs.
fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_owned(), v);
    }
    Value::Object(m)
}

fn s(text: impl Into<String>) -> Value {
    Value::String(text.into())
}

fn strings<I: IntoIterator<Item = String>>(items: I) -> Value {
    Value::Array(items.into_iter().map(Value::String).collect())
}

// ------------------------------------------------------------------------------------------
// Vocabulary (the same families as shared/bench/big-gate/gen_big.py).

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Eco {
    #[default]
    Npm,
    Maven,
    Pypi,
    Golang,
    Rpm,
    Cargo,
    Nuget,
}

impl Eco {
    fn grype_type(self) -> &'static str {
        match self {
            Eco::Npm => "npm",
            Eco::Maven => "java-archive",
            Eco::Pypi => "python",
            Eco::Golang => "go-module",
            Eco::Rpm => "rpm",
            Eco::Cargo => "rust-crate",
            Eco::Nuget => "dotnet",
        }
    }

    fn language(self) -> &'static str {
        match self {
            Eco::Npm => "javascript",
            Eco::Maven => "java",
            Eco::Pypi => "python",
            Eco::Golang => "go",
            Eco::Rpm => "",
            Eco::Cargo => "rust",
            Eco::Nuget => "dotnet",
        }
    }

    fn matcher(self) -> &'static str {
        match self {
            Eco::Npm => "javascript-matcher",
            Eco::Maven => "java-matcher",
            Eco::Pypi => "python-matcher",
            Eco::Golang => "go-module-matcher",
            Eco::Rpm => "rpm-matcher",
            Eco::Cargo => "rust-matcher",
            Eco::Nuget => "dotnet-matcher",
        }
    }

    fn cataloger(self) -> &'static str {
        match self {
            Eco::Npm => "javascript-package-cataloger",
            Eco::Maven => "java-archive-cataloger",
            Eco::Pypi => "python-installed-package-cataloger",
            Eco::Golang => "go-module-binary-cataloger",
            Eco::Rpm => "rpm-db-cataloger",
            Eco::Cargo => "cargo-auditable-binary-cataloger",
            Eco::Nuget => "dotnet-deps-cataloger",
        }
    }
}

const ECOSYSTEMS: &[(Eco, u32)] = &[
    (Eco::Npm, 34),
    (Eco::Maven, 20),
    (Eco::Pypi, 14),
    (Eco::Golang, 10),
    (Eco::Rpm, 16),
    (Eco::Cargo, 3),
    (Eco::Nuget, 3),
];

const SYLLABLES: &[&str] = &[
    "ab", "ka", "lo", "mi", "ne", "or", "pu", "qua", "ri", "sta", "tu", "vex", "wo", "xy", "ze",
    "flux", "core", "util", "net", "json", "yaml", "http", "log", "auth", "cache", "sql", "grpc",
    "proto", "crypt", "zip", "io", "time", "path", "glob", "fs", "test",
];

const MAVEN_GROUPS: &[&str] = &[
    "org.apache.commons",
    "org.apache.logging.log4j",
    "com.fasterxml.jackson.core",
    "io.netty",
    "org.springframework",
    "com.google.guava",
    "org.eclipse.jetty",
    "io.projectreactor",
    "org.hibernate",
    "com.example.internal",
];

const NPM_SCOPES: &[&str] = &[
    "", "", "", "", "babel", "types", "aws-sdk", "angular", "acme",
];

const GO_HOSTS: &[&str] = &[
    "github.com/acme",
    "github.com/hashicorp",
    "golang.org/x",
    "github.com/prometheus",
    "go.opentelemetry.io/otel",
    "k8s.io",
];

const LICENSE_IDS: &[(&str, u32)] = &[
    ("MIT", 380),
    ("Apache-2.0", 240),
    ("BSD-3-Clause", 90),
    ("ISC", 60),
    ("BSD-2-Clause", 40),
    ("MPL-2.0", 30),
    ("LGPL-2.1-only", 20),
    ("EPL-2.0", 20),
    ("0BSD", 10),
    ("Unlicense", 10),
    ("CC0-1.0", 10),
    ("GPL-2.0-only", 20),
    ("GPL-3.0-only", 15),
    ("GPL-3.0-or-later", 10),
    ("AGPL-3.0-only", 6),
    ("SSPL-1.0", 3),
    ("BUSL-1.1", 3),
    ("LGPL-3.0-or-later", 10),
];

const LICENSE_EXPRESSIONS: &[&str] = &[
    "MIT OR Apache-2.0",
    "Apache-2.0 AND MIT",
    "(MIT OR Apache-2.0) AND BSD-3-Clause",
    "GPL-2.0-only WITH Classpath-exception-2.0",
    "MIT OR CC0-1.0",
    "LGPL-2.1-or-later OR MIT",
    "BSD-3-Clause OR GPL-2.0-only",
    "Apache-2.0 WITH LLVM-exception",
    "MPL-2.0 OR AGPL-3.0-only",
];

const RPM_LICENSE_NAMES: &[&str] = &[
    "LGPLv2+",
    "GPLv2+",
    "GPLv2+ and LGPLv2+",
    "MIT",
    "BSD",
    "Public Domain",
];

const FREE_TEXT_LICENSES: &[&str] = &[
    "SEE LICENSE IN LICENSE",
    "Proprietary - see vendor agreement",
    "BSD-style",
];

const SEVERITIES: &[(&str, u32)] = &[
    ("Critical", 4),
    ("High", 18),
    ("Medium", 42),
    ("Low", 22),
    ("Negligible", 8),
    ("Unknown", 6),
];

const FIX_STATES: &[(&str, u32)] = &[
    ("fixed", 55),
    ("not-fixed", 35),
    ("wont-fix", 6),
    ("unknown", 4),
];

const WEAKNESSES: &[&str] = &[
    "a reachable assertion",
    "an out-of-bounds read",
    "a use-after-free",
    "prototype pollution",
    "a regular expression denial of service",
    "path traversal",
    "improper input validation",
    "an integer overflow",
    "uncontrolled resource consumption",
    "a NULL pointer dereference",
];

const VECTORS: &[&str] = &[
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
];

/// The CVSS base-score range of a Grype severity word that has one.
fn score_range(severity: &str) -> Option<(f64, f64)> {
    match severity {
        "Critical" => Some((9.0, 10.0)),
        "High" => Some((7.0, 8.9)),
        "Medium" => Some((4.0, 6.9)),
        "Low" => Some((0.1, 3.9)),
        _ => None,
    }
}

/// The image's layers, `sha256:` digests.
fn layers() -> Vec<String> {
    let mut rng = Rng::new("layers");
    (0..18).map(|_| format!("sha256:{}", rng.hex(64))).collect()
}

// ------------------------------------------------------------------------------------------
// SBOM

/// One generated package and what was written for it.
#[derive(Debug, Clone)]
struct Pkg {
    eco: Eco,
    name: String,
    group: String,
    version: String,
    purl: String,
    path: String,
    /// License strings as gate reads them (id, else name, else expression).
    licenses: Vec<String>,
    has_purl: bool,
    has_version: bool,
    /// The component object, without nested components.
    json: Value,
    /// Index of the enclosing top-level component, for nested ones.
    parent: Option<usize>,
}

/// The quirks, by index in document order (nested components included). They never coincide,
/// and the first 50 components hold one of each.
fn lacks_purl(i: usize) -> bool {
    i % 50 == 7
}

fn lacks_version(i: usize) -> bool {
    i % 1000 == 17
}

fn lacks_licenses(i: usize) -> bool {
    i % 20 == 3
}

/// A top-level slot that is a maven uber jar with nested (shaded) components.
fn is_uber_jar(top: usize) -> bool {
    top % 70 == 5
}

/// A name unique to `i`: a random syllable, then `i` in base 36 spelled in syllables.
fn unique_name(rng: &mut Rng, i: usize) -> String {
    let mut digits = Vec::new();
    let mut n = i;
    loop {
        digits.push(SYLLABLES.get(n % 36).copied().unwrap_or("x"));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    let mut name = rng.pick(SYLLABLES).to_owned();
    for d in digits.iter().rev() {
        name.push('-');
        name.push_str(d);
    }
    name
}

fn make_pkg(rng: &mut Rng, i: usize, eco: Eco, group_hint: Option<&str>) -> Pkg {
    let base = unique_name(rng, i);
    let mut version = format!("{}.{}.{}", rng.below(10), rng.below(31), rng.below(41));
    let mut group = String::new();
    let (name, purl, path) = match eco {
        Eco::Npm => {
            let scope = rng.pick(NPM_SCOPES);
            if scope.is_empty() {
                (
                    base.clone(),
                    format!("pkg:npm/{base}@{version}"),
                    format!("/app/node_modules/{base}/package.json"),
                )
            } else {
                (
                    format!("@{scope}/{base}"),
                    format!("pkg:npm/%40{scope}/{base}@{version}"),
                    format!("/app/node_modules/@{scope}/{base}/package.json"),
                )
            }
        }
        Eco::Maven => {
            group = group_hint.map_or_else(|| rng.pick(MAVEN_GROUPS).to_owned(), str::to_owned);
            (
                base.clone(),
                format!("pkg:maven/{group}/{base}@{version}"),
                format!("/opt/app/lib/{base}-{version}.jar"),
            )
        }
        Eco::Pypi => (
            base.clone(),
            format!("pkg:pypi/{base}@{version}"),
            format!(
                "/usr/lib/python3.11/site-packages/{}-{version}.dist-info/METADATA",
                base.replace('-', "_")
            ),
        ),
        Eco::Golang => {
            version = format!("v{version}");
            let module = format!("{}/{base}", rng.pick(GO_HOSTS));
            let purl = format!("pkg:golang/{module}@{version}");
            (module, purl, "/usr/local/bin/app".to_owned())
        }
        Eco::Rpm => {
            let epoch = [0, 0, 0, 1, 2].get(rng.below(5)).copied().unwrap_or(0);
            version = format!(
                "{}.{}-{}.el8",
                rng.below(10),
                rng.below(31),
                rng.range(1, 60)
            );
            if rng.chance(0.3) {
                let _ = write!(version, "_{}.{}", rng.range(1, 9), rng.range(1, 3));
            }
            let src = base.split('-').next().unwrap_or("src");
            let epoch_q = if epoch > 0 {
                format!("&epoch={epoch}")
            } else {
                String::new()
            };
            let purl = format!(
                "pkg:rpm/rhel/{base}@{version}?arch=x86_64{epoch_q}&upstream={src}-{version}.src.rpm&distro=rhel-8.7"
            );
            if epoch > 0 {
                version = format!("{epoch}:{version}");
            }
            (base.clone(), purl, "/var/lib/rpm/Packages".to_owned())
        }
        Eco::Cargo => (
            base.clone(),
            format!("pkg:cargo/{base}@{version}"),
            "/usr/local/bin/tool".to_owned(),
        ),
        Eco::Nuget => {
            let name: Vec<String> = base
                .split('-')
                .map(|part| {
                    let mut c = part.chars();
                    c.next().map_or_else(String::new, |f| {
                        f.to_ascii_uppercase().to_string() + c.as_str()
                    })
                })
                .collect();
            let name = name.join(".");
            (
                name.clone(),
                format!("pkg:nuget/{name}@{version}"),
                format!("/app/{name}.deps.json"),
            )
        }
    };

    let has_purl = !lacks_purl(i);
    let has_version = !lacks_version(i);
    let bom_ref = format!(
        "{purl}{}package-id={}",
        if purl.contains('?') { '&' } else { '?' },
        rng.hex(16)
    );

    let mut c = Map::new();
    c.insert("bom-ref".into(), s(bom_ref));
    c.insert("type".into(), s("library"));
    if !group.is_empty() {
        c.insert("group".into(), s(group.clone()));
    }
    c.insert("name".into(), s(name.clone()));
    if has_version {
        c.insert("version".into(), s(version.clone()));
    }
    if rng.chance(0.15) {
        let adjective = rng.pick(&["Fast", "Tiny", "Robust", "Pure"]);
        let noun = rng.pick(&["parser", "client", "helpers", "bindings", "runtime"]);
        c.insert(
            "description".into(),
            s(format!("{adjective} {noun} for {name}")),
        );
    }
    let hashes = match eco {
        Eco::Npm => vec![hash("SHA-512", rng.hex(128))],
        Eco::Maven => vec![hash("SHA-256", rng.hex(64)), hash("SHA-1", rng.hex(40))],
        _ => vec![hash("SHA-256", rng.hex(64))],
    };
    c.insert("hashes".into(), Value::Array(hashes));

    let mut licenses = Vec::new();
    if !lacks_licenses(i) {
        let entries = license_entries(rng, eco, &mut licenses);
        c.insert("licenses".into(), Value::Array(entries));
    }

    let short = name
        .rsplit('/')
        .next()
        .unwrap_or(&name)
        .trim_start_matches('@');
    let vendor = if group.is_empty() {
        short.split('-').next().unwrap_or(short).to_owned()
    } else {
        group.rsplit('.').next().unwrap_or(&group).to_owned()
    };
    let bare_version = version.rsplit(':').next().unwrap_or(&version);
    c.insert(
        "cpe".into(),
        s(format!(
            "cpe:2.3:a:{vendor}:{short}:{bare_version}:*:*:*:*:*:*:*"
        )),
    );
    if has_purl {
        c.insert("purl".into(), s(purl.clone()));
    }
    if rng.chance(0.25) {
        let mut refs = vec![obj([
            ("url", s(format!("https://github.com/{vendor}/{short}"))),
            ("type", s("vcs")),
        ])];
        if rng.chance(0.5) {
            refs.push(obj([
                ("url", s(format!("https://{short}.example.org"))),
                ("type", s("website")),
            ]));
        }
        c.insert("externalReferences".into(), Value::Array(refs));
    }
    let language = if eco.language().is_empty() {
        property("syft:package:metadataType", "rpm-db-entry")
    } else {
        property("syft:package:language", eco.language())
    };
    let layer = format!("sha256:{}", rng.hex(64));
    c.insert(
        "properties".into(),
        Value::Array(vec![
            property("syft:package:foundBy", eco.cataloger()),
            language,
            property("syft:package:type", eco.grype_type()),
            property("syft:location:0:layerID", &layer),
            property("syft:location:0:path", &path),
        ]),
    );

    Pkg {
        eco,
        name,
        group,
        version,
        purl,
        path,
        licenses,
        has_purl,
        has_version,
        json: Value::Object(c),
        parent: None,
    }
}

fn hash(alg: &str, content: String) -> Value {
    obj([("alg", s(alg)), ("content", s(content))])
}

fn property(name: &str, value: &str) -> Value {
    obj([("name", s(name)), ("value", s(value))])
}

/// `licenses[]` entries; pushes the strings gate reads from them onto `read`.
fn license_entries(rng: &mut Rng, eco: Eco, read: &mut Vec<String>) -> Vec<Value> {
    let license = |key: &str, value: &str| obj([("license", obj([(key, s(value))]))]);
    if eco == Eco::Rpm {
        let name = rng.pick(RPM_LICENSE_NAMES);
        read.push(name.to_owned());
        return vec![license("name", name)];
    }
    let r = rng.unit();
    if r < 0.80 {
        let id = rng.weighted(LICENSE_IDS);
        read.push(id.to_owned());
        if rng.chance(0.3) {
            let url = format!("https://opensource.org/licenses/{id}");
            vec![obj([("license", obj([("id", s(id)), ("url", s(url))]))])]
        } else {
            vec![license("id", id)]
        }
    } else if r < 0.85 {
        let (a, b) = (rng.weighted(LICENSE_IDS), rng.weighted(LICENSE_IDS));
        read.push(a.to_owned());
        read.push(b.to_owned());
        vec![license("id", a), license("id", b)]
    } else if r < 0.95 {
        let e = rng.pick(LICENSE_EXPRESSIONS);
        read.push(e.to_owned());
        vec![obj([("expression", s(e))])]
    } else {
        let name = rng.pick(FREE_TEXT_LICENSES);
        read.push(name.to_owned());
        vec![license("name", name)]
    }
}

/// `n` packages in document order: each top-level one followed by its nested ones.
fn gen_components(n: usize) -> Vec<Pkg> {
    let mut rng = Rng::new("sbom");
    let mut out: Vec<Pkg> = Vec::with_capacity(n);
    let mut top = 0;
    while out.len() < n {
        let uber = is_uber_jar(top);
        let eco = if uber {
            Eco::Maven
        } else {
            rng.weighted(ECOSYSTEMS)
        };
        let parent_index = out.len();
        let parent = make_pkg(&mut rng, parent_index, eco, None);
        let group = parent.group.clone();
        out.push(parent);
        top += 1;
        if uber {
            for _ in 0..rng.range(1, 3) {
                if out.len() >= n {
                    break;
                }
                let mut kid = make_pkg(&mut rng, out.len(), Eco::Maven, Some(&group));
                kid.parent = Some(parent_index);
                out.push(kid);
            }
        }
    }
    out
}

fn sbom_document(pkgs: &[Pkg], facts: &mut Facts) -> Value {
    let mut rng = Rng::new("sbom-document");
    // Nest: each top-level component with its shaded children, in document order.
    let mut top: Vec<Value> = Vec::new();
    let mut refs: Vec<String> = Vec::new();
    for p in pkgs {
        match p.parent {
            None => {
                top.push(p.json.clone());
                refs.push(
                    p.json
                        .get("bom-ref")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
            Some(_) => {
                if let Some(Value::Object(parent)) = top.last_mut() {
                    let kids = parent
                        .entry("components")
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(kids) = kids {
                        kids.push(p.json.clone());
                    }
                }
            }
        }
        facts.components += 1;
        if p.parent.is_some() {
            facts.nested += 1;
        } else {
            facts.top_level += 1;
        }
        facts.without_purl += usize::from(!p.has_purl);
        facts.without_version += usize::from(!p.has_version);
        facts.without_licenses += usize::from(p.licenses.is_empty());
        facts.license_expressions += usize::from(
            p.licenses
                .first()
                .is_some_and(|l| LICENSE_EXPRESSIONS.contains(&l.as_str())),
        );
    }

    // A dependency graph: each top-level component depends on up to 4 earlier ones.
    let app_digest = rng.hex(64);
    let app_ref = format!("pkg:oci/release-candidate@sha256%3A{app_digest}?package-id=app");
    let mut deps = vec![obj([
        ("ref", s(app_ref.clone())),
        ("dependsOn", strings(refs.iter().take(40).cloned())),
    ])];
    for (k, r) in refs.iter().enumerate() {
        let m = if k == 0 {
            0
        } else {
            [0, 0, 1, 1, 2, 3, 4]
                .get(rng.below(7))
                .copied()
                .unwrap_or(0)
        };
        let mut on: Vec<String> = (0..m)
            .filter_map(|_| refs.get(rng.below(k)).cloned())
            .collect();
        on.sort();
        on.dedup();
        deps.push(obj([("ref", s(r.clone())), ("dependsOn", strings(on))]));
    }

    obj([
        (
            "$schema",
            s("http://cyclonedx.org/schema/bom-1.5.schema.json"),
        ),
        ("bomFormat", s("CycloneDX")),
        ("specVersion", s("1.5")),
        ("serialNumber", s(format!("urn:uuid:{}", uuid(&mut rng)))),
        ("version", Value::from(1)),
        (
            "metadata",
            obj([
                ("timestamp", s("2026-11-28T06:00:00Z")),
                (
                    "tools",
                    obj([(
                        "components",
                        Value::Array(vec![obj([
                            ("type", s("application")),
                            ("author", s("anchore")),
                            ("name", s("syft")),
                            ("version", s("1.18.1")),
                        ])]),
                    )]),
                ),
                (
                    "component",
                    obj([
                        ("bom-ref", s(app_ref)),
                        ("type", s("container")),
                        ("name", s("registry.example/app")),
                        ("version", s(format!("sha256:{app_digest}"))),
                    ]),
                ),
            ]),
        ),
        ("components", Value::Array(top)),
        ("dependencies", Value::Array(deps)),
    ])
}

fn uuid(rng: &mut Rng) -> String {
    let h = rng.hex(32);
    let part = |a: usize, b: usize| h.get(a..b).unwrap_or("0");
    format!(
        "{}-{}-4{}-a{}-{}",
        part(0, 8),
        part(8, 12),
        part(13, 16),
        part(17, 20),
        part(20, 32)
    )
}

// ------------------------------------------------------------------------------------------
// Grype

/// gate's severity for a match: the word if there is one, else from the highest score of the
/// match's own CVSS entries, else of the related ones (see gate-core's grype reader).
fn normalised_severity(word: Option<&str>, own: Option<f64>, related: Option<f64>) -> &'static str {
    if let Some(w) = word {
        return match w.to_ascii_lowercase().as_str() {
            "critical" => "critical",
            "high" => "high",
            "medium" => "medium",
            "low" => "low",
            "negligible" => "info",
            _ => "unknown",
        };
    }
    match own.or(related) {
        Some(x) if x >= 9.0 => "critical",
        Some(x) if x >= 7.0 => "high",
        Some(x) if x >= 4.0 => "medium",
        Some(x) if x > 0.0 => "low",
        Some(_) => "info",
        None => "unknown",
    }
}

fn cvss_entry(rng: &mut Rng, severity: &str, nvd: bool) -> (Value, f64) {
    let (lo, hi) = score_range(severity).unwrap_or((1.0, 9.8));
    let score = rng.score(lo, hi);
    let metrics = obj([
        ("baseScore", Value::from(score)),
        ("exploitabilityScore", Value::from(rng.score(0.5, 3.9))),
        ("impactScore", Value::from(rng.score(1.4, 5.9))),
    ]);
    let mut e = Map::new();
    e.insert("metrics".into(), metrics);
    e.insert("vector".into(), s(rng.pick(VECTORS)));
    e.insert("version".into(), s("3.1"));
    if nvd {
        e.insert("source".into(), s("nvd@nist.gov"));
        e.insert("type".into(), s("Primary"));
        e.insert("vendorMetadata".into(), Value::Object(Map::new()));
    } else {
        let status = rng.pick(&["verified", "N/A"]);
        e.insert(
            "vendorMetadata".into(),
            obj([("base_severity", s(severity)), ("status", s(status))]),
        );
    }
    (Value::Object(e), score)
}

fn description(rng: &mut Rng, package: &str) -> String {
    let weakness = rng.pick(WEAKNESSES);
    let mut text = format!(
        "A vulnerability was found in {package}. {}{} exists in the {}_{}() function.",
        weakness.get(..1).unwrap_or("").to_ascii_uppercase(),
        weakness.get(1..).unwrap_or(""),
        rng.pick(SYLLABLES),
        rng.pick(SYLLABLES)
    );
    for _ in 0..[0, 0, 1, 2, 4].get(rng.below(5)).copied().unwrap_or(0) {
        let _ = write!(
            text,
            " An attacker could exploit {} to cause a denial of service or possibly execute \
             arbitrary code. Users should upgrade to a fixed version.",
            rng.pick(WEAKNESSES)
        );
    }
    text
}

/// A fixed version a little above `v`.
fn bump(rng: &mut Rng, v: &str) -> String {
    let (prefix, rest) = v.strip_prefix('v').map_or(("", v), |r| ("v", r));
    let mut parts: Vec<String> = rest.split('.').map(str::to_owned).collect();
    while parts.len() < 3 {
        parts.push("0".to_owned());
    }
    if let Some(patch) = parts.get_mut(2) {
        let digits: String = patch.chars().filter(char::is_ascii_digit).collect();
        let n: usize = digits.parse().unwrap_or(0);
        *patch = (n + rng.range(1, 5)).to_string();
    }
    format!("{prefix}{}", parts.join("."))
}

fn grype_cpes(rng: &mut Rng, p: &Pkg) -> Vec<String> {
    let product = p
        .name
        .rsplit('/')
        .next()
        .unwrap_or(&p.name)
        .trim_start_matches('@');
    let mut vendors = vec![product.to_owned(), product.replace('-', "_")];
    if let Some(g) = p.group.rsplit('.').next().filter(|g| !g.is_empty()) {
        vendors.push(g.to_owned());
    }
    if p.eco == Eco::Rpm {
        vendors.push("redhat".to_owned());
    }
    let ver = p.version.rsplit(':').next().unwrap_or(&p.version);
    let products = [product.to_owned(), product.replace('-', "_")];
    let n_vendors = rng.range(1, vendors.len());
    let n_products = rng.range(1, 2);
    let mut cpes = Vec::new();
    for v in vendors.iter().take(n_vendors) {
        for prod in products.iter().take(n_products) {
            cpes.push(format!("cpe:2.3:a:{v}:{prod}:{ver}:*:*:*:*:*:*:*"));
        }
    }
    cpes
}

/// A match whose `vulnerability.severity` is left out, as in real reports (1 in 1,000).
fn lacks_severity(k: usize) -> bool {
    k % 1000 == 3
}

struct MatchOut {
    value: Value,
    id: String,
    severity: &'static str,
    fixed: bool,
    missing_severity: bool,
}

fn make_match(rng: &mut Rng, k: usize, p: &Pkg, cve: &str, layers: &[String]) -> MatchOut {
    let eco = p.eco;
    // The first match is always a fixable critical one, so even a small set denies.
    let (severity, state) = if k == 0 {
        ("Critical", "fixed")
    } else {
        (rng.weighted(SEVERITIES), rng.weighted(FIX_STATES))
    };
    let ver = p.version.as_str();
    let bare = ver.rsplit(':').next().unwrap_or(ver);

    let mut art = Map::new();
    art.insert("cpes".into(), strings(grype_cpes(rng, p)));
    art.insert("id".into(), s(rng.hex(16)));
    art.insert("language".into(), s(eco.language()));
    art.insert("licenses".into(), strings(p.licenses.iter().cloned()));
    let layer = layers
        .get(rng.below(layers.len()))
        .cloned()
        .unwrap_or_default();
    art.insert(
        "locations".into(),
        Value::Array(vec![obj([
            ("layerID", s(layer)),
            ("path", s(p.path.clone())),
        ])]),
    );
    art.insert("name".into(), s(p.name.clone()));
    art.insert("purl".into(), s(p.purl.clone()));
    art.insert("type".into(), s(eco.grype_type()));
    art.insert("version".into(), s(ver));
    let upstream = p.name.split('-').next().unwrap_or(&p.name).to_owned();
    match eco {
        Eco::Rpm => {
            let epoch = ver
                .split_once(':')
                .and_then(|(e, _)| e.parse::<u64>().ok())
                .map_or(Value::Null, Value::from);
            art.insert("metadataType".into(), s("RpmMetadata"));
            art.insert(
                "metadata".into(),
                obj([("epoch", epoch), ("modularityLabel", s(""))]),
            );
            art.insert(
                "upstreams".into(),
                Value::Array(vec![obj([
                    ("name", s(upstream.clone())),
                    ("version", s(bare)),
                ])]),
            );
        }
        Eco::Maven => {
            art.insert("metadataType".into(), s("JavaMetadata"));
            art.insert(
                "metadata".into(),
                obj([
                    (
                        "archiveDigests",
                        Value::Array(vec![obj([
                            ("algorithm", s("sha1")),
                            ("value", s(rng.hex(40))),
                        ])]),
                    ),
                    ("manifestName", s("")),
                    ("pomArtifactID", s(p.name.clone())),
                    ("pomGroupID", s(p.group.clone())),
                    ("virtualPath", s(p.path.clone())),
                ]),
            );
            art.insert("upstreams".into(), Value::Array(Vec::new()));
        }
        _ => {
            art.insert("upstreams".into(), Value::Array(Vec::new()));
        }
    }

    let mut fixed_in = Vec::new();
    if state == "fixed" {
        if eco == Eco::Rpm {
            fixed_in.push(format!("0:{bare}_{}.1", rng.range(1, 9)));
        } else {
            let first = bump(rng, bare);
            if rng.chance(0.15) {
                let second = bump(rng, &first);
                fixed_in.push(first);
                fixed_in.push(second);
            } else {
                fixed_in.push(first);
            }
        }
    }
    let (id, namespace, data_source) = if eco == Eco::Rpm {
        (
            cve.to_owned(),
            "redhat:distro:redhat:8".to_owned(),
            format!("https://access.redhat.com/security/cve/{cve}"),
        )
    } else if rng.chance(0.7) {
        let ghsa = format!("GHSA-{}-{}-{}", rng.hex(4), rng.hex(4), rng.hex(4));
        let url = format!("https://github.com/advisories/{ghsa}");
        (ghsa, format!("github:language:{}", eco.language()), url)
    } else {
        (
            cve.to_owned(),
            "nvd:cpe".to_owned(),
            format!("https://nvd.nist.gov/vuln/detail/{cve}"),
        )
    };
    let nvd = namespace == "nvd:cpe";
    let desc = description(rng, &p.name);

    let mut own_score = None;
    let cvss = if score_range(severity).is_some() {
        let (entry, score) = cvss_entry(rng, severity, nvd);
        own_score = Some(score);
        vec![entry]
    } else {
        Vec::new()
    };
    let advisories = if eco == Eco::Rpm && state == "fixed" {
        let n = rng.range(1000, 9999);
        vec![obj([
            ("id", s(format!("RHSA-2024:{n}"))),
            (
                "link",
                s(format!("https://access.redhat.com/errata/RHSA-2024:{n}")),
            ),
        ])]
    } else {
        Vec::new()
    };
    let mut urls = vec![data_source.clone()];
    for _ in 0..rng.below(3) {
        urls.push(format!(
            "https://bugzilla.example.org/show_bug.cgi?id={}",
            rng.range(1_000_000, 3_000_000)
        ));
    }
    let missing_severity = lacks_severity(k);
    let mut vuln = Map::new();
    vuln.insert("advisories".into(), Value::Array(advisories));
    vuln.insert("cvss".into(), Value::Array(cvss));
    vuln.insert("dataSource".into(), s(data_source));
    vuln.insert("description".into(), s(desc.clone()));
    vuln.insert(
        "fix".into(),
        obj([("state", s(state)), ("versions", strings(fixed_in.clone()))]),
    );
    vuln.insert("id".into(), s(id.clone()));
    vuln.insert("namespace".into(), s(namespace.clone()));
    if !missing_severity {
        vuln.insert("severity".into(), s(severity));
    }
    vuln.insert("urls".into(), strings(urls));

    let mut related = Vec::new();
    let mut related_score = None;
    if !nvd {
        let nvd_severity = if score_range(severity).is_some() {
            severity
        } else {
            "Medium"
        };
        let (entry, score) = cvss_entry(rng, nvd_severity, true);
        related_score = Some(score);
        let mut entries = vec![entry];
        if eco == Eco::Rpm {
            let (secondary, score2) = cvss_entry(rng, nvd_severity, false);
            related_score = Some(score.max(score2));
            if let Value::Object(mut m) = secondary {
                m.insert("source".into(), s("secalert@redhat.com"));
                m.insert("type".into(), s("Secondary"));
                entries.push(Value::Object(m));
            }
        }
        related.push(obj([
            ("cvss", Value::Array(entries)),
            (
                "dataSource",
                s(format!("https://nvd.nist.gov/vuln/detail/{cve}")),
            ),
            ("description", s(desc)),
            ("id", s(cve)),
            ("namespace", s("nvd:cpe")),
            ("severity", s(nvd_severity)),
            (
                "urls",
                strings([format!("https://access.redhat.com/security/cve/{cve}")]),
            ),
        ]));
    }

    let kind = match eco {
        Eco::Rpm => "rpm",
        Eco::Npm | Eco::Golang | Eco::Cargo => "semver",
        _ => "unknown",
    };
    let constraint = match fixed_in.first() {
        Some(f) => format!("< {f} ({kind})"),
        None => format!("none ({kind})"),
    };
    let found = |extra: Option<(&str, Value)>| {
        let mut m = Map::new();
        if let Some((k, v)) = extra {
            m.insert(k.to_owned(), v);
        }
        m.insert("versionConstraint".into(), s(constraint.clone()));
        m.insert("vulnerabilityID".into(), s(id.clone()));
        Value::Object(m)
    };
    let detail = if eco == Eco::Rpm {
        obj([
            ("found", found(None)),
            ("matcher", s("rpm-matcher")),
            (
                "searchedBy",
                obj([
                    (
                        "distro",
                        obj([("type", s("redhat")), ("version", s("8.7"))]),
                    ),
                    ("namespace", s(namespace.clone())),
                    (
                        "package",
                        obj([("name", s(upstream)), ("version", s(bare))]),
                    ),
                ]),
            ),
            ("type", s("exact-indirect-match")),
        ])
    } else if nvd {
        let first_cpe = art
            .get("cpes")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
            .cloned()
            .unwrap_or(Value::Null);
        obj([
            (
                "found",
                found(Some(("cpes", Value::Array(vec![first_cpe.clone()])))),
            ),
            ("matcher", s(eco.matcher())),
            (
                "searchedBy",
                obj([
                    (
                        "Package",
                        obj([("name", s(p.name.clone())), ("version", s(ver))]),
                    ),
                    ("cpes", Value::Array(vec![first_cpe])),
                    ("namespace", s(namespace.clone())),
                ]),
            ),
            ("type", s("cpe-match")),
        ])
    } else {
        obj([
            ("found", found(None)),
            ("matcher", s(eco.matcher())),
            (
                "searchedBy",
                obj([
                    ("language", s(eco.language())),
                    ("namespace", s(namespace.clone())),
                    (
                        "package",
                        obj([("name", s(p.name.clone())), ("version", s(ver))]),
                    ),
                ]),
            ),
            ("type", s("exact-direct-match")),
        ])
    };

    let word = (!missing_severity).then_some(severity);
    MatchOut {
        value: obj([
            ("artifact", Value::Object(art)),
            ("matchDetails", Value::Array(vec![detail])),
            ("relatedVulnerabilities", Value::Array(related)),
            ("vulnerability", Value::Object(vuln)),
        ]),
        id,
        severity: normalised_severity(word, own_score, related_score),
        fixed: state == "fixed",
        missing_severity,
    }
}

fn grype_document(pkgs: &[Pkg], n: usize, facts: &mut Facts) -> io::Result<Value> {
    let mut rng = Rng::new("grype");
    let layers = layers();
    let candidates: Vec<&Pkg> = pkgs
        .iter()
        .filter(|p| p.has_purl && p.has_version)
        .collect();
    if n > 0 && candidates.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "findings need at least one component with a purl and a version",
        ));
    }
    let pool: Vec<String> = (0..(n * 9 / 25).max(64))
        .map(|_| format!("CVE-{}-{}", rng.range(2016, 2026), rng.range(1000, 59_999)))
        .collect();
    let mut matches = Vec::with_capacity(n);
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut attempts = 0usize;
    while matches.len() < n {
        attempts += 1;
        if attempts > n.saturating_mul(100) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("too few components for {n} distinct findings"),
            ));
        }
        let Some(p) = candidates.get(rng.below(candidates.len())) else {
            break;
        };
        let cve = rng.pick_owned(&pool);
        let m = make_match(&mut rng, matches.len(), p, &cve, &layers);
        // One match per (vulnerability, package), as Grype reports them.
        if !seen.insert((m.id.clone(), p.purl.clone())) {
            continue;
        }
        facts.findings += 1;
        facts.missing_severity += usize::from(m.missing_severity);
        if matches!(m.severity, "critical" | "high" | "unknown") {
            if m.fixed {
                facts.blocking_fixable += 1;
            } else {
                facts.blocking_unfixable += 1;
            }
        }
        matches.push(m.value);
    }

    let digest = |rng: &mut Rng| format!("sha256:{}", rng.hex(64));
    let layer_objects: Vec<Value> = layers
        .iter()
        .map(|l| {
            obj([
                ("digest", s(l.clone())),
                ("mediaType", s("application/vnd.oci.image.layer.v1.tar")),
                ("size", Value::from(rng.below(400_000_000) as u64)),
            ])
        })
        .collect();
    Ok(obj([
        (
            "descriptor",
            obj([
                (
                    "db",
                    obj([
                        ("built", s("2026-11-27T01:23:26Z")),
                        ("checksum", s(digest(&mut rng))),
                        ("error", Value::Null),
                        ("location", s("/home/ci/.cache/grype/db/5")),
                        ("schemaVersion", Value::from(5)),
                    ]),
                ),
                ("name", s("grype")),
                ("timestamp", s("2026-11-28T06:00:26.372724916+00:00")),
                ("version", s("0.96.0")),
            ]),
        ),
        (
            "distro",
            obj([
                ("idLike", strings(["fedora".to_owned()])),
                ("name", s("redhat")),
                ("version", s("8.7")),
            ]),
        ),
        ("matches", Value::Array(matches)),
        (
            "source",
            obj([
                (
                    "target",
                    obj([
                        ("architecture", s("amd64")),
                        ("config", s(rng.base64(20_000))),
                        ("imageID", s(digest(&mut rng))),
                        ("imageSize", Value::from(600_089_566u64)),
                        (
                            "labels",
                            obj([
                                ("architecture", s("x86_64")),
                                ("name", s("registry.example/app")),
                                ("vcs-ref", s(rng.hex(40))),
                                ("vcs-type", s("git")),
                                ("vendor", s("Example, Inc.")),
                                ("version", s("4.2.0")),
                            ]),
                        ),
                        ("layers", Value::Array(layer_objects)),
                        ("manifest", s(rng.base64(3_200))),
                        ("manifestDigest", s(digest(&mut rng))),
                        (
                            "mediaType",
                            s("application/vnd.docker.distribution.manifest.v2+json"),
                        ),
                        ("os", s("linux")),
                        (
                            "repoDigests",
                            strings([format!("registry.example/app@{}", digest(&mut rng))]),
                        ),
                        ("tags", strings(["registry.example/app:4.2.0".to_owned()])),
                        ("userInput", s("registry.example/app:4.2.0")),
                    ]),
                ),
                ("type", s("image")),
            ]),
        ),
    ]))
}

impl Rng {
    fn pick_owned(&mut self, items: &[String]) -> String {
        items
            .get(self.below(items.len()))
            .cloned()
            .unwrap_or_default()
    }
}

// ------------------------------------------------------------------------------------------
// JUnit (pytest, xunit2)

/// Escape an attribute value as pytest does (`&`, `<`, `>`, `"` and newlines).
fn xml_attr(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape element text.
fn xml_text(v: &str) -> String {
    v.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// What a test case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed,
    Errored,
    Skipped,
}

/// Outcomes of `total` cases: failures, errors and skips at the rates of the big set
/// (7, 2 and 300 in 20,000), at least one of each when there are at least three cases.
fn outcomes(rng: &mut Rng, total: usize) -> Vec<Outcome> {
    let mut out = vec![Outcome::Passed; total];
    let at_least_one = |n: usize| if total >= 3 { n.max(1) } else { n };
    let failed = at_least_one((total * 7).div_ceil(20_000));
    let errored = at_least_one((total * 2).div_ceil(20_000));
    let skipped = at_least_one((total * 300).div_ceil(20_000));
    // A partial Fisher-Yates shuffle picks distinct indices.
    let mut order: Vec<usize> = (0..total).collect();
    let picks = (failed + errored + skipped).min(total);
    for k in 0..picks {
        let j = k + rng.below(total - k);
        order.swap(k, j);
    }
    let kinds = std::iter::repeat_n(Outcome::Failed, failed)
        .chain(std::iter::repeat_n(Outcome::Errored, errored))
        .chain(std::iter::repeat_n(Outcome::Skipped, skipped));
    for (index, kind) in order.iter().take(picks).zip(kinds) {
        if let Some(slot) = out.get_mut(*index) {
            *slot = kind;
        }
    }
    out
}

fn junit_document(total: usize, facts: &mut Facts) -> Result<String, std::fmt::Error> {
    let mut rng = Rng::new("junit");
    let suites = total.clamp(1, 100);
    let outcomes = outcomes(&mut rng, total);
    let mut doc = String::with_capacity(total * 110 + 1024);
    doc.push_str(r#"<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">"#);
    let mut idx = 0usize;
    let mut failing = Vec::new();
    for suite in 0..suites {
        let cases = total / suites + usize::from(suite < total % suites);
        let pkg = format!("{}{suite}", rng.pick(SYLLABLES));
        let (mut failures, mut errors, mut skips, mut time) = (0, 0, 0, 0.0f64);
        let mut body = String::with_capacity(cases * 110);
        for t in 0..cases {
            let module = format!("tests.{pkg}.test_{}_{}", rng.pick(SYLLABLES), t / 20);
            let mut name = format!("test_{}_{}_{idx}", rng.pick(SYLLABLES), rng.pick(SYLLABLES));
            if rng.chance(0.3) {
                let _ = write!(name, "[{}-{}]", rng.pick(SYLLABLES), rng.below(10));
            }
            let dur = match rng.below(3) {
                0 => rng.unit() * 0.005,
                1 => rng.unit() * 0.2,
                _ => 0.1 + rng.unit() * 2.9,
            };
            time += dur;
            let src = format!("{}.py", module.replace('.', "/"));
            write!(
                body,
                r#"<testcase classname="{}" name="{}" time="{dur:.3}""#,
                xml_attr(&module),
                xml_attr(&name)
            )?;
            match outcomes.get(idx).copied().unwrap_or(Outcome::Passed) {
                Outcome::Passed => body.push_str(" />"),
                Outcome::Failed => {
                    failures += 1;
                    failing.push(format!("{module}::{name}"));
                    let (got, want) = (rng.below(100), rng.range(100, 199));
                    let func = name.split('[').next().unwrap_or(&name);
                    let trace = format!(
                        "def {func}(client):\n        resp = client.get(\"/items?limit=5\")\n\
                         >       assert resp.count == {want}\nE       assert {got} == {want}\n\
                         E        +  where {got} = <Response [200]>.count\n\n{src}:{}: AssertionError",
                        rng.range(10, 400)
                    );
                    write!(
                        body,
                        "><failure message=\"{}\">{}</failure><system-out>{}</system-out></testcase>",
                        xml_attr(&format!("AssertionError: assert {got} == {want}")),
                        xml_text(&trace),
                        xml_text(
                            "--------------------------------- Captured Log ---------------------------------\n\
                             INFO     app.client:client.py:88 GET /items?limit=5 -> 200"
                        )
                    )?;
                }
                Outcome::Errored => {
                    errors += 1;
                    failing.push(format!("{module}::{name}"));
                    let trace = format!(
                        "@pytest.fixture\n    def db():\n>       return connect(\"postgresql://localhost:5432/test\")\n\
                         E       ConnectionRefusedError: [Errno 111] Connection refused\n\n{src}:12: ConnectionRefusedError"
                    );
                    write!(
                        body,
                        "><error message=\"{}\">{}</error></testcase>",
                        xml_attr(
                            "failed on setup with \"ConnectionRefusedError: [Errno 111] Connection refused\""
                        ),
                        xml_text(&trace)
                    )?;
                }
                Outcome::Skipped => {
                    skips += 1;
                    if rng.chance(0.2) {
                        let reason = rng.pick(&["known bug #4211", "flaky on arm64"]);
                        write!(
                            body,
                            "><skipped type=\"pytest.xfail\" message=\"{}\" /></testcase>",
                            xml_attr(reason)
                        )?;
                    } else {
                        let reason = rng.pick(&[
                            "requires gdbm",
                            "needs network",
                            "slow test, use --runslow",
                            "not supported on linux",
                        ]);
                        let line = rng.range(10, 900);
                        write!(
                            body,
                            "><skipped type=\"pytest.skip\" message=\"{}\">{}</skipped></testcase>",
                            xml_attr(reason),
                            xml_text(&format!("/build/src/{src}:{line}: {reason}"))
                        )?;
                    }
                }
            }
            idx += 1;
        }
        write!(
            doc,
            r#"<testsuite name="pytest" errors="{errors}" failures="{failures}" skipped="{skips}" tests="{cases}" time="{time:.3}" timestamp="2026-11-28T05:{:02}:{:02}.{:06}+00:00" hostname="ci-runner-{}">"#,
            suite / 60 % 60,
            suite % 60,
            rng.below(1_000_000),
            suite % 8
        )?;
        doc.push_str(&body);
        doc.push_str("</testsuite>");
        facts.failed += failures;
        facts.errored += errors;
        facts.skipped += skips;
    }
    doc.push_str("</testsuites>");
    facts.suites = suites;
    facts.tests = total;
    facts.passed = total - facts.failed - facts.errored - facts.skipped;
    failing.sort();
    facts.failing_tests = failing;
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut rng = Rng::new("t");
        let names: HashSet<String> = (0..5000)
            .map(|i| {
                let n = unique_name(&mut rng, i);
                n.split_once('-').map(|(_, rest)| rest.to_owned()).unwrap()
            })
            .collect();
        assert_eq!(names.len(), 5000);
    }

    #[test]
    fn outcomes_at_the_big_rates() {
        let o = outcomes(&mut Rng::new("t"), 20_000);
        let count = |k| o.iter().filter(|&&x| x == k).count();
        assert_eq!(
            (
                count(Outcome::Failed),
                count(Outcome::Errored),
                count(Outcome::Skipped)
            ),
            (7, 2, 300)
        );
    }

    #[test]
    fn small_set_has_every_quirk() {
        let pkgs = gen_components(50);
        assert_eq!(pkgs.len(), 50);
        assert!(pkgs.iter().any(|p| !p.has_purl));
        assert!(pkgs.iter().any(|p| !p.has_version));
        assert!(pkgs.iter().any(|p| p.licenses.is_empty()));
        assert!(pkgs.iter().any(|p| p.parent.is_some()));
    }

    #[test]
    fn severities_follow_gate() {
        assert_eq!(
            normalised_severity(Some("Negligible"), Some(9.5), None),
            "info"
        );
        assert_eq!(normalised_severity(None, Some(9.5), Some(1.0)), "critical");
        assert_eq!(normalised_severity(None, None, Some(7.0)), "high");
        assert_eq!(normalised_severity(None, None, None), "unknown");
    }
}
