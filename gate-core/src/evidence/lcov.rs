//! LCOV tracefiles (`lcov.info`), as geninfo/lcov 1.x and 2.x, istanbul's `lcov` reporter (c8,
//! nyc, jest), coverage.py (`coverage lcov`), gcovr, grcov and cargo-llvm-cov write them.
//!
//! One file per `SF:` record (a path listed in several records, one per test name, is one
//! file): its lines are the `DA:line,hits` records, its branches the `BRDA:line,block,branch,
//! taken` records counted per line (`-` is a branch whose block never ran: not covered), its
//! functions the `FN`/`FNDA` records by name, or lcov 2's `FNL`/`FNA` records by index (aliases
//! of one function are one function). A record without `DA` (or `BRDA`, or functions) but with
//! `LF`/`LH` (`BRF`/`BRH`, `FNF`/`FNH`) gives those figures, which nothing else can contradict.
//!
//! Otherwise the summary records must agree with the entries: `LF` with the lines, `LH` with
//! the lines that ran, and likewise `BRF`/`BRH` and `FNF`/`FNH`; a record whose summary disagrees
//! is refused, naming its line. Refused too: a count gate cannot read (a negative count from
//! gcov's known bug included), a hit figure above its total, an entry outside an `SF` …
//! `end_of_record` section, a line that is not a `KEY:value` record, and a file that ends inside
//! a record or after a `TN:` line that starts none (truncated). Records gate does not use (`VER`, `MCDC`, `MCF`, …) are skipped.
//! The `lcov` crate was not used: it refuses lcov 2's records and reports no line numbers.

use std::collections::BTreeMap;

use super::coverage::{
    count, count_words, first_line, hits, hits_of, line_number, not_a, total_disagrees,
};
use super::format::{text, Claim, Format, Probe};
use super::{Facts, Kind, Parsed};
use crate::input::coverage::{normalise_path, CoverageData, FileData, Hits, Item, Measured};
use crate::input::{Producer, Source};
use crate::source::xml::clip;
use crate::EvidenceError;

impl Kind {
    /// LCOV tracefile.
    #[allow(non_upper_case_globals)]
    pub const Lcov: Kind = Kind("lcov");
}

/// LCOV: the first record is `TN:` or `SF:`.
pub(crate) struct LcovFormat;

impl Format for LcovFormat {
    fn kind(&self) -> Kind {
        Kind::Lcov
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(text(probe).is_some_and(looks_like))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// Whether the first non-blank line is an LCOV `TN:` or `SF:` record.
pub fn looks_like(text: &str) -> bool {
    first_line(text).is_some_and(|l| l.starts_with("TN:") || l.starts_with("SF:"))
}

/// One `SF:` … `end_of_record` section being read.
#[derive(Debug)]
struct Record {
    path: String,
    line: usize,
    lines: BTreeMap<Item, Hits>,
    /// `BRDA` entries by (line, block, branch): whether taken.
    branches: BTreeMap<(u64, String, String), bool>,
    /// Functions by name (`FN`/`FNDA`) or by `FNL` index.
    functions: BTreeMap<Item, Hits>,
    /// `LF`, `LH`, `BRF`, `BRH`, `FNF`, `FNH`, each with its line.
    summary: BTreeMap<&'static str, (u64, usize)>,
}

/// Read an LCOV tracefile.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let mut files = Vec::new();
    let mut open: Option<Record> = None;
    let mut first_line = None;
    // A `TN:` line that no `SF:` record has followed yet.
    let mut test_name: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        first_line.get_or_insert(n);
        if line == "end_of_record" {
            let record = open.take().ok_or_else(|| {
                EvidenceError::at("`end_of_record` without an `SF:` record before it", n, 1)
            })?;
            files.push(close(id, record)?);
            continue;
        }
        let (key, value) = line.split_once(':').ok_or_else(|| {
            EvidenceError::at(
                format!(
                    "not an LCOV record (`KEY:value` or `end_of_record`): `{}`",
                    clip(line, 60)
                ),
                n,
                1,
            )
        })?;
        match key {
            "TN" if open.is_none() => test_name = Some(n),
            "SF" => {
                test_name = None;
                if let Some(record) = &open {
                    return Err(EvidenceError::at(
                        format!(
                            "`SF:` while the record of `{}` (line {}) is still open: a record \
                             ends with `end_of_record`",
                            clip(&record.path, 80),
                            record.line
                        ),
                        n,
                        1,
                    ));
                }
                if value.trim().is_empty() {
                    return Err(EvidenceError::at("`SF:` without a path", n, 1));
                }
                open = Some(Record {
                    path: normalise_path(value),
                    line: n,
                    lines: BTreeMap::new(),
                    branches: BTreeMap::new(),
                    functions: BTreeMap::new(),
                    summary: BTreeMap::new(),
                });
            }
            _ => {
                let Some(record) = &mut open else {
                    if matches!(
                        key,
                        "DA" | "BRDA"
                            | "FN"
                            | "FNDA"
                            | "FNL"
                            | "FNA"
                            | "LF"
                            | "LH"
                            | "BRF"
                            | "BRH"
                            | "FNF"
                            | "FNH"
                    ) {
                        return Err(EvidenceError::at(
                            format!(
                                "`{key}:` outside a record: an entry must follow an `SF:` line"
                            ),
                            n,
                            1,
                        ));
                    }
                    continue;
                };
                entry(record, key, value, n)?;
            }
        }
    }
    if let Some(record) = open {
        return Err(EvidenceError::at(
            format!(
                "truncated: the record of `{}` has no `end_of_record`",
                clip(&record.path, 80)
            ),
            record.line,
            1,
        ));
    }
    if let Some(line) = test_name {
        return Err(EvidenceError::at(
            "truncated: this `TN:` line starts no record (no `SF:` follows it)",
            line,
            1,
        ));
    }
    let mut data = CoverageData::new(
        id,
        Kind::Lcov.as_str(),
        "lcov",
        Source::line(id, first_line.unwrap_or(1), 1),
    );
    data.files = files;
    Ok(Parsed {
        format_version: None,
        producer: Producer {
            name: "lcov".to_owned(),
            version: None,
        },
        facts: Facts {
            coverage: Some(data),
            ..Facts::default()
        },
        ..Parsed::default()
    })
}

/// One entry of an open record.
fn entry(record: &mut Record, key: &str, value: &str, n: usize) -> Result<(), EvidenceError> {
    let at = Some((n, 1));
    let field =
        |what: &str, v: &str, expected: &str| not_a(&format!("`{key}:` {what}"), v, expected, at);
    let parts = |want: usize| fields(key, value, want, n);
    match key {
        "DA" => {
            let p = parts(2)?;
            let (line, rest) = (
                p.first().copied().unwrap_or(""),
                p.get(1).copied().unwrap_or(""),
            );
            let line = line_number(line).ok_or_else(|| field("line", line, "a line number"))?;
            // `DA:line,hits[,checksum]`.
            let h = rest.split(',').next().unwrap_or("").trim();
            let h = hits(h).ok_or_else(|| field("execution count", h, "an execution count"))?;
            Measured::record(&mut record.lines, Item::Line(line), Hits::one(h > 0));
        }
        "BRDA" => {
            // `BRDA:line,block,branch,taken`; lcov 2 may write an expression as the branch,
            // so the count is the last field.
            let p = parts(3)?;
            let get = |i: usize| p.get(i).copied().unwrap_or("");
            let line = line_number(get(0)).ok_or_else(|| field("line", get(0), "a line number"))?;
            let (branch, taken) = get(2).rsplit_once(',').ok_or_else(|| {
                EvidenceError::at(
                    format!("`BRDA:{}` has fewer fields than 4", clip(value, 60)),
                    n,
                    1,
                )
            })?;
            let taken = match taken.trim() {
                "-" => false,
                t => hits(t).ok_or_else(|| field("taken", t, "an execution count or `-`"))? > 0,
            };
            let slot = record
                .branches
                .entry((line, get(1).to_owned(), branch.trim().to_owned()))
                .or_insert(false);
            *slot |= taken;
        }
        "FN" => {
            // `FN:line,name` (lcov 1) or `FN:start,end,name` (lcov 2).
            let p = parts(2)?;
            let (start, rest) = (
                p.first().copied().unwrap_or(""),
                p.get(1).copied().unwrap_or(""),
            );
            line_number(start).ok_or_else(|| field("line", start, "a line number"))?;
            let name = match rest.split_once(',') {
                Some((end, name)) if line_number(end).is_some() => name,
                _ => rest,
            };
            record
                .functions
                .entry(Item::Name(name.trim().to_owned()))
                .or_insert(Hits::one(false));
        }
        "FNDA" => {
            let p = parts(2)?;
            let (h, name) = (
                p.first().copied().unwrap_or(""),
                p.get(1).copied().unwrap_or(""),
            );
            let h = hits(h).ok_or_else(|| field("execution count", h, "an execution count"))?;
            Measured::record(
                &mut record.functions,
                Item::Name(name.to_owned()),
                Hits::one(h > 0),
            );
        }
        "FNL" => {
            // `FNL:index,start[,end]` (lcov 2.2).
            let p = parts(2)?;
            let index = p.first().copied().unwrap_or("");
            count(index).ok_or_else(|| field("index", index, "a function index"))?;
            record
                .functions
                .entry(Item::Name(format!("#{index}")))
                .or_insert(Hits::one(false));
        }
        "FNA" => {
            // `FNA:index,hits,name`: an alias of function `index`.
            let p = parts(3)?;
            let get = |i: usize| p.get(i).copied().unwrap_or("");
            count(get(0)).ok_or_else(|| field("index", get(0), "a function index"))?;
            let h = hits(get(1))
                .ok_or_else(|| field("execution count", get(1), "an execution count"))?;
            Measured::record(
                &mut record.functions,
                Item::Name(format!("#{}", get(0))),
                Hits::one(h > 0),
            );
        }
        "LF" | "LH" | "BRF" | "BRH" | "FNF" | "FNH" => {
            let name = match key {
                "LF" => "LF",
                "LH" => "LH",
                "BRF" => "BRF",
                "BRH" => "BRH",
                "FNF" => "FNF",
                _ => "FNH",
            };
            let v = count(value).ok_or_else(|| field("value", value, &count_words()))?;
            record.summary.insert(name, (v, n));
        }
        _ => {}
    }
    Ok(())
}

/// The first `want - 1` comma-separated fields of `value` and the rest, trimmed; fewer is an
/// error at line `n`.
fn fields<'v>(
    key: &str,
    value: &'v str,
    want: usize,
    n: usize,
) -> Result<Vec<&'v str>, EvidenceError> {
    let p: Vec<&str> = value.splitn(want, ',').map(str::trim).collect();
    if p.len() < want {
        return Err(EvidenceError::at(
            format!("`{key}:{}` has fewer fields than {want}", clip(value, 60)),
            n,
            1,
        ));
    }
    Ok(p)
}

/// Close a record: check its summary against its entries.
fn close(id: &str, record: Record) -> Result<FileData, EvidenceError> {
    let Record {
        path,
        line,
        lines,
        branches,
        functions,
        summary,
    } = record;
    let mut per_line: BTreeMap<Item, Hits> = BTreeMap::new();
    for ((l, _, _), taken) in &branches {
        let h = per_line.entry(Item::Line(*l)).or_default();
        h.total += 1;
        h.covered += u64::from(*taken);
    }
    let what = |key: &str| format!("the `{key}:` record of `{}`", clip(&path, 80));
    let mut file = FileData::new(path.clone(), Source::line(id, line, 1));
    let metrics = [
        ("LF", "LH", lines, &mut file.lines),
        ("BRF", "BRH", per_line, &mut file.branches),
        ("FNF", "FNH", functions, &mut file.functions),
    ];
    for (found_key, hit_key, items, slot) in metrics {
        let found = summary.get(found_key).copied();
        let hit = summary.get(hit_key).copied();
        if items.is_empty() {
            // Figures alone, when the record gives them.
            if let Some((total, at)) = found {
                let covered = hit.map_or(0, |(h, _)| h);
                let h = hits_of(covered, total, || what(hit_key)).map_err(|e| EvidenceError {
                    line: Some(hit.map_or(at, |(_, l)| l)),
                    column: Some(1),
                    ..e
                })?;
                *slot = Some(Measured::Figure(h));
            } else if let Some((h, at)) = hit.filter(|(h, _)| *h > 0) {
                return Err(total_disagrees(
                    &what(hit_key),
                    &h.to_string(),
                    "nothing measured",
                    Some((at, 1)),
                ));
            }
            continue;
        }
        let (mut total, mut covered) = (0u64, 0u64);
        for h in items.values() {
            total += h.total;
            covered += h.covered;
        }
        for (key, stated, actual) in [(found_key, found, total), (hit_key, hit, covered)] {
            if let Some((v, at)) = stated {
                if v != actual {
                    return Err(total_disagrees(
                        &what(key),
                        &v.to_string(),
                        &actual.to_string(),
                        Some((at, 1)),
                    ));
                }
            }
        }
        *slot = Some(Measured::Items(items));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::coverage::testing::refused_each;
    use crate::input::coverage::{merge, Coverage, Figure};

    fn figures(text: &str) -> Coverage {
        merge(vec![read("l.info", text).unwrap().facts.coverage.unwrap()]).0
    }

    const C8: &str = "TN:\nSF:paginate.js\nFN:4,paginate\nFN:21,pageWindow\nFNF:2\nFNH:1\n\
FNDA:1,paginate\nFNDA:0,pageWindow\nDA:1,1\nDA:2,1\nDA:6,0\nDA:21,0\nLF:4\nLH:2\n\
BRDA:1,0,0,1\nBRDA:5,2,0,0\nBRDA:5,2,1,-\nBRF:3\nBRH:1\nend_of_record\n";

    #[test]
    fn reads_lines_branches_and_functions_with_positions() {
        let p = read("l.info", C8).unwrap();
        let d = p.facts.coverage.unwrap();
        assert_eq!(d.report.source, Source::line("l.info", 1, 1));
        assert_eq!(d.files[0].path, "paginate.js");
        assert_eq!(d.files[0].source, Source::line("l.info", 2, 1));
        let c = merge(vec![d]).0;
        assert_eq!(c.lines, Some(Figure::new(2, 4)));
        assert_eq!(c.branches, Some(Figure::new(1, 3)));
        assert_eq!(c.functions, Some(Figure::new(1, 2)));
        assert_eq!(c.statements, None);
    }

    #[test]
    fn lcov_2_records_and_coverage_py_function_ranges() {
        let text = "TN:\nSF:/src/a.c\nVER:abc\nFNL:0,3,9\nFNA:0,0,ctor_C1\nFNA:0,4,ctor_C2\n\
FNL:1,12\nFNA:1,0,unused\nFNF:2\nFNH:1\nDA:3,4\nDA:12,0,checksum\nLF:2\nLH:1\n\
BRDA:3,e0,0,1\nBRDA:3,e0,1,0\nBRF:2\nBRH:1\nMCDC:3,2,t,1,0,a\nend_of_record\n\
SF:verparse/__init__.py\nFN:24,26,Version.__str__\nFNDA:1,Version.__str__\nFNF:1\nFNH:1\n\
DA:24,1\nLF:1\nLH:1\nend_of_record\n";
        let c = figures(text);
        assert_eq!(c.functions, Some(Figure::new(2, 3)));
        assert_eq!(c.lines, Some(Figure::new(2, 3)));
        assert_eq!(c.branches, Some(Figure::new(1, 2)));
        assert_eq!(c.files.len(), 2);
    }

    #[test]
    fn a_file_in_several_records_is_one_file() {
        let text = "TN:unit\nSF:x.c\nDA:1,1\nDA:2,0\nend_of_record\nTN:e2e\nSF:x.c\nDA:1,0\nDA:2,3\nend_of_record\n";
        let c = figures(text);
        assert_eq!(c.files.len(), 1);
        assert_eq!(c.lines, Some(Figure::new(2, 2)));
    }

    #[test]
    fn summary_figures_alone_are_taken() {
        let c = figures("SF:x.rs\nLF:10\nLH:7\nBRF:0\nBRH:0\nend_of_record\n");
        assert_eq!(c.lines, Some(Figure::new(7, 10)));
        assert_eq!(c.branches, Some(Figure::new(0, 0)));
        let e = read("l.info", "SF:x.rs\nLF:3\nLH:7\nend_of_record\n").unwrap_err();
        assert!(e.message.contains("7 covered of 3"), "{e:?}");
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn summaries_that_disagree_are_refused_at_their_line() {
        let cases = [
            (
                "LF:4",
                "LF:5",
                "the `LF:` record of `paginate.js` states 5, but its entries show 4",
                13,
            ),
            (
                "LH:2",
                "LH:4",
                "`LH:` record of `paginate.js` states 4, but its entries show 2",
                14,
            ),
            (
                "BRH:1",
                "BRH:3",
                "`BRH:` record of `paginate.js` states 3",
                19,
            ),
            (
                "FNF:2",
                "FNF:3",
                "`FNF:` record of `paginate.js` states 3",
                5,
            ),
            ("FNH:1", "FNH:2", "`FNH:` record", 6),
        ];
        let three: Vec<(&str, &str, &str)> = cases.iter().map(|c| (c.0, c.1, c.2)).collect();
        for (e, case) in refused_each(read, C8, &three).iter().zip(cases) {
            assert!(e.message.contains("is not believed"), "{}", e.message);
            assert_eq!(e.line, Some(case.3), "{}", case.0);
        }
    }

    #[test]
    fn bad_counts_and_structure_are_refused() {
        let cases = [
            (
                "DA:2,1",
                "DA:2,-1",
                "`DA:` execution count `-1` is not an execution count",
                10,
            ),
            ("DA:2,1", "DA:2,1.5", "`DA:` execution count `1.5`", 10),
            (
                "DA:2,1",
                "DA:x,1",
                "`DA:` line `x` is not a line number",
                10,
            ),
            (
                "BRDA:1,0,0,1",
                "BRDA:1,0,1",
                "`BRDA:1,0,1` has fewer fields than 4",
                15,
            ),
            ("DA:2,1", "DA:2", "`DA:2` has fewer fields than 2", 10),
            (
                "BRDA:1,0,0,1",
                "BRDA:1,0,0,-3",
                "`BRDA:` taken `-3` is not an execution count or `-`",
                15,
            ),
            ("LF:4", "LF:four", "`LF:` value `four` is not a count", 13),
            (
                "FNDA:1,paginate",
                "FNDA:99999999999999999999,paginate",
                "`FNDA:` execution count",
                7,
            ),
            ("DA:2,1", "this is not lcov", "not an LCOV record", 10),
        ];
        let three: Vec<(&str, &str, &str)> = cases.iter().map(|c| (c.0, c.1, c.2)).collect();
        for (e, case) in refused_each(read, C8, &three).iter().zip(cases) {
            assert_eq!(e.line, Some(case.3), "{}", case.0);
        }
        let e = read("l.info", &C8.replace("end_of_record\n", "")).unwrap_err();
        assert_eq!(
            e.message,
            "truncated: the record of `paginate.js` has no `end_of_record`"
        );
        assert_eq!(e.line, Some(2));
        let e = read("l.info", "TN:\nDA:1,1\n").unwrap_err();
        assert!(e.message.contains("outside a record"), "{e:?}");
        let e = read("l.info", "SF:a\nSF:b\nend_of_record\n").unwrap_err();
        assert!(e.message.contains("still open"), "{e:?}");
        let e = read("l.info", &format!("{C8}TN:\n")).unwrap_err();
        assert!(e.message.contains("starts no record"), "{e:?}");
        assert_eq!(e.line, Some(21));
        let e = read("l.info", "TN:\nend_of_record\n").unwrap_err();
        assert!(e.message.contains("without an `SF:`"), "{e:?}");
    }

    #[test]
    fn detection_looks_at_the_first_record() {
        assert!(looks_like("TN:\nSF:a\n"));
        assert!(looks_like("\n\nSF:a.c\n"));
        assert!(!looks_like("TAP version 13\n"));
        assert!(!looks_like("mode: set\n"));
        assert!(!looks_like("ok 1 - SF:x\n"));
    }
}
