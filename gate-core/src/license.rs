//! License normalisation: a component's licenses, as an SBOM writes them, into one SPDX
//! expression, the SPDX ids it uses, and the names that are no SPDX expression at all.
//!
//! Each entry is read with the `spdx` crate: first canonicalised (lower-case operators, `/` for
//! `OR`, `GPL-2.0+`, and the crate's list of imprecise names such as `apache 2.0` or `MIT
//! License`), then parsed strictly; an entry that still does not parse is kept verbatim as
//! unknown. Nothing here guesses beyond that list. The valid entries are joined with `AND`
//! (an SBOM that lists two licenses for a component declares both), each in parentheses when it
//! is a compound expression. SBOM values that mean "nothing stated" (`NOASSERTION`, `NONE`) are
//! not licenses and are left out.

use std::collections::BTreeSet;

/// A component's licenses, normalised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Licenses {
    /// The SPDX expression of every valid entry, joined with `AND`; `None` when there is none.
    pub expression: Option<String>,
    /// Every license id (and `LicenseRef-…`) the expression names, sorted, unique.
    pub ids: Vec<String>,
    /// Entries that are no SPDX expression, verbatim.
    pub unknown: Vec<String>,
}

/// Values SBOMs write for "no license stated"; not licenses.
pub fn is_no_assertion(s: &str) -> bool {
    let s = s.trim();
    s.eq_ignore_ascii_case("NOASSERTION") || s.eq_ignore_ascii_case("NONE") || s.is_empty()
}

/// One expression, canonicalised and parsed; `None` when it is not an SPDX expression.
pub fn parse(text: &str) -> Option<spdx::Expression> {
    let text = text.trim();
    let canonical = match spdx::Expression::canonicalize(text) {
        Ok(Some(c)) => c,
        Ok(None) => text.to_owned(),
        Err(_) => return spdx::Expression::parse_mode(text, spdx::ParseMode::LAX).ok(),
    };
    spdx::Expression::parse(&canonical)
        .or_else(|_| spdx::Expression::parse_mode(&canonical, spdx::ParseMode::LAX))
        .ok()
}

/// The normalised text of a parsed expression: its licenses as the SPDX list spells them,
/// operators upper-case, single spaces.
fn render(expr: &spdx::Expression) -> String {
    use spdx::expression::{ExprNode, Operator};
    // The expression is stored in postfix order; rebuild infix text with parentheses where an
    // `OR` sits under an `AND`.
    let mut stack: Vec<(String, Option<Operator>)> = Vec::new();
    for node in expr.iter() {
        match node {
            ExprNode::Req(req) => stack.push((req.req.to_string(), None)),
            ExprNode::Op(op) => {
                let (Some(right), Some(left)) = (stack.pop(), stack.pop()) else {
                    return expr.as_ref().to_owned();
                };
                let wrap = |(text, inner): (String, Option<Operator>)| {
                    if *op == Operator::And && inner == Some(Operator::Or) {
                        format!("({text})")
                    } else {
                        text
                    }
                };
                let word = match op {
                    Operator::And => "AND",
                    Operator::Or => "OR",
                };
                let text = format!("{} {word} {}", wrap(left), wrap(right));
                stack.push((text, Some(*op)));
            }
        }
    }
    match (stack.pop(), stack.is_empty()) {
        (Some((text, _)), true) => text,
        _ => expr.as_ref().to_owned(),
    }
}

/// The ids an expression names.
fn ids_of(expr: &spdx::Expression, into: &mut BTreeSet<String>) {
    for req in expr.requirements() {
        into.insert(match &req.req.license {
            spdx::LicenseItem::Spdx { id, .. } => id.name.to_owned(),
            other => other.to_string(),
        });
    }
}

/// Normalise a component's license entries (ids, names or expressions, as written).
pub fn normalise(entries: &[String]) -> Licenses {
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut ids = BTreeSet::new();
    let mut unknown = Vec::new();
    for entry in entries {
        if is_no_assertion(entry) {
            continue;
        }
        match parse(entry) {
            Some(expr) => {
                ids_of(&expr, &mut ids);
                let compound = expr
                    .iter()
                    .any(|n| matches!(n, spdx::expression::ExprNode::Op(_)));
                let text = render(&expr);
                if !parts.iter().any(|(t, _)| *t == text) {
                    parts.push((text, compound));
                }
            }
            None => {
                if !unknown.contains(entry) {
                    unknown.push(entry.clone());
                }
            }
        }
    }
    let expression = match parts.len() {
        0 => None,
        1 => parts.pop().map(|(t, _)| t),
        _ => Some(
            parts
                .iter()
                .map(|(t, compound)| {
                    if *compound {
                        format!("({t})")
                    } else {
                        t.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" AND "),
        ),
    };
    Licenses {
        expression,
        ids: ids.into_iter().collect(),
        unknown,
    }
}

/// [`normalise`] with a cache: components of one SBOM share few distinct license lists.
#[derive(Debug, Default)]
pub struct Normaliser {
    cache: std::collections::HashMap<Vec<String>, Licenses>,
}

impl Normaliser {
    /// Fill a component's `license_expression`, `license_ids` and `license_unknown`.
    pub fn fill(&mut self, c: &mut crate::input::Component) {
        if c.licenses.is_empty() {
            return;
        }
        if !self.cache.contains_key(&c.licenses) {
            self.cache
                .insert(c.licenses.clone(), normalise(&c.licenses));
        }
        let Some(l) = self.cache.get(&c.licenses) else {
            return;
        };
        c.license_expression.clone_from(&l.expression);
        c.license_ids.clone_from(&l.ids);
        c.license_unknown.clone_from(&l.unknown);
    }
}

/// Why [`satisfies`] or [`ids`] could not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSpdx(pub String);

/// The license ids an expression names, normalised as for components (`GPL-3.0` →
/// `GPL-3.0-only`), sorted, unique.
pub fn ids(expression: &str) -> Result<Vec<String>, NotSpdx> {
    let expr = parse(expression).ok_or_else(|| NotSpdx(expression.to_owned()))?;
    let mut out = BTreeSet::new();
    ids_of(&expr, &mut out);
    Ok(out.into_iter().collect())
}

/// Whether the expression can be satisfied using only the allowed licenses (`OR` needs one
/// side, `AND` both). Each allowed entry is one license, read like an expression (`GPL-3.0` is
/// `GPL-3.0-only`). An allowed license without an exception also allows it `WITH` any exception
/// (an exception only adds permissions); an allowed `X WITH E` allows exactly that.
pub fn satisfies(expression: &str, allowed: &[String]) -> Result<bool, NotSpdx> {
    let expr = parse(expression).ok_or_else(|| NotSpdx(expression.to_owned()))?;
    let mut reqs: Vec<spdx::LicenseReq> = Vec::with_capacity(allowed.len());
    for a in allowed {
        let parsed = parse(a).ok_or_else(|| NotSpdx(a.clone()))?;
        let mut it = parsed.requirements();
        match (it.next(), it.next()) {
            (Some(only), None) => reqs.push(only.req.clone()),
            _ => return Err(NotSpdx(a.clone())),
        }
    }
    Ok(expr.evaluate(|req| {
        reqs.iter().any(|a| {
            a.license == req.license && (a.addition.is_none() || a.addition == req.addition)
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(entries: &[&str]) -> Licenses {
        normalise(&entries.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn spdx_ids_and_expressions() {
        let l = n(&["MIT"]);
        assert_eq!(l.expression.as_deref(), Some("MIT"));
        assert_eq!(l.ids, ["MIT"]);
        assert!(l.unknown.is_empty());

        let l = n(&[
            "Apache-2.0",
            "EPL-2.0 OR GPL-2.0 WITH Classpath-exception-2.0",
        ]);
        assert_eq!(
            l.expression.as_deref(),
            Some("Apache-2.0 AND (EPL-2.0 OR GPL-2.0-only WITH Classpath-exception-2.0)")
        );
        assert_eq!(l.ids, ["Apache-2.0", "EPL-2.0", "GPL-2.0-only"]);
    }

    #[test]
    fn common_variants_are_canonicalised() {
        assert_eq!(
            n(&["MIT or Apache-2.0"]).expression.as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(n(&["Apache 2.0"]).expression.as_deref(), Some("Apache-2.0"));
        assert_eq!(n(&["GPLv2"]).expression.as_deref(), Some("GPL-2.0-only"));
        assert_eq!(
            n(&["MIT/Apache-2.0"]).expression.as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(
            n(&["GPL-3.0+"]).expression.as_deref(),
            Some("GPL-3.0-or-later")
        );
        assert_eq!(n(&["apache2"]).expression.as_deref(), Some("Apache-2.0"));
        assert_eq!(n(&["LicenseRef-mine"]).ids, ["LicenseRef-mine"]);
    }

    #[test]
    fn names_that_are_no_expression_are_kept_verbatim() {
        let l = n(&[
            "My Own License",
            "MIT",
            "NOASSERTION",
            "NONE",
            "My Own License",
        ]);
        assert_eq!(l.expression.as_deref(), Some("MIT"));
        assert_eq!(l.unknown, ["My Own License"]);
        let l = n(&["NOASSERTION"]);
        assert_eq!(l, Licenses::default());
    }

    #[test]
    fn normaliser_fills_components() {
        let mut c = crate::input::Component {
            name: Some("x".into()),
            version: None,
            group: None,
            purl: None,
            kind: None,
            licenses: vec![
                "Apache 2.0".into(),
                "License :: OSI Approved :: BSD License".into(),
            ],
            hashes: Default::default(),
            supplier: None,
            bom_ref: None,
            direct: None,
            license_expression: None,
            license_ids: vec![],
            license_unknown: vec![],
            source: crate::input::Source::pointer("b.json", "/components/0".into()),
            subject: String::new(),
        };
        let mut norm = Normaliser::default();
        let mut d = c.clone();
        norm.fill(&mut c);
        norm.fill(&mut d);
        assert_eq!(c.license_expression.as_deref(), Some("Apache-2.0"));
        assert_eq!(c.license_ids, ["Apache-2.0"]);
        assert_eq!(
            c.license_unknown,
            ["License :: OSI Approved :: BSD License"]
        );
        assert_eq!(c, d, "the cached result is the same");
    }

    #[test]
    fn satisfies_uses_only_the_allowed_licenses() {
        let allow = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(satisfies("MIT OR GPL-3.0-only", &allow(&["MIT"])), Ok(true));
        assert_eq!(
            satisfies("MIT AND GPL-3.0-only", &allow(&["MIT"])),
            Ok(false)
        );
        assert_eq!(
            satisfies("GPL-3.0-only", &allow(&["MIT", "Apache-2.0"])),
            Ok(false)
        );
        assert_eq!(
            satisfies(
                "Apache-2.0 AND (MIT OR GPL-2.0-only)",
                &allow(&["Apache-2.0", "MIT"])
            ),
            Ok(true)
        );
        // Deprecated ids are read as today's.
        assert_eq!(satisfies("GPL-3.0-only", &allow(&["GPL-3.0"])), Ok(true));
        // An exception only adds permissions.
        let cp = "GPL-2.0-only WITH Classpath-exception-2.0";
        assert_eq!(satisfies(cp, &allow(&["GPL-2.0-only"])), Ok(true));
        assert_eq!(satisfies(cp, &allow(&[cp])), Ok(true));
        assert_eq!(
            satisfies("GPL-2.0-only", &allow(&[cp])),
            Ok(false),
            "allowing it with an exception does not allow it without"
        );
        assert_eq!(
            satisfies("MIT", &allow(&["MIT OR Apache-2.0"])),
            Err(NotSpdx("MIT OR Apache-2.0".into()))
        );
        assert_eq!(
            satisfies("MIT", &allow(&["not a license"])),
            Err(NotSpdx("not a license".into()))
        );
        assert_eq!(
            ids("GPL-3.0 OR MIT"),
            Ok(vec!["GPL-3.0-only".to_owned(), "MIT".to_owned()])
        );
        assert!(ids("((").is_err());
        assert_eq!(satisfies("MIT", &allow(&[])), Ok(false));
        assert!(satisfies("not a license (", &allow(&["MIT"])).is_err());
    }
}
