//! Static checks over the parsed policies, run before anything is evaluated: what regorus would
//! only find (or never find) while evaluating, gate refuses as a compile error with file, line
//! and column.
//!
//! - **Recursion.** A rule or function that depends on itself, directly or through others, in
//!   any package (OPA's `rego_recursion_error`). regorus would recurse until the stack overflows.
//! - **Non-hermetic builtins.** `http.send`, `net.lookup_ip_addr`, `uuid.rfc4122`, `rand.intn`:
//!   gate evaluates without network and gives byte-identical reports for the same inputs.
//! - **Undefined functions.** A call to a function that is neither a builtin, one of gate's, nor
//!   defined by the policies (OPA's "undefined function"); regorus would only notice if the call
//!   were reached.
//! - **`deny`/`warn`/`violation` declared as functions.** gate evaluates those names as rules
//!   (sets or complete values); a function by that name would never deny.
//!
//! The dependency graph is built as OPA builds it: a reference with a static prefix depends on
//! every rule under or above that prefix, so a dynamic reference (`data[x]`, `data.p[x]`)
//! depends on every rule it could reach, itself included. Not seen: a dependency made only at
//! run time, e.g. a rule reached through a value built from strings (`object.get(data, …)`);
//! evaluation stays bounded by the time and memory limits for those (see docs/policy-authoring.md).

use std::collections::{BTreeMap, BTreeSet};

use regorus::unstable::{Expr, Literal, Module, Query, Ref, Rule, RuleHead, Span};

use super::PolicyFile;
use crate::Error;

/// Builtins gate refuses: they reach the network or give another answer on every run.
const REFUSED: &[(&str, &str)] = &[
    ("http.send", "it reaches the network"),
    ("net.lookup_ip_addr", "it reaches the network"),
    ("uuid.rfc4122", "it returns a new random UUID on every run"),
    ("rand.intn", "it returns a new random number on every run"),
];

/// The names of the rules gate evaluates.
const RESULT_RULES: &[&str] = &["deny", "violation", "warn"];

/// Check the parsed `modules`; `known` are the functions registered besides regorus' builtins.
pub(crate) fn check(
    modules: &[Ref<Module>],
    files: &[PolicyFile],
    known: &[&str],
) -> Result<(), Error> {
    let graph = Graph::build(modules);
    let mut problems: Vec<Problem> = graph.problems.clone();
    for (name, span) in &graph.calls {
        if let Some((_, why)) = REFUSED.iter().find(|(n, _)| n == name) {
            problems.push(Problem::at(
                span,
                format!(
                    "`{name}` is not available: {why}, and gate evaluates policies hermetically \
                     (no network, the same report for the same inputs and --now)"
                ),
            ));
        } else if !(name == "print"
            || known.contains(&name.as_str())
            || regorus::unstable::BUILTINS.contains_key(name.as_str()))
        {
            problems.push(Problem::at(
                span,
                format!(
                    "undefined function `{name}`: no builtin, gate builtin or policy defines it"
                ),
            ));
        }
    }
    if let Some(p) = graph.recursion() {
        problems.push(p);
    }
    // The first problem in file and line order, so the message does not depend on map order.
    problems.sort();
    match problems.into_iter().next() {
        Some(p) => Err(super::compile_error::compile_error(files, p.rendered)),
        None => Ok(()),
    }
}

/// A problem at a place in a policy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Problem {
    file: String,
    line: u32,
    col: u32,
    message: String,
    /// The message as regorus renders its own (`--> file:line:col`, the line, a caret).
    rendered: String,
}

impl Problem {
    fn at(span: &Span, message: String) -> Self {
        Self {
            file: span.source.file().clone(),
            line: span.line,
            col: span.col,
            rendered: format!("{:#}", span.error(&message)),
            message,
        }
    }
}

/// A rule or function: every definition sharing one path is one node.
#[derive(Debug)]
struct Node {
    path: Vec<String>,
}

/// Rules, the references between them, and the calls that are not to rules.
#[derive(Debug, Default)]
struct Graph {
    nodes: Vec<Node>,
    /// Path (`data.p.f`) to node index.
    index: BTreeMap<String, usize>,
    /// Per node: the nodes it references, each with the span of the first reference.
    edges: Vec<BTreeMap<usize, Span>>,
    /// Calls to functions no policy defines (builtins or undefined), by name.
    calls: Vec<(String, Span)>,
    problems: Vec<Problem>,
}

/// What a module's names resolve against.
struct Scope<'a> {
    package: Vec<String>,
    /// Import alias → absolute path (`lib` → `data.lib`).
    imports: BTreeMap<String, Vec<String>>,
    /// Variables the rule being walked declares (`:=`, `some`, `every`, arguments).
    locals: BTreeSet<String>,
    /// The rule being walked.
    from: usize,
    graph: &'a mut Graph,
}

impl Graph {
    fn build(modules: &[Ref<Module>]) -> Self {
        let mut g = Self::default();
        // Nodes first, so references resolve whatever the module order.
        let mut rules = Vec::new();
        for module in modules {
            let Some(package) = static_path(&module.package.refr) else {
                continue;
            };
            let mut abs = vec!["data".to_owned()];
            abs.extend(package.iter().cloned());
            for rule in &module.policy {
                let (refr, is_func) = match rule.as_ref() {
                    Rule::Spec { head, .. } => match head {
                        RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => (refr, false),
                        RuleHead::Func { refr, .. } => (refr, true),
                    },
                    Rule::Default { refr, args, .. } => (refr, !args.is_empty()),
                };
                let rel = static_prefix(refr);
                if is_func && rel.len() == 1 {
                    if let Some(name) = rel.first().filter(|n| RESULT_RULES.contains(&n.as_str())) {
                        g.problems.push(Problem::at(
                            refr.span(),
                            format!(
                                "`{name}` is declared as a function: gate evaluates `{name}` as a \
                                 rule, so this would never report anything; write \
                                 `{name} contains msg if {{ … }}`"
                            ),
                        ));
                    }
                }
                let mut path = abs.clone();
                path.extend(rel);
                let key = path.join(".");
                let n = match g.index.get(&key) {
                    Some(&n) => n,
                    None => {
                        g.nodes.push(Node { path });
                        g.edges.push(BTreeMap::new());
                        g.index.insert(key, g.nodes.len() - 1);
                        g.nodes.len() - 1
                    }
                };
                rules.push((module, rule, package.clone(), n));
            }
        }
        for (module, rule, package, n) in rules {
            let imports = imports(module);
            let mut scope = Scope {
                package,
                imports,
                locals: BTreeSet::new(),
                from: n,
                graph: &mut g,
            };
            scope.rule(rule);
        }
        g
    }

    /// Nodes whose path is under `prefix` or above it (`data.p` reaches every rule of `p`;
    /// `data.p.r.x` reaches `data.p.r`).
    fn reached(&self, prefix: &[String]) -> Vec<usize> {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.path.starts_with(prefix) || prefix.starts_with(&node.path))
            .map(|(i, _)| i)
            .collect()
    }

    /// The first cycle in the graph, as a problem at the reference that starts it.
    fn recursion(&self) -> Option<Problem> {
        let mut cycles: Vec<Vec<usize>> = Vec::new();
        for scc in self.strongly_connected() {
            let Some(&first) = scc.iter().min() else {
                continue;
            };
            let looped = scc.len() > 1
                || self
                    .edges
                    .get(first)
                    .is_some_and(|e| e.contains_key(&first));
            if looped {
                if let Some(cycle) = self.cycle_from(first, &scc) {
                    cycles.push(cycle);
                }
            }
        }
        let mut problems: Vec<Problem> = cycles
            .into_iter()
            .filter_map(|cycle| {
                let from = *cycle.first()?;
                let to = *cycle.get(1)?;
                let span = self.edges.get(from)?.get(&to)?;
                let names: Vec<String> = cycle
                    .iter()
                    .filter_map(|&i| self.nodes.get(i).map(|n| n.path.join(".")))
                    .collect();
                let head = names.first().cloned().unwrap_or_default();
                Some(Problem::at(
                    span,
                    format!(
                        "recursion: `{head}` depends on itself ({}); Rego rules and functions \
                         must not be recursive (a dynamic reference such as `data[x]` depends on \
                         every rule it could reach)",
                        names.join(" -> ")
                    ),
                ))
            })
            .collect();
        problems.sort();
        problems.into_iter().next()
    }

    /// A path `start -> … -> start` inside `scc` (breadth first, so the shortest).
    fn cycle_from(&self, start: usize, scc: &BTreeSet<usize>) -> Option<Vec<usize>> {
        let mut parent: BTreeMap<usize, usize> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            for &m in self.edges.get(n)?.keys() {
                if !scc.contains(&m) {
                    continue;
                }
                if m == start {
                    // Back from `n` to `start`, then reversed: start, …, n, start.
                    let mut path = vec![n];
                    let mut at = n;
                    while at != start {
                        at = *parent.get(&at)?;
                        path.push(at);
                    }
                    path.reverse();
                    path.push(start);
                    return Some(path);
                }
                if let std::collections::btree_map::Entry::Vacant(e) = parent.entry(m) {
                    e.insert(n);
                    queue.push_back(m);
                }
            }
        }
        None
    }

    /// Tarjan's strongly connected components, iteratively (the graph may be deep).
    fn strongly_connected(&self) -> Vec<BTreeSet<usize>> {
        let n = self.nodes.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut out = Vec::new();
        let mut next = 0;
        for root in 0..n {
            if index.get(root) != Some(&usize::MAX) {
                continue;
            }
            // (node, its successors, position in them)
            let mut work: Vec<(usize, Vec<usize>, usize)> = Vec::new();
            let succ = |v: usize| -> Vec<usize> {
                self.edges
                    .get(v)
                    .map(|e| e.keys().copied().collect())
                    .unwrap_or_default()
            };
            let visit = |v: usize,
                         index: &mut Vec<usize>,
                         low: &mut Vec<usize>,
                         on_stack: &mut Vec<bool>,
                         stack: &mut Vec<usize>,
                         next: &mut usize| {
                if let Some(i) = index.get_mut(v) {
                    *i = *next;
                }
                if let Some(l) = low.get_mut(v) {
                    *l = *next;
                }
                *next += 1;
                stack.push(v);
                if let Some(o) = on_stack.get_mut(v) {
                    *o = true;
                }
            };
            visit(
                root,
                &mut index,
                &mut low,
                &mut on_stack,
                &mut stack,
                &mut next,
            );
            work.push((root, succ(root), 0));
            while let Some((v, succs, pos)) = work.last_mut() {
                let v = *v;
                if let Some(&w) = succs.get(*pos) {
                    *pos += 1;
                    if index.get(w) == Some(&usize::MAX) {
                        visit(
                            w,
                            &mut index,
                            &mut low,
                            &mut on_stack,
                            &mut stack,
                            &mut next,
                        );
                        work.push((w, succ(w), 0));
                    } else if on_stack.get(w) == Some(&true) {
                        let iw = index.get(w).copied().unwrap_or(usize::MAX);
                        if let Some(l) = low.get_mut(v) {
                            *l = (*l).min(iw);
                        }
                    }
                    continue;
                }
                work.pop();
                let lv = low.get(v).copied().unwrap_or(0);
                if let Some((parent, _, _)) = work.last() {
                    if let Some(l) = low.get_mut(*parent) {
                        *l = (*l).min(lv);
                    }
                }
                if index.get(v) == Some(&lv) {
                    let mut scc = BTreeSet::new();
                    while let Some(w) = stack.pop() {
                        if let Some(o) = on_stack.get_mut(w) {
                            *o = false;
                        }
                        scc.insert(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(scc);
                }
            }
        }
        out
    }
}

impl Scope<'_> {
    fn rule(&mut self, rule: &Rule) {
        self.locals.clear();
        match rule {
            Rule::Spec { head, bodies, .. } => {
                if let RuleHead::Func { args, .. } = head {
                    for a in args {
                        vars_in(a, &mut self.locals);
                    }
                }
                let refr = match head {
                    RuleHead::Compr { refr, .. }
                    | RuleHead::Set { refr, .. }
                    | RuleHead::Func { refr, .. } => refr,
                };
                // Variables in a reference head (`p[x] := …`) are bound by the body.
                for d in split_reference(refr).1 {
                    vars_in(d, &mut self.locals);
                }
                for b in bodies {
                    declared_in_query(&b.query, &mut self.locals);
                }
                match head {
                    RuleHead::Compr { assign, .. } | RuleHead::Func { assign, .. } => {
                        if let Some(a) = assign {
                            self.expr(&a.value);
                        }
                    }
                    RuleHead::Set { key, .. } => {
                        if let Some(k) = key {
                            self.expr(k);
                        }
                    }
                }
                for b in bodies {
                    if let Some(a) = &b.assign {
                        self.expr(&a.value);
                    }
                    self.query(&b.query);
                }
            }
            Rule::Default { value, args, .. } => {
                for a in args {
                    vars_in(a, &mut self.locals);
                }
                self.expr(value);
            }
        }
    }

    fn query(&mut self, q: &Query) {
        for stmt in &q.stmts {
            match &stmt.literal {
                Literal::SomeVars { .. } => {}
                Literal::SomeIn {
                    key,
                    value,
                    collection,
                    ..
                } => self.membership(key.as_ref(), value, collection),
                Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => self.expr(expr),
                Literal::Every { domain, query, .. } => {
                    self.expr(domain);
                    self.query(query);
                }
            }
            // `with x as v`: the target is replaced, not read; the value is read.
            for w in &stmt.with_mods {
                self.expr(&w.r#as);
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::String { .. }
            | Expr::RawString { .. }
            | Expr::Number { .. }
            | Expr::Bool { .. }
            | Expr::Null { .. } => {}
            Expr::Var { .. } | Expr::RefDot { .. } | Expr::RefBrack { .. } => self.reference(e),
            Expr::Array { items, .. } | Expr::Set { items, .. } => {
                for i in items {
                    self.expr(i);
                }
            }
            Expr::Object { fields, .. } => {
                for (_, k, v) in fields {
                    self.expr(k);
                    self.expr(v);
                }
            }
            Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
                self.expr(term);
                self.query(query);
            }
            Expr::ObjectCompr {
                key, value, query, ..
            } => {
                self.expr(key);
                self.expr(value);
                self.query(query);
            }
            Expr::Call { fcn, params, .. } => {
                self.call(fcn);
                for p in params {
                    self.expr(p);
                }
            }
            Expr::UnaryExpr { expr, .. } => self.expr(expr),
            Expr::BinExpr { lhs, rhs, .. }
            | Expr::BoolExpr { lhs, rhs, .. }
            | Expr::ArithExpr { lhs, rhs, .. }
            | Expr::AssignExpr { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            Expr::Membership {
                key,
                value,
                collection,
                ..
            } => self.membership(key.as_ref(), value, collection),
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }

    /// `key, value in collection` (a `some … in` or a membership test).
    fn membership(&mut self, key: Option<&Ref<Expr>>, value: &Expr, collection: &Expr) {
        if let Some(k) = key {
            self.expr(k);
        }
        self.expr(value);
        self.expr(collection);
    }

    /// The absolute path a reference's static part names, when it names something under `data`.
    fn absolute(&self, segments: &[String]) -> Option<Vec<String>> {
        let (first, rest) = segments.split_first()?;
        if self.locals.contains(first) {
            return None;
        }
        if first == "data" {
            return Some(segments.to_vec());
        }
        if let Some(target) = self.imports.get(first) {
            if target.first().is_some_and(|t| t == "data") {
                let mut abs = target.clone();
                abs.extend(rest.iter().cloned());
                return Some(abs);
            }
            return None;
        }
        let mut abs = vec!["data".to_owned()];
        abs.extend(self.package.iter().cloned());
        abs.push(first.clone());
        // A bare name is a rule of this package only if one is declared there.
        if self.graph.reached(&abs).is_empty() {
            return None;
        }
        abs.extend(rest.iter().cloned());
        Some(abs)
    }

    fn reference(&mut self, e: &Expr) {
        let (segments, dynamic) = split_reference(e);
        for d in dynamic {
            self.expr(d);
        }
        if let Some(abs) = self.absolute(&segments) {
            let span = e.span().clone();
            for to in self.graph.reached(&abs) {
                if let Some(edges) = self.graph.edges.get_mut(self.from) {
                    edges.entry(to).or_insert_with(|| span.clone());
                }
            }
        }
    }

    fn call(&mut self, fcn: &Expr) {
        let Some(segments) = static_path(fcn) else {
            // A call through a dynamic reference: read it as a reference.
            self.reference(fcn);
            return;
        };
        match self.absolute(&segments) {
            Some(abs) => {
                let reached = self.graph.reached(&abs);
                if reached.is_empty() {
                    self.graph.calls.push((abs.join("."), fcn.span().clone()));
                }
                let span = fcn.span().clone();
                for to in reached {
                    if let Some(edges) = self.graph.edges.get_mut(self.from) {
                        edges.entry(to).or_insert_with(|| span.clone());
                    }
                }
            }
            None => self
                .graph
                .calls
                .push((segments.join("."), fcn.span().clone())),
        }
    }
}

/// The static segments of a reference (up to its first dynamic index) and the dynamic index
/// expressions, which are references of their own.
fn split_reference(e: &Expr) -> (Vec<String>, Vec<&Expr>) {
    let mut chain = Vec::new();
    let mut at = e;
    loop {
        match at {
            Expr::RefDot { refr, field, .. } => {
                chain.push(Some(field.0.text().to_owned()));
                at = refr;
            }
            Expr::RefBrack { refr, index, .. } => {
                match index.as_ref() {
                    Expr::String { value, .. } => {
                        chain.push(value.as_string().ok().map(|s| s.to_string()));
                    }
                    _ => chain.push(None),
                }
                at = refr;
            }
            _ => break,
        }
    }
    let mut dynamic = Vec::new();
    let mut cur = e;
    while let Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } = cur {
        if let Expr::RefBrack { index, .. } = cur {
            if !matches!(index.as_ref(), Expr::String { .. }) {
                dynamic.push(index.as_ref());
            }
        }
        cur = refr;
    }
    let mut segments = Vec::new();
    match at {
        Expr::Var { span, .. } => segments.push(span.text().to_owned()),
        other => {
            // Not a name: a call result, a literal, a comprehension… walked as an expression.
            dynamic.push(other);
            return (Vec::new(), dynamic);
        }
    }
    for s in chain.into_iter().rev() {
        match s {
            Some(s) => segments.push(s),
            None => break,
        }
    }
    (segments, dynamic)
}

/// `a.b["c"]` as `["a", "b", "c"]`; `None` when any part is dynamic.
fn static_path(e: &Expr) -> Option<Vec<String>> {
    let (segments, dynamic) = split_reference(e);
    (dynamic.is_empty() && !segments.is_empty()).then_some(segments)
}

/// The static part of a rule head's reference (`p.q[x]` → `["p", "q"]`).
fn static_prefix(e: &Expr) -> Vec<String> {
    split_reference(e).0
}

/// Import alias → absolute path.
fn imports(module: &Module) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for i in &module.imports {
        let Some(path) = static_path(&i.refr) else {
            continue;
        };
        let alias = match &i.r#as {
            Some(a) => a.text().to_owned(),
            None => match path.last() {
                Some(l) => l.clone(),
                None => continue,
            },
        };
        out.insert(alias, path);
    }
    out
}

/// Every variable name in `e` (a pattern: arguments, `:=` targets).
fn vars_in(e: &Expr, out: &mut BTreeSet<String>) {
    match e {
        Expr::Var { span, .. } => {
            out.insert(span.text().to_owned());
        }
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            for i in items {
                vars_in(i, out);
            }
        }
        Expr::Object { fields, .. } => {
            for (_, _, v) in fields {
                vars_in(v, out);
            }
        }
        Expr::RefBrack { index, .. } => vars_in(index, out),
        _ => {}
    }
}

/// Variables a query declares (`:=`, `some`, `some … in`, `every`), nested queries included.
fn declared_in_query(q: &Query, out: &mut BTreeSet<String>) {
    for stmt in &q.stmts {
        match &stmt.literal {
            Literal::SomeVars { vars, .. } => {
                for v in vars {
                    out.insert(v.text().to_owned());
                }
            }
            Literal::SomeIn { key, value, .. } => {
                if let Some(k) = key {
                    vars_in(k, out);
                }
                vars_in(value, out);
            }
            Literal::Every {
                key, value, query, ..
            } => {
                if let Some(k) = key {
                    out.insert(k.text().to_owned());
                }
                out.insert(value.text().to_owned());
                declared_in_query(query, out);
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
                declared_in_expr(expr, out);
            }
        }
    }
}

fn declared_in_expr(e: &Expr, out: &mut BTreeSet<String>) {
    match e {
        Expr::AssignExpr {
            op: regorus::unstable::AssignOp::ColEq,
            lhs,
            rhs,
            ..
        } => {
            vars_in(lhs, out);
            declared_in_expr(rhs, out);
        }
        Expr::ArrayCompr { query, .. }
        | Expr::SetCompr { query, .. }
        | Expr::ObjectCompr { query, .. } => declared_in_query(query, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::{EngineOptions, PolicyEngine, PolicySet, DEFAULT_MAX_MEMORY};
    use super::*;

    fn compile(files: &[(&str, &str)]) -> Result<PolicyEngine, Error> {
        let set = PolicySet::from_texts(files);
        let opts = EngineOptions {
            now_ns: 0,
            timeout: std::time::Duration::from_secs(10),
            max_memory: DEFAULT_MAX_MEMORY,
        };
        PolicyEngine::new(&set, Vec::new(), &opts)
    }

    /// The compile error's file, line and message.
    fn refused(files: &[(&str, &str)]) -> (String, usize, String) {
        match compile(files) {
            Err(Error::PolicyCompileAt(at)) => (at.file, at.line, at.message),
            Err(e) => panic!("not a positioned compile error: {e}"),
            Ok(_) => panic!("compiled"),
        }
    }

    const DENY: &str = "\ndeny contains \"x\" if { false }\n";

    #[test]
    fn a_recursive_function_is_refused_at_its_call() {
        // Issue 9: this overflowed the stack (exit 134) in `gate check` and `gate test`.
        let rego = format!("package rec\n\nf(x) := y if {{ y := f(x + 1) }}\n{DENY}");
        let (file, line, msg) = refused(&[("rec.rego", &rego)]);
        assert_eq!((file.as_str(), line), ("rec.rego", 3));
        assert!(
            msg.contains("recursion: `data.rec.f` depends on itself (data.rec.f -> data.rec.f)"),
            "{msg}"
        );
    }

    #[test]
    fn recursion_through_rules_of_other_packages_is_refused() {
        let a = format!("package a\n\nimport data.b\n\nx := b.y + 1\n{DENY}");
        let b = "package b\n\nimport data.a as other\n\ny := z\n\nz := other.x\n";
        let (file, line, msg) = refused(&[("a.rego", &a), ("b.rego", b)]);
        assert_eq!((file.as_str(), line), ("a.rego", 5));
        assert!(
            msg.contains("data.a.x -> data.b.y -> data.b.z -> data.a.x"),
            "{msg}"
        );
        // A rule reading its own package as a whole, or all of `data` dynamically, reaches itself.
        let (_, line, msg) = refused(&[(
            "d.rego",
            "package d\n\nkeys := {k | data[k]}\n\ndeny contains \"x\" if { false }\n",
        )]);
        assert_eq!(line, 3);
        assert!(msg.contains("data.d.keys -> data.d.keys"), "{msg}");
        let (_, line, msg) = refused(&[(
            "d.rego",
            "package d\n\ndeny contains m if { some m in data.d.warn }\n\nwarn contains m if { some m in data.d.deny }\n",
        )]);
        assert_eq!(line, 3);
        assert!(
            msg.contains("data.d.deny -> data.d.warn -> data.d.deny"),
            "{msg}"
        );
    }

    #[test]
    fn chains_locals_and_unrelated_namesakes_are_not_recursion() {
        let rego = "package ok\n\nimport data.lib\n\n\
                    f(x) := y if { y := g(x) + lib.h(x) }\n\
                    g(x) := x * 2\n\
                    f2(f) := f + 1\n\
                    deny contains msg if { some v in [1]; msg := sprintf(\"%d\", [f(v) + f2(1)]) }\n";
        let lib = "package lib\n\nh(x) := x + 1\n\nf(x) := data.ok.g(x)\n";
        compile(&[("ok.rego", rego), ("lib.rego", lib)]).unwrap();
    }

    #[test]
    fn non_hermetic_builtins_are_refused_with_their_line() {
        for (call, why) in [
            (
                "http.send({\"method\": \"get\", \"url\": \"https://example.com\"})",
                "network",
            ),
            ("net.lookup_ip_addr(\"example.com\")", "network"),
            ("uuid.rfc4122(\"k\")", "random UUID"),
            ("rand.intn(\"k\", 10)", "random number"),
        ] {
            let rego = format!(
                "package h\n\ndeny contains msg if {{\n\tr := {call}\n\tmsg := \"x\"\n}}\n"
            );
            let (file, line, msg) = refused(&[("h.rego", &rego)]);
            assert_eq!((file.as_str(), line), ("h.rego", 4), "{call}");
            assert!(
                msg.contains("hermetically") && msg.contains(why),
                "{call}: {msg}"
            );
        }
    }

    #[test]
    fn undefined_functions_are_refused_even_where_never_reached() {
        let rego = "package u\n\ndeny contains msg if {\n\tinput.never\n\tmsg := strings.shout(\"x\")\n}\n";
        let (_, line, msg) = refused(&[("u.rego", rego)]);
        assert_eq!(line, 5);
        assert!(msg.contains("undefined function `strings.shout`"), "{msg}");
        // Through an import of a package that lacks it.
        let rego = "package u\n\nimport data.lib\n\ndeny contains lib.nope(1)\n";
        let (_, line, msg) = refused(&[
            ("u.rego", rego),
            ("lib.rego", "package lib\n\nyes(x) := x\n"),
        ]);
        assert_eq!(line, 5);
        assert!(msg.contains("undefined function `data.lib.nope`"), "{msg}");
    }

    #[test]
    fn deny_warn_or_violation_as_a_function_is_refused() {
        for name in ["deny", "warn", "violation"] {
            let rego = format!("package f\n\n{name}(x) := msg if {{ msg := x }}\n");
            let (file, line, msg) = refused(&[("f.rego", &rego)]);
            assert_eq!((file.as_str(), line), ("f.rego", 3));
            assert!(
                msg.contains(&format!("`{name}` is declared as a function")),
                "{msg}"
            );
        }
        // A helper of another name is fine, and so is a rule path below `deny`'s package.
        compile(&[(
            "f.rego",
            "package f\n\ndeny_if(x) := x\n\ndeny contains m if { m := deny_if(\"a\") }\n",
        )])
        .unwrap();
    }
}
