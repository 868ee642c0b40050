//! Data documents (`-d`): JSON or YAML files, and folders of them, read into the values merged
//! under `data`.
//!
//! As OPA and conftest do, a folder is walked (in name order, links followed, hidden entries
//! left out) for `.json`, `.yaml` and `.yml` files, and a file found in a subfolder is merged
//! under that subfolder's path: `DIR/gate/config/vulns.yaml` lands under `data.gate.config`.
//! Every file is read with the data document limit (`crate::files`), JSON refuses repeated
//! keys, and YAML is bounded in nesting before it is parsed (`crate::source::yaml`). Not here:
//! checking what the documents set (see `super::settings`).

use std::path::{Path, PathBuf};

use crate::files::{self, Input};
use crate::{Error, EvidenceError};

/// Where a data document came from, to name it in an error.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Origin {
    /// A file (`-d`, or `data` in `gate.toml`); a JSON file keeps its text, so that an error
    /// can give the line and column of a value.
    File {
        /// The file.
        path: PathBuf,
        /// Its text, when it is JSON.
        json: Option<String>,
        /// The path under `data` its content was merged at (from its subfolder), as JSON
        /// pointer tokens.
        prefix: Vec<String>,
    },
    /// A table of a `gate.toml` (`[settings]`), named as written there.
    Config {
        /// The `gate.toml`.
        path: PathBuf,
        /// The table, e.g. `[profile.release.settings]`.
        table: String,
    },
    /// A document handed to the library ([`crate::GateBuilder::data`]).
    Memory,
}

/// One data document, as JSON, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DataDoc {
    /// Where it came from.
    pub origin: Origin,
    /// The document (an object), already nested under its subfolder's path.
    pub value: serde_json::Value,
}

impl DataDoc {
    /// An error about this document at `pointer` (a JSON pointer into [`DataDoc::value`]),
    /// with the line and column when the document is a JSON file.
    pub(crate) fn error(&self, pointer: &str, message: String) -> Error {
        let (path, problem) = match &self.origin {
            Origin::File { path, json, prefix } => {
                let inner = strip_prefix(pointer, prefix);
                let at = json
                    .as_deref()
                    .and_then(|t| crate::source::locate::locate(t, &[&inner]).remove(&inner));
                let problem = match at {
                    Some((line, column)) => EvidenceError::at(message, line, column),
                    None => EvidenceError::new(message),
                };
                (Some(path.clone()), problem)
            }
            Origin::Config { path, table } => (
                Some(path.clone()),
                EvidenceError::new(format!("{table}: {message}")),
            ),
            Origin::Memory => (
                None,
                EvidenceError::new(format!("data document: {message}")),
            ),
        };
        Error::Settings { path, problem }
    }
}

/// `pointer` without the leading tokens `prefix` added to a file's content.
fn strip_prefix(pointer: &str, prefix: &[String]) -> String {
    let mut rest = pointer;
    for token in prefix {
        let t = format!("/{}", token.replace('~', "~0").replace('/', "~1"));
        match rest.strip_prefix(t.as_str()) {
            Some(r) => rest = r,
            None => return pointer.to_owned(),
        }
    }
    rest.to_owned()
}

/// Whether a file found while walking a data folder is a data document.
fn is_data_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
}

/// The data documents a `-d` argument names: the file itself (JSON, or YAML when its name ends
/// in `.yaml`/`.yml`), or every data file under a folder, in name order.
pub(crate) fn read(arg: &Path) -> Result<Vec<DataDoc>, Error> {
    if !fs_err::metadata(arg)?.is_dir() {
        return Ok(vec![read_file(arg, Vec::new())?]);
    }
    let walk = walkdir::WalkDir::new(arg)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    let mut out = Vec::new();
    for entry in walk {
        let entry = entry.map_err(files::walk_error(arg))?;
        if entry.file_type().is_dir() || !is_data_file(entry.path()) {
            continue;
        }
        let prefix = entry
            .path()
            .parent()
            .and_then(|p| p.strip_prefix(arg).ok())
            .map(|rel| {
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        out.push(read_file(entry.path(), prefix)?);
    }
    if out.is_empty() {
        return Err(Error::Usage(format!(
            "-d `{}`: the folder holds no .json, .yaml or .yml file",
            arg.display()
        )));
    }
    Ok(out)
}

/// One data file, nested under `prefix`.
fn read_file(path: &Path, prefix: Vec<String>) -> Result<DataDoc, Error> {
    let bytes = files::read(path, Input::Data)?;
    let wrap = |problem: EvidenceError| Error::Data {
        path: path.to_owned(),
        problem,
    };
    let text = crate::source::text::decode(&bytes).map_err(wrap)?;
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "yaml" | "yml"));
    let (mut value, json) = if yaml {
        (parse_yaml(&text).map_err(wrap)?, None)
    } else {
        let v = crate::source::json::parse_value(&text).map_err(wrap)?;
        (v, Some(text.into_owned()))
    };
    if !value.is_object() {
        return Err(wrap(EvidenceError::new(format!(
            "a data document must be {} object",
            if yaml { "a YAML mapping, an" } else { "a JSON" }
        ))));
    }
    for token in prefix.iter().rev() {
        let mut m = serde_json::Map::new();
        m.insert(token.clone(), value);
        value = serde_json::Value::Object(m);
    }
    Ok(DataDoc {
        origin: Origin::File {
            path: path.to_owned(),
            json,
            prefix,
        },
        value,
    })
}

/// A YAML document as JSON; nesting is bounded before the parser sees the text, and an error
/// carries the parser's line and column.
fn parse_yaml(text: &str) -> Result<serde_json::Value, EvidenceError> {
    crate::source::yaml::check_depth(text)?;
    yaml_serde::from_str::<serde_json::Value>(text).map_err(|e| {
        let message = format!("not valid YAML: {e}");
        match e.location() {
            Some(l) => EvidenceError::at(message, l.line(), l.column()),
            None => EvidenceError::new(message),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
        let p = dir.join(rel);
        fs_err::create_dir_all(p.parent().unwrap()).unwrap();
        fs_err::write(&p, text).unwrap();
        p
    }

    #[test]
    fn yaml_and_json_files_read_alike() {
        let dir = tempfile::tempdir().unwrap();
        let y = write(
            dir.path(),
            "p.yaml",
            "gate:\n  config:\n    vulnerabilities:\n      blocking_severities: [critical]\n",
        );
        let j = write(
            dir.path(),
            "p.json",
            r#"{"gate": {"config": {"vulnerabilities": {"blocking_severities": ["critical"]}}}}"#,
        );
        assert_eq!(read(&y).unwrap()[0].value, read(&j).unwrap()[0].value);
    }

    #[test]
    fn a_folder_is_walked_and_subfolders_nest() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.json", r#"{"x": 1}"#);
        write(
            dir.path(),
            "gate/config/v.yml",
            "licenses:\n  deny: [GPL-3.0-only]\n",
        );
        write(dir.path(), "notes.txt", "not data");
        write(dir.path(), ".hidden/h.json", r#"{"h": 1}"#);
        let docs = read(dir.path()).unwrap();
        let values: Vec<String> = docs.iter().map(|d| d.value.to_string()).collect();
        assert_eq!(
            values,
            vec![
                r#"{"x":1}"#,
                r#"{"gate":{"config":{"licenses":{"deny":["GPL-3.0-only"]}}}}"#
            ]
        );
        let empty = tempfile::tempdir().unwrap();
        write(empty.path(), "readme.md", "#");
        let e = read(empty.path()).unwrap_err().to_string();
        assert!(e.contains("holds no .json, .yaml or .yml file"), "{e}");
    }

    #[test]
    fn bad_documents_name_the_file_and_position() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "bad.yaml", "a:\n  b: [1\n");
        let e = read(&p).unwrap_err();
        assert!(matches!(e, Error::Data { .. }), "{e}");
        assert!(e.line().is_some(), "{e}");
        let p = write(dir.path(), "list.yaml", "- 1\n- 2\n");
        let e = read(&p).unwrap_err().to_string();
        assert!(
            e.ends_with("a data document must be a YAML mapping, an object"),
            "{e}"
        );
        let deep = format!("x: {}\n", "[".repeat(200));
        let p = write(dir.path(), "deep.yaml", &deep);
        let e = read(&p).unwrap_err().to_string();
        assert!(e.contains("nested deeper than 128"), "{e}");
        let p = write(dir.path(), "dup.json", r#"{"a": 1, "a": 2}"#);
        assert!(read(&p).unwrap_err().to_string().contains("dup.json:1:"));
    }

    #[test]
    fn errors_in_a_json_file_point_at_the_value() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "sub/d.json",
            "{\n  \"k\": {\n    \"v\": 1\n  }\n}\n",
        );
        let docs = read(dir.path()).unwrap();
        let e = docs[0].error("/sub/k/v", "bad".into());
        assert_eq!(e.path(), Some(p.as_path()));
        assert_eq!((e.line(), e.column()), (Some(3), Some(10)));
    }
}
