//! What the five coverage readers (Cobertura, LCOV, JaCoCo, Go coverprofile, istanbul summary)
//! share: reading counts, rates and line numbers strictly, comparing a report's own totals with
//! what its entries show, and the evidence kind they cover. Not a format of its own; each
//! reader is in its own file, and the merge of reports is `input::coverage`'s.
//!
//! A count gate cannot read (negative, fractional, not a number, beyond [`MAX_COUNT`]) is bad
//! evidence, never zero; a covered number above its total is bad evidence; a total a report
//! states that its entries do not bear out is bad evidence. gate computes every figure from the
//! entries and believes no stated total, so a report whose totals are off has been edited or
//! cut, and gate refuses it rather than judge half of it.

use crate::input::coverage::Hits;
use crate::source::xml::{SafeReader, XmlEvent};
use crate::EvidenceError;

/// The largest count (of lines, branches, functions, statements) gate reads: far beyond any real
/// report, and small enough that sums of counts never overflow.
pub(crate) const MAX_COUNT: u64 = 1_000_000_000_000;

/// The largest line number gate reads.
pub(crate) const MAX_LINE: u64 = u32::MAX as u64;

/// How far a stated rate (0–1) may be from the one computed, for the rounding writers do
/// (coverage.py keeps 4 significant digits, istanbul truncates percentages to 2 decimals).
pub(crate) const RATE_TOLERANCE: f64 = 0.002;

/// A whole number written in decimal digits, with surrounding blanks: `3`, ` 12 `. Not `-1`,
/// `3.0`, `1e3` or `+3`.
fn digits(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A count: digits, at most [`MAX_COUNT`].
pub(crate) fn count(s: &str) -> Option<u64> {
    digits(s).filter(|&n| n <= MAX_COUNT)
}

/// An execution count (hits): digits, any size a `u64` holds. Only whether it is 0 matters.
pub(crate) fn hits(s: &str) -> Option<u64> {
    digits(s)
}

/// A line number: digits, at most [`MAX_LINE`].
pub(crate) fn line_number(s: &str) -> Option<u64> {
    digits(s).filter(|&n| n <= MAX_LINE)
}

/// A rate from 0 to 1 (`0.7895`, `1`).
pub(crate) fn rate(s: &str) -> Option<f64> {
    let r: f64 = s.trim().parse().ok()?;
    (r.is_finite() && (0.0..=1.0).contains(&r)).then_some(r)
}

/// Whether a stated rate agrees with `covered` of `total`, within [`RATE_TOLERANCE`]. A rate of
/// nothing (total 0) is whatever the writer chose (coverage.py writes 1, gcovr 0).
pub(crate) fn rate_agrees(stated: f64, covered: u64, total: u64) -> bool {
    total == 0 || (stated - covered as f64 / total as f64).abs() <= RATE_TOLERANCE
}

/// Covered of total, refused when covered is more than total.
pub(crate) fn hits_of(
    covered: u64,
    total: u64,
    what: impl FnOnce() -> String,
) -> Result<Hits, EvidenceError> {
    if covered > total {
        return Err(EvidenceError::new(format!(
            "{}: {covered} covered of {total} is more covered than there is",
            what()
        )));
    }
    Ok(Hits { total, covered })
}

/// The error for a value that should be a count (or a line number, a rate…).
pub(crate) fn not_a(
    what: &str,
    value: &str,
    expected: &str,
    at: Option<(usize, usize)>,
) -> EvidenceError {
    let message = format!(
        "{what} `{}` is not {expected}; an unreadable count is bad evidence, not zero",
        crate::source::xml::clip(value, 40)
    );
    match at {
        Some((line, column)) => EvidenceError::at(message, line, column),
        None => EvidenceError::new(message),
    }
}

/// The first line of a text format that is not blank, trimmed: what the LCOV and Go probes
/// look at.
pub(crate) fn first_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|l| !l.is_empty())
}

/// What [`count`] accepts, in words, for messages.
pub(crate) fn count_words() -> String {
    format!("a count (a whole number from 0 to {MAX_COUNT})")
}

/// The error for a report's own total that its entries do not bear out.
pub(crate) fn total_disagrees(
    what: &str,
    stated: &str,
    found: &str,
    at: Option<(usize, usize)>,
) -> EvidenceError {
    let message = format!(
        "{what} states {stated}, but its entries show {found}: a report whose totals disagree \
         with its entries has been edited or cut, and is not believed"
    );
    match at {
        Some((line, column)) => EvidenceError::at(message, line, column),
        None => EvidenceError::new(message),
    }
}

/// What an XML coverage reader does with the events of a [`SafeReader`], as [`walk_xml`]
/// hands them over with the local names of the open elements.
pub(crate) trait XmlVisitor {
    /// An element starts (the reader is on it); `open` holds its ancestors, outermost first.
    fn start(
        &mut self,
        reader: &mut SafeReader<'_>,
        local: &str,
        open: &[String],
    ) -> Result<(), EvidenceError>;

    /// An element ends; `open` holds its ancestors.
    fn end(&mut self, local: &str, open: &[String]) -> Result<(), EvidenceError>;

    /// A piece of text.
    fn text(&mut self, _text: &str) {}
}

/// Read a whole XML document into `visitor`, keeping the stack of open elements.
pub(crate) fn walk_xml(text: &str, visitor: &mut impl XmlVisitor) -> Result<(), EvidenceError> {
    let mut reader = SafeReader::new(text);
    let mut open: Vec<String> = Vec::new();
    loop {
        match reader.next_event()? {
            XmlEvent::Start(el) => {
                let local = el.local_name();
                visitor.start(&mut reader, local, &open)?;
                open.push(local.to_owned());
            }
            XmlEvent::End(local) => {
                open.pop();
                visitor.end(local, &open)?;
            }
            XmlEvent::Text(t) => visitor.text(&t),
            XmlEvent::Eof => return Ok(()),
        }
    }
}

/// Test helpers of the coverage readers.
#[cfg(test)]
pub(crate) mod testing {
    use crate::evidence::Parsed;
    use crate::EvidenceError;

    /// A reader's `read`.
    pub(crate) type Read = fn(&str, &str) -> Result<Parsed, EvidenceError>;

    /// For each `(from, to, needle)`: `doc` with `from` replaced by `to` (which must change it)
    /// is refused with a message that contains `needle` and has a line. The errors, in order.
    pub(crate) fn refused_each(
        read: Read,
        doc: &str,
        cases: &[(&str, &str, &str)],
    ) -> Vec<EvidenceError> {
        cases
            .iter()
            .map(|&(from, to, needle)| {
                let edited = doc.replacen(from, to, 1);
                assert_ne!(edited, doc, "`{from}` is not in the document");
                let e = match read("r", &edited) {
                    Ok(_) => panic!("{from} → {to}: read, not refused"),
                    Err(e) => e,
                };
                assert!(e.message.contains(needle), "{from} → {to}: {}", e.message);
                assert!(e.line.is_some(), "{from} → {to}: no line: {e:?}");
                e
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_digits_only() {
        assert_eq!(count("3"), Some(3));
        assert_eq!(count(" 12 "), Some(12));
        for bad in ["-1", "3.0", "1e3", "+3", "", "x", "99999999999999999999999"] {
            assert_eq!(count(bad), None, "{bad}");
        }
        assert_eq!(count(&MAX_COUNT.to_string()), Some(MAX_COUNT));
        assert_eq!(count(&(MAX_COUNT + 1).to_string()), None);
        assert_eq!(hits("18446744073709551615"), Some(u64::MAX));
        assert_eq!(hits("18446744073709551616"), None);
        assert_eq!(line_number("4294967296"), None);
    }

    #[test]
    fn rates_and_their_rounding() {
        assert_eq!(rate("0.7895"), Some(0.7895));
        assert_eq!(rate("1"), Some(1.0));
        for bad in ["1.5", "-0.1", "NaN", "inf", "x"] {
            assert_eq!(rate(bad), None, "{bad}");
        }
        assert!(rate_agrees(0.7895, 30, 38));
        assert!(rate_agrees(0.606, 20, 33));
        assert!(!rate_agrees(0.9, 30, 38));
        assert!(rate_agrees(0.0, 0, 0));
        assert!(hits_of(3, 2, || "x".into()).is_err());
        assert_eq!(
            hits_of(2, 3, || "x".into()).unwrap(),
            Hits {
                total: 3,
                covered: 2
            }
        );
    }
}
