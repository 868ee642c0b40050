//! gate's own Rego builtins, registered on every engine gate builds: versions, package URLs
//! and license expressions, which Rego has no functions for.
//!
//! - `gate.semver.satisfies(version, range)` → boolean
//! - `gate.semver.compare(a, b)` → -1, 0 or 1
//! - `gate.semver.valid(version)` → boolean: whether the other two accept it
//! - `gate.purl.parse(purl)` → `{type, namespace, name, version, qualifiers, subpath}`
//! - `gate.spdx.satisfies(expression, allowed_ids)` → boolean
//! - `gate.spdx.ids(expression)` → the license ids it names, normalised
//!
//! Versions are SemVer, read leniently: a leading `v` is dropped and a version with fewer than
//! three numbers is padded (`2.17` → `2.17.0`, `2.0-beta9` → `2.0.0-beta9`). Ranges are
//! `semver::VersionReq` comparators joined by `,` (AND), alternatives joined by `||` (OR).
//! Unlike Cargo, a pre-release is ordered as SemVer orders it and matched by any comparator
//! (`2.0.0-beta9` satisfies `<2.17.1`): a gate asks "is this version in the range", not "may
//! I upgrade to it". Invalid arguments are errors, never a silent `false`. See docs/builtins.md.

use std::collections::BTreeMap;
use std::str::FromStr;

use anyhow::{anyhow, bail, Result};
use regorus::Value;
use semver::{Comparator, Op, Prerelease, Version, VersionReq};

/// The functions gate registers on every engine (besides regorus' builtins, which
/// `numbers.range`, `numbers.range_step` and `time.now_ns` replace).
pub const EXTENSIONS: &[&str] = &[
    "gate.semver.satisfies",
    "gate.semver.compare",
    "gate.semver.valid",
    "gate.purl.parse",
    "gate.spdx.satisfies",
    "gate.spdx.ids",
];

/// Register `numbers.range` and `numbers.range_step` refusing ranges of more than
/// `max_elements` elements (instead of reserving memory for all of them first).
pub fn register_bounded(engine: &mut regorus::Engine, max_elements: u64) -> Result<()> {
    engine.add_extension(
        "numbers.range".to_owned(),
        2,
        Box::new(move |args: Vec<Value>| {
            let [a, b] = two(args, "numbers.range")?;
            let a = integer(&a, "numbers.range", "a")?;
            let b = integer(&b, "numbers.range", "b")?;
            range("numbers.range", a, b, 1, max_elements)
        }),
    )?;
    engine.add_extension(
        "numbers.range_step".to_owned(),
        3,
        Box::new(move |args: Vec<Value>| {
            let [a, b, step] = <[Value; 3]>::try_from(args)
                .map_err(|a| anyhow!("numbers.range_step: expects 3 arguments, got {}", a.len()))?;
            let a = integer(&a, "numbers.range_step", "a")?;
            let b = integer(&b, "numbers.range_step", "b")?;
            let step = integer(&step, "numbers.range_step", "step")?;
            if step <= 0 {
                bail!("numbers.range_step: step must be a positive integer, got {step}");
            }
            range("numbers.range_step", a, b, step, max_elements)
        }),
    )?;
    Ok(())
}

fn integer(v: &Value, f: &str, what: &str) -> Result<i64> {
    v.as_i64()
        .map_err(|_| anyhow!("{f}: `{what}` must be an integer, got {v}"))
}

/// `a` to `b` inclusive by `step` (> 0), downwards when `b < a`, as OPA counts it.
fn range(f: &str, a: i64, b: i64, step: i64, max_elements: u64) -> Result<Value> {
    let span = i128::from(b) - i128::from(a);
    let count = span.unsigned_abs() / u128::from(step.unsigned_abs()) + 1;
    if count > u128::from(max_elements) {
        bail!(
            "{f}({a}, {b}{}) would build {count} numbers, more than the {max_elements} the \
             memory limit allows (--max-memory)",
            if step == 1 && f == "numbers.range" {
                String::new()
            } else {
                format!(", {step}")
            }
        );
    }
    let down = b < a;
    let values: Vec<Value> = (0..count)
        .map_while(|k| {
            let k = i128::try_from(k).ok()?;
            let offset = k * i128::from(step);
            let v = if down {
                i128::from(a) - offset
            } else {
                i128::from(a) + offset
            };
            i64::try_from(v).ok().map(Value::from)
        })
        .collect();
    Ok(Value::from(values))
}

/// Register every gate builtin on an engine.
pub fn register(engine: &mut regorus::Engine) -> Result<()> {
    engine.add_extension(
        "gate.semver.satisfies".to_owned(),
        2,
        Box::new(|args: Vec<Value>| {
            let [v, r] = two(args, "gate.semver.satisfies")?;
            let version = parse_version(string(&v, "gate.semver.satisfies", "version")?)?;
            let range = string(&r, "gate.semver.satisfies", "range")?;
            Ok(Value::from(satisfies(&version, range)?))
        }),
    )?;
    engine.add_extension(
        "gate.semver.compare".to_owned(),
        2,
        Box::new(|args: Vec<Value>| {
            let [a, b] = two(args, "gate.semver.compare")?;
            let a = parse_version(string(&a, "gate.semver.compare", "a")?)?;
            let b = parse_version(string(&b, "gate.semver.compare", "b")?)?;
            Ok(Value::from(match a.cmp_precedence(&b) {
                std::cmp::Ordering::Less => -1_i64,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }))
        }),
    )?;
    engine.add_extension(
        "gate.semver.valid".to_owned(),
        1,
        Box::new(|args: Vec<Value>| {
            let v = args
                .first()
                .ok_or_else(|| anyhow!("gate.semver.valid: expects 1 argument"))?;
            Ok(Value::from(
                parse_version(string(v, "gate.semver.valid", "version")?).is_ok(),
            ))
        }),
    )?;
    engine.add_extension(
        "gate.purl.parse".to_owned(),
        1,
        Box::new(|args: Vec<Value>| {
            let p = args
                .first()
                .ok_or_else(|| anyhow!("gate.purl.parse: expects 1 argument"))?;
            purl(string(p, "gate.purl.parse", "purl")?)
        }),
    )?;
    engine.add_extension(
        "gate.spdx.satisfies".to_owned(),
        2,
        Box::new(|args: Vec<Value>| {
            let [e, a] = two(args, "gate.spdx.satisfies")?;
            let expr = string(&e, "gate.spdx.satisfies", "expression")?;
            let allowed = strings(&a, "gate.spdx.satisfies", "allowed_ids")?;
            crate::license::satisfies(expr, &allowed)
                .map(Value::from)
                .map_err(|e| {
                    anyhow!(
                        "gate.spdx.satisfies: `{}` is not an SPDX license expression{}",
                        e.0,
                        if e.0 == expr {
                            ""
                        } else {
                            " naming one license"
                        }
                    )
                })
        }),
    )?;
    engine.add_extension(
        "gate.spdx.ids".to_owned(),
        1,
        Box::new(|args: Vec<Value>| {
            let e = args
                .first()
                .ok_or_else(|| anyhow!("gate.spdx.ids: expects 1 argument"))?;
            let expr = string(e, "gate.spdx.ids", "expression")?;
            let ids = crate::license::ids(expr).map_err(|e| {
                anyhow!("gate.spdx.ids: `{}` is not an SPDX license expression", e.0)
            })?;
            Ok(Value::from(
                ids.into_iter().map(Value::from).collect::<Vec<Value>>(),
            ))
        }),
    )?;
    Ok(())
}

fn two(args: Vec<Value>, f: &str) -> Result<[Value; 2]> {
    <[Value; 2]>::try_from(args).map_err(|a| anyhow!("{f}: expects 2 arguments, got {}", a.len()))
}

fn string<'v>(v: &'v Value, f: &str, what: &str) -> Result<&'v str> {
    match v {
        Value::String(s) => Ok(s),
        other => bail!("{f}: `{what}` must be a string, got {other}"),
    }
}

fn strings(v: &Value, f: &str, what: &str) -> Result<Vec<String>> {
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        Value::Set(s) => s.iter().collect(),
        other => bail!("{f}: `{what}` must be an array or set of strings, got {other}"),
    };
    items
        .into_iter()
        .map(|i| string(i, f, what).map(str::to_owned))
        .collect()
}

/// A version, read leniently (see the module docs).
pub fn parse_version(text: &str) -> Result<Version> {
    let t = text.trim();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    let split = t.find(['-', '+']).unwrap_or(t.len());
    let (core, rest) = t.split_at(split);
    let numbers = core.split('.').count();
    let padded = match numbers {
        1 => format!("{core}.0.0{rest}"),
        2 => format!("{core}.0{rest}"),
        _ => t.to_owned(),
    };
    Version::parse(&padded).map_err(|e| anyhow!("`{text}` is not a SemVer version: {e}"))
}

/// Whether a version is in a range (`,` = AND, `||` = OR).
pub fn satisfies(v: &Version, range: &str) -> Result<bool> {
    let mut any = false;
    for alt in range.split("||") {
        let req = VersionReq::from_str(alt.trim())
            .map_err(|e| anyhow!("`{range}` is not a version range: {e}"))?;
        let mut all = true;
        for c in &req.comparators {
            all &= matches(c, v)?;
        }
        any |= all;
    }
    Ok(any)
}

/// The version a comparator names, missing parts as 0.
fn lower(c: &Comparator) -> Version {
    Version {
        major: c.major,
        minor: c.minor.unwrap_or(0),
        patch: c.patch.unwrap_or(0),
        pre: c.pre.clone(),
        build: semver::BuildMetadata::EMPTY,
    }
}

/// The first version after those a partial comparator names (`1.2` → `1.3.0-0`), below every
/// pre-release of it.
fn next(major: u64, minor: Option<u64>) -> Version {
    let (major, minor) = match minor {
        None => (major.saturating_add(1), 0),
        Some(m) => (major, m.saturating_add(1)),
    };
    Version {
        major,
        minor,
        patch: 0,
        pre: Prerelease::new("0").unwrap_or(Prerelease::EMPTY),
        build: semver::BuildMetadata::EMPTY,
    }
}

/// One comparator, by SemVer precedence, pre-releases included.
fn matches(c: &Comparator, v: &Version) -> Result<bool> {
    use std::cmp::Ordering::{Greater, Less};
    let cmp = |a: &Version| v.cmp_precedence(a);
    let lo = lower(c);
    let complete = c.patch.is_some();
    // The end of what a partial version (`1`, `1.2`) covers.
    let partial_end = || {
        if c.minor.is_none() {
            next(c.major, None)
        } else {
            next(c.major, c.minor)
        }
    };
    Ok(match c.op {
        Op::Exact | Op::Wildcard if complete => cmp(&lo) == std::cmp::Ordering::Equal,
        Op::Exact | Op::Wildcard => cmp(&lo) != Less && cmp(&partial_end()) == Less,
        Op::Greater if complete => cmp(&lo) == Greater,
        Op::Greater => cmp(&partial_end()) != Less,
        Op::GreaterEq => cmp(&lo) != Less,
        Op::Less => cmp(&lo) == Less,
        Op::LessEq if complete => cmp(&lo) != Greater,
        Op::LessEq => cmp(&partial_end()) == Less,
        Op::Tilde => {
            let end = if c.minor.is_some() {
                next(c.major, c.minor)
            } else {
                next(c.major, None)
            };
            cmp(&lo) != Less && cmp(&end) == Less
        }
        Op::Caret => {
            let end = match (c.major, c.minor, c.patch) {
                (0, Some(0), Some(p)) => Version {
                    minor: 0,
                    patch: p.saturating_add(1),
                    ..next(0, Some(0))
                },
                (0, Some(m), _) => next(0, Some(m)),
                (0, None, _) => next(0, None),
                (major, _, _) => next(major, None),
            };
            cmp(&lo) != Less && cmp(&end) == Less
        }
        _ => bail!("unsupported comparator `{c}`"),
    })
}

/// `gate.purl.parse`.
fn purl(text: &str) -> Result<Value> {
    let p = packageurl::PackageUrl::from_str(text)
        .map_err(|e| anyhow!("gate.purl.parse: `{text}` is not a package URL: {e}"))?;
    let opt = |s: Option<&str>| s.map_or(Value::Null, Value::from);
    let qualifiers: BTreeMap<Value, Value> = p
        .qualifiers()
        .iter()
        .map(|(k, v)| (Value::from(k.as_ref()), Value::from(v.as_ref())))
        .collect();
    let mut out = BTreeMap::new();
    out.insert(Value::from("type"), Value::from(p.ty()));
    out.insert(Value::from("namespace"), opt(p.namespace()));
    out.insert(Value::from("name"), Value::from(p.name()));
    out.insert(Value::from("version"), opt(p.version()));
    out.insert(Value::from("qualifiers"), Value::from(qualifiers));
    out.insert(Value::from("subpath"), opt(p.subpath()));
    Ok(Value::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sat(v: &str, r: &str) -> bool {
        satisfies(&parse_version(v).unwrap(), r).unwrap()
    }

    #[test]
    fn lenient_versions() {
        assert_eq!(parse_version("v1.2.3").unwrap(), Version::new(1, 2, 3));
        assert_eq!(parse_version("2.17").unwrap(), Version::new(2, 17, 0));
        assert_eq!(parse_version("3").unwrap(), Version::new(3, 0, 0));
        assert_eq!(
            parse_version("2.0-beta9").unwrap().to_string(),
            "2.0.0-beta9"
        );
        assert!(parse_version("1.2.3.4").is_err());
        assert!(parse_version("latest").is_err());
    }

    #[test]
    fn ranges() {
        assert!(sat("2.14.1", "<2.17.1"));
        assert!(!sat("2.17.1", "<2.17.1"));
        assert!(sat("2.17.1-rc1", "<2.17.1"));
        assert!(sat("2.0-beta9", ">=2.0.0-beta9, <2.15.0"));
        assert!(
            sat("2.0.0-beta9", "<2.17.1"),
            "pre-releases are ordered, not excluded"
        );
        assert!(!sat("1.2.17", ">=2.0.0-beta9, <2.15.0"));
        assert!(sat("1.5.0", "<1.0.0 || >=1.5.0, <1.6"));
        assert!(!sat("1.6.0", "<1.0.0 || >=1.5.0, <1.6"));
        assert!(sat("1.2.9", "~1.2"));
        assert!(!sat("1.3.0-alpha", "~1.2"));
        assert!(sat("1.9.0", "^1.2.3"));
        assert!(!sat("2.0.0", "^1.2.3"));
        assert!(sat("0.2.5", "^0.2.3"));
        assert!(!sat("0.3.0", "^0.2.3"));
        assert!(sat("0.0.3", "^0.0.3"));
        assert!(!sat("0.0.4", "^0.0.3"));
        assert!(sat("1.2.3", "=1.2.3"));
        assert!(sat("1.2.7", "1.2.*"));
        assert!(sat("1.2.7", "=1.2"));
        assert!(!sat("1.3.0", "=1.2"));
        assert!(sat("1.3.0", ">1.2"));
        assert!(!sat("1.2.9", ">1.2"));
        assert!(sat("1.2.9", "<=1.2"));
        assert!(sat("5.0.0", "*"));
        assert!(satisfies(&Version::new(1, 0, 0), "not a range").is_err());
    }

    fn engine(rego: &str) -> regorus::Engine {
        let mut e = regorus::Engine::new();
        register(&mut e).unwrap();
        e.add_policy("t.rego".into(), rego.into()).unwrap();
        e
    }

    fn eval(rego: &str, rule: &str) -> Result<Value> {
        let mut e = engine(rego);
        e.eval_rule(format!("data.t.{rule}"))
    }

    #[test]
    fn builtins_from_rego() {
        let rego = r#"package t
sat := gate.semver.satisfies("v2.14.1", "<2.17.1")
valid := [gate.semver.valid("2.17"), gate.semver.valid("1.2.3.RELEASE")]
cmp := [gate.semver.compare("1.2", "1.2.0"), gate.semver.compare("1.0.0-rc1", "1.0.0"), gate.semver.compare("2", "1.9")]
p := gate.purl.parse("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar#sub/dir")
q := gate.purl.parse("pkg:npm/left-pad")
lic := [gate.spdx.satisfies("MIT OR GPL-3.0-only", ["MIT"]), gate.spdx.satisfies("MIT AND GPL-3.0-only", {"MIT"})]
ids := gate.spdx.ids("GPL-3.0+ OR mit")
bad_ids := gate.spdx.ids("MIT OR")
bad_allowed := gate.spdx.satisfies("MIT", ["MIT AND Apache-2.0"])
bad_version := gate.semver.satisfies("latest", "<1")
bad_range := gate.semver.satisfies("1.0.0", ">>1")
bad_purl := gate.purl.parse("log4j")
bad_expr := gate.spdx.satisfies("MIT OR (", ["MIT"])
bad_type := gate.spdx.satisfies("MIT", "MIT")
"#;
        assert_eq!(eval(rego, "sat").unwrap(), Value::from(true));
        assert_eq!(
            eval(rego, "valid").unwrap(),
            Value::from(vec![Value::from(true), Value::from(false)])
        );
        assert_eq!(
            eval(rego, "cmp").unwrap(),
            Value::from(vec![
                Value::from(0_i64),
                Value::from(-1_i64),
                Value::from(1_i64)
            ])
        );
        let p = eval(rego, "p").unwrap();
        assert_eq!(p["type"], Value::from("maven"));
        assert_eq!(p["namespace"], Value::from("org.apache.logging.log4j"));
        assert_eq!(p["name"], Value::from("log4j-core"));
        assert_eq!(p["version"], Value::from("2.14.1"));
        assert_eq!(p["qualifiers"]["type"], Value::from("jar"));
        assert_eq!(p["subpath"], Value::from("sub/dir"));
        let q = eval(rego, "q").unwrap();
        assert_eq!(q["namespace"], Value::Null);
        assert_eq!(q["version"], Value::Null);
        assert_eq!(
            eval(rego, "lic").unwrap(),
            Value::from(vec![Value::from(true), Value::from(false)])
        );
        for bad in [
            "bad_version",
            "bad_range",
            "bad_purl",
            "bad_expr",
            "bad_type",
        ] {
            let e = eval(rego, bad).unwrap_err().to_string();
            assert!(e.contains("gate.") || e.contains('`'), "{bad}: {e}");
        }
    }

    #[test]
    fn ranges_count_as_opa_does_and_are_bounded() {
        let mut e = regorus::Engine::new();
        register_bounded(&mut e, 1000).unwrap();
        e.add_policy(
            "t.rego".into(),
            "package t\nup := numbers.range(1, 4)\ndown := numbers.range(2, -1)\n\
             one := numbers.range(7, 7)\nstep := numbers.range_step(0, 10, 4)\n\
             step_down := numbers.range_step(10, 0, 4)\nedge := numbers.range(9223372036854775806, 9223372036854775807)\n\
             big := numbers.range(1, 1000000000)\nhuge := numbers.range(-9223372036854775808, 9223372036854775807)\n\
             big_step := numbers.range_step(0, 999000, 1000)\nzero_step := numbers.range_step(0, 2, 0)\n\
             fraction := numbers.range(1.5, 3)\n"
                .into(),
        )
        .unwrap();
        let ints = |v: &[i64]| Value::from(v.iter().map(|&n| Value::from(n)).collect::<Vec<_>>());
        let mut get = |r: &str| e.eval_rule(format!("data.t.{r}"));
        assert_eq!(get("up").unwrap(), ints(&[1, 2, 3, 4]));
        assert_eq!(get("down").unwrap(), ints(&[2, 1, 0, -1]));
        assert_eq!(get("one").unwrap(), ints(&[7]));
        assert_eq!(get("step").unwrap(), ints(&[0, 4, 8]));
        assert_eq!(get("step_down").unwrap(), ints(&[10, 6, 2]));
        assert_eq!(
            get("edge").unwrap(),
            ints(&[9223372036854775806, 9223372036854775807])
        );
        // Refused before any memory is reserved (regorus' own reserves 24 GB for `big`).
        let e1 = get("big").unwrap_err().to_string();
        assert!(
            e1.contains("would build 1000000000 numbers, more than the 1000"),
            "{e1}"
        );
        let e2 = get("huge").unwrap_err().to_string();
        assert!(e2.contains("18446744073709551616 numbers"), "{e2}");
        assert_eq!(get("big_step").unwrap().as_array().unwrap().len(), 1000);
        assert!(get("zero_step")
            .unwrap_err()
            .to_string()
            .contains("positive integer"));
        assert!(get("fraction")
            .unwrap_err()
            .to_string()
            .contains("must be an integer"));
    }
}
