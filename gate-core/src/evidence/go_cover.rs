//! Go coverage profiles (`go test -coverprofile`, `-covermode=set|count|atomic`, with or without
//! `-coverpkg`), and the profiles that merge them.
//!
//! After the `mode:` line, each line is a block: `path/file.go:l1.c1,l2.c2 statements count`.
//! Statements are Go's own measure: a block's statements are covered when its count is above 0;
//! a block listed more than once (one test binary per package under `-coverpkg`) is covered when
//! any listing ran. Lines are derived from the blocks, conservatively: every line a block with
//! statements spans is measured, and it is covered only when every such block on it ran (a
//! line where an `if` ran but its body did not is not covered), which is also how codecov counts
//! Go lines. A profile has no functions or branches, and states no totals.
//!
//! Refused: a first line that is not `mode: set|count|atomic`, a second `mode:` that differs, a
//! block line that does not parse, a range that ends before it starts, a count gate cannot read
//! (a count above 1 in `set` mode included), one block listed with two statement counts, and a
//! profile whose blocks span more lines than [`line_budget`] allows for its size (a few bytes
//! claiming billions of lines).

use std::collections::BTreeMap;

use super::coverage::{count, count_words, first_line, hits, line_number, not_a};
use super::format::{text, Claim, Format, Probe};
use super::{Facts, Kind, Parsed};
use crate::input::coverage::{normalise_path, CoverageData, FileData, Hits, Item, Measured};
use crate::input::{Producer, Source};
use crate::source::xml::clip;
use crate::EvidenceError;

impl Kind {
    /// Go coverage profile.
    #[allow(non_upper_case_globals)]
    pub const GoCoverprofile: Kind = Kind("go-coverprofile");
}

/// Go coverprofile: the first line is `mode: set|count|atomic`.
pub(crate) struct GoCoverFormat;

impl Format for GoCoverFormat {
    fn kind(&self) -> Kind {
        Kind::GoCoverprofile
    }

    fn probe(&self, probe: &Probe<'_>) -> Claim {
        Claim::when(text(probe).is_some_and(looks_like))
    }

    fn read(&self, id: &str, text: &str) -> Result<Parsed, EvidenceError> {
        read(id, text)
    }
}

/// Whether the first non-blank line is a `mode:` line.
pub fn looks_like(text: &str) -> bool {
    first_line(text).is_some_and(|l| l.starts_with("mode:"))
}

/// The most lines a profile of `len` bytes may span in all: generous for real profiles (a
/// block line is some 40 bytes and spans a few lines; generated code has long blocks), and
/// bounded, so memory stays proportional to the input.
pub fn line_budget(len: usize) -> u64 {
    (len as u64).saturating_mul(64).max(1_000_000)
}

/// A block's place: start line and column, end line and column.
type Range = (u64, u64, u64, u64);

/// One block of a file, over every line that lists it.
#[derive(Debug)]
struct Block {
    statements: u64,
    /// Whether any listing ran it.
    ran: bool,
    /// The profile line that first lists it.
    first: usize,
}

/// One file's blocks.
#[derive(Debug)]
struct GoFile {
    line: usize,
    blocks: BTreeMap<Range, Block>,
}

/// One block line of a profile.
struct BlockLine<'t> {
    path: &'t str,
    range: Range,
    statements: u64,
    count: u64,
}

/// Read a Go coverage profile.
pub fn read(id: &str, text: &str) -> Result<Parsed, EvidenceError> {
    let mut mode: Option<(&str, usize)> = None;
    let mut order: Vec<String> = Vec::new();
    let mut files: BTreeMap<String, GoFile> = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(m) = line.strip_prefix("mode:") {
            let m = m.trim();
            if !matches!(m, "set" | "count" | "atomic") {
                return Err(EvidenceError::at(
                    format!(
                        "unknown coverage mode `{}` (Go writes set, count or atomic)",
                        clip(m, 40)
                    ),
                    n,
                    1,
                ));
            }
            match mode {
                Some((first, _)) if first != m => {
                    return Err(EvidenceError::at(
                        format!("a second `mode: {m}` in a `mode: {first}` profile: profiles of two modes cannot be added"),
                        n,
                        1,
                    ))
                }
                _ => mode = mode.or(Some((m, n))),
            }
            continue;
        }
        let Some((current, _)) = mode else {
            return Err(EvidenceError::at(
                "not a Go coverage profile: the first line must be `mode: set`, `count` or `atomic`",
                n,
                1,
            ));
        };
        let BlockLine {
            path,
            range: key,
            statements,
            count: count_value,
        } = block(line, n)?;
        if current == "set" && count_value > 1 {
            return Err(EvidenceError::at(
                format!("count {count_value} in a `mode: set` profile, where a block either ran (1) or not (0)"),
                n,
                1,
            ));
        }
        let path = normalise_path(path);
        if !files.contains_key(&path) {
            order.push(path.clone());
        }
        let file = files.entry(path.clone()).or_insert_with(|| GoFile {
            line: n,
            blocks: BTreeMap::new(),
        });
        match file.blocks.get_mut(&key) {
            Some(Block {
                statements: stmts,
                ran,
                first,
            }) => {
                if *stmts != statements {
                    return Err(EvidenceError::at(
                        format!(
                            "block {}.{},{}.{} of `{}` has {statements} statements here and {} on line {first}",
                            key.0, key.1, key.2, key.3, clip(&path, 80), *stmts
                        ),
                        n,
                        1,
                    ));
                }
                *ran |= count_value > 0;
            }
            None => {
                file.blocks.insert(
                    key,
                    Block {
                        statements,
                        ran: count_value > 0,
                        first: n,
                    },
                );
            }
        }
    }
    let Some((mode, mode_line)) = mode else {
        return Err(EvidenceError::new(
            "not a Go coverage profile: no `mode:` line",
        ));
    };
    let mut budget = line_budget(text.len());
    let mut data = CoverageData::new(
        id,
        Kind::GoCoverprofile.as_str(),
        "go",
        Source::line(id, mode_line, 1),
    );
    for path in order {
        let Some(file) = files.remove(&path) else {
            continue;
        };
        data.files.push(file_data(id, path, file, &mut budget)?);
    }
    Ok(Parsed {
        format_version: Some(mode.to_owned()),
        producer: Producer {
            name: "go".to_owned(),
            version: None,
        },
        facts: Facts {
            coverage: Some(data),
            ..Facts::default()
        },
        ..Parsed::default()
    })
}

/// `path:l1.c1,l2.c2 statements count` → its parts.
fn block(line: &str, n: usize) -> Result<BlockLine<'_>, EvidenceError> {
    let bad = || {
        EvidenceError::at(
            format!(
                "not a coverage block (`file.go:line.column,line.column statements count`): `{}`",
                clip(line, 80)
            ),
            n,
            1,
        )
    };
    let (rest, count_text) = line.rsplit_once(' ').ok_or_else(bad)?;
    let (place, statements_text) = rest.trim_end().rsplit_once(' ').ok_or_else(bad)?;
    let (path, range) = place.trim_end().rsplit_once(':').ok_or_else(bad)?;
    let (start, end) = range.split_once(',').ok_or_else(bad)?;
    let point = |p: &str| -> Option<(u64, u64)> {
        let (l, c) = p.split_once('.')?;
        Some((line_number(l)?, line_number(c)?))
    };
    let ((l1, c1), (l2, c2)) = (point(start).ok_or_else(bad)?, point(end).ok_or_else(bad)?);
    if path.trim().is_empty() {
        return Err(bad());
    }
    if (l2, c2) < (l1, c1) {
        return Err(EvidenceError::at(
            format!("block {l1}.{c1},{l2}.{c2} ends before it starts"),
            n,
            1,
        ));
    }
    let statements = count(statements_text)
        .ok_or_else(|| not_a("statements", statements_text, &count_words(), Some((n, 1))))?;
    let count_value = hits(count_text)
        .ok_or_else(|| not_a("count", count_text, "an execution count", Some((n, 1))))?;
    Ok(BlockLine {
        path,
        range: (l1, c1, l2, c2),
        statements,
        count: count_value,
    })
}

/// A file's statements (by block) and lines (derived from its blocks).
fn file_data(
    id: &str,
    path: String,
    file: GoFile,
    budget: &mut u64,
) -> Result<FileData, EvidenceError> {
    let mut statements = BTreeMap::new();
    let mut lines: BTreeMap<Item, Hits> = BTreeMap::new();
    for (&(l1, c1, l2, c2), block) in &file.blocks {
        let Block {
            statements: stmts,
            ran,
            first,
        } = *block;
        statements.insert(
            Item::Name(format!("{l1}.{c1},{l2}.{c2}")),
            Hits {
                total: stmts,
                covered: if ran { stmts } else { 0 },
            },
        );
        if stmts == 0 {
            continue;
        }
        let span = l2 - l1 + 1;
        *budget = budget.checked_sub(span).ok_or_else(|| {
            EvidenceError::at(
                format!(
                    "the profile's blocks span more lines than a profile of its size can (block \
                     {l1}.{c1},{l2}.{c2} of `{}`): refused to bound memory",
                    clip(&path, 80)
                ),
                first,
                1,
            )
        })?;
        for l in l1..=l2 {
            // Covered only when every block on the line ran.
            lines
                .entry(Item::Line(l))
                .and_modify(|h| h.covered = h.covered.min(u64::from(ran)))
                .or_insert(Hits::one(ran));
        }
    }
    let mut data = FileData::new(path, Source::line(id, file.line, 1));
    data.statements = Some(Measured::Items(statements));
    data.lines = Some(Measured::Items(lines));
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::coverage::{merge, Coverage, Figure};

    fn figures(text: &str) -> Coverage {
        merge(vec![read("c.out", text).unwrap().facts.coverage.unwrap()]).0
    }

    const PROFILE: &str = "mode: count
example.com/u/bytes.go:14.29,15.12 1 3
example.com/u/bytes.go:15.12,17.3 1 0
example.com/u/bytes.go:18.2,20.3 2 3
example.com/u/rate/rate.go:5.1,7.2 2 0
";

    #[test]
    fn statements_are_gos_and_lines_are_derived_conservatively() {
        let p = read("c.out", PROFILE).unwrap();
        assert_eq!(p.format_version.as_deref(), Some("count"));
        let d = p.facts.coverage.unwrap();
        assert_eq!(d.report.source, Source::line("c.out", 1, 1));
        assert_eq!(d.files[0].path, "example.com/u/bytes.go");
        assert_eq!(d.files[0].source, Source::line("c.out", 2, 1));
        assert_eq!(d.files[1].source, Source::line("c.out", 5, 1));
        let c = merge(vec![d]).0;
        assert_eq!(c.statements, Some(Figure::new(3, 6)));
        // bytes.go: 14 ran; 15 is shared by a block that ran and one that did not; 16, 17 did
        // not run; 18–20 ran. rate.go: 5–7 did not run.
        assert_eq!(c.files[0].lines, Some(Figure::new(4, 7)));
        assert_eq!(c.files[1].lines, Some(Figure::new(0, 3)));
        assert_eq!(c.functions, None);
        assert_eq!(c.branches, None);
    }

    #[test]
    fn coverpkg_listings_of_one_block_are_united() {
        let text = "mode: set\na.go:1.1,2.2 1 0\nb.go:1.1,1.9 1 1\na.go:1.1,2.2 1 1\n";
        let c = figures(text);
        assert_eq!(c.files.len(), 2);
        assert_eq!(c.statements, Some(Figure::new(2, 2)));
        let e = read("c.out", "mode: set\na.go:1.1,2.2 1 0\na.go:1.1,2.2 2 1\n").unwrap_err();
        assert!(
            e.message.contains("has 2 statements here and 1 on line 2"),
            "{e:?}"
        );
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn bad_profiles_are_refused_with_their_line() {
        for (text, needle, line) in [
            ("mode: sometimes\n", "unknown coverage mode `sometimes`", 1),
            ("mode: set\nmode: count\n", "a second `mode: count`", 2),
            ("a.go:1.1,2.2 1 1\n", "the first line must be `mode:", 1),
            (
                "mode: set\na.go:1.1,2.2 1 2\n",
                "count 2 in a `mode: set` profile",
                2,
            ),
            (
                "mode: count\na.go:1.1,2.2 1 -1\n",
                "count `-1` is not an execution count",
                2,
            ),
            (
                "mode: count\na.go:1.1,2.2 x 1\n",
                "statements `x` is not a count",
                2,
            ),
            (
                "mode: count\na.go:3.1,2.2 1 1\n",
                "block 3.1,2.2 ends before it starts",
                2,
            ),
            ("mode: count\na.go 1 1\n", "not a coverage block", 2),
            ("mode: count\n:1.1,2.2 1 1\n", "not a coverage block", 2),
            (
                "mode: count\na.go:1.1,4000000000.1 1 1\n",
                "span more lines than a profile of its size can",
                2,
            ),
        ] {
            let e = read("c.out", text).unwrap_err();
            assert!(e.message.contains(needle), "{text}: {}", e.message);
            assert_eq!(e.line, Some(line), "{text}");
        }
    }

    #[test]
    fn an_empty_profile_measures_nothing() {
        let c = figures("mode: atomic\n");
        assert_eq!(c.lines, None);
        assert!(c.files.is_empty());
        assert!(looks_like("mode: set\n"));
        assert!(!looks_like("TN:\n"));
    }
}
