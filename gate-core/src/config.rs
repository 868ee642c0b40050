//! `gate.toml`: the project's gate configuration, read with unknown keys refused.
//!
//! Today it holds `[[waiver]]` tables (see [`crate::waiver`]). Each section is one field of
//! [`Config`] with `#[serde(default)]`, so adding a section (`[verify]`, `[data]`) is one field and
//! its type. gate never reads a `gate.toml` it was not pointed at with `-c/--config`: a file picked
//! up from the working directory would make the verdict depend on where the command runs.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;

use crate::waiver::{self, Waiver, WaiverSpec};
use crate::Error;

/// The whole `gate.toml`, as written.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Waivers, one `[[waiver]]` table each.
    #[serde(default)]
    pub waiver: Vec<WaiverSpec>,
    /// `[verify]`: signature verification expectations (see docs/verification.md).
    #[serde(default)]
    pub verify: crate::verify::evidence::Settings,
}

/// A read and validated `gate.toml`.
#[derive(Debug, Clone, Default)]
pub struct LoadedConfig {
    /// The file it came from.
    pub path: PathBuf,
    /// Its waivers, validated.
    pub waivers: Vec<Waiver>,
    /// Its `[verify]` section, paths resolved against the file's folder.
    pub verify: crate::verify::evidence::Settings,
}

impl Config {
    /// Read and validate `gate.toml` at `path`.
    pub fn load(path: &Path) -> Result<LoadedConfig, Error> {
        let text = waiver::read_text(path)?;
        let cfg: Config = crate::source::toml::parse(path, &text, "waiver")?;
        let waivers = waiver::validate(path, &text, cfg.waiver)?;
        let base = path.parent().unwrap_or_else(|| Path::new("."));
        Ok(LoadedConfig {
            path: path.to_owned(),
            waivers,
            verify: cfg.verify.relative_to(base),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<LoadedConfig, Error> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gate.toml");
        fs_err::write(&path, text).unwrap();
        Config::load(&path)
    }

    const OK: &str = r#"
[[waiver]]
id = "W-1"
code = "vulnerabilities.fixable"
subject = "CVE-2021-44228@pkg:maven/*"
owner = "security@example.com"
reason = "patched in our fork"
expires = 2026-12-31
"#;

    #[test]
    fn waivers_are_read_from_the_config() {
        let c = load(OK).unwrap();
        assert_eq!(c.waivers.len(), 1);
        assert_eq!(c.waivers[0].id, "W-1");
        assert_eq!(c.waivers[0].line, 2);
        assert!(load("").unwrap().waivers.is_empty());
    }

    #[test]
    fn unknown_sections_and_keys_are_errors_with_positions() {
        let e = load("[verifyy]\nx = 1\n").unwrap_err().to_string();
        assert!(e.contains("gate.toml:1:"), "{e}");
        assert!(e.contains("unknown field `verifyy`"), "{e}");
        let e = load(&format!("{OK}colour = \"red\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("gate.toml:9:1"), "{e}");
        assert!(e.contains("waiver 1 (`W-1`)"), "{e}");
        assert!(e.contains("unknown field `colour`"), "{e}");
        let e = load("[[waiver]\n").unwrap_err().to_string();
        assert!(e.contains("gate.toml:1:"), "{e}");
    }

    /// Nesting TOML cannot bound with its own recursion guard (dotted keys and table headers
    /// build one table per segment) is refused too, quickly and without exhausting the stack.
    #[test]
    fn deeply_dotted_toml_is_refused() {
        let deep = vec!["a"; 100_000].join(".");
        for text in [
            format!("[{deep}]\nx = 1\n"),
            format!("{deep} = 1\n"),
            format!("[[{deep}]]\n"),
            format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            format!("x = {}1{}\n", "{a = ".repeat(100_000), "}".repeat(100_000)),
        ] {
            let started = std::time::Instant::now();
            let e = load(&text).unwrap_err();
            assert!(matches!(e, Error::Config { .. }), "{e}");
            assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        }
    }
}
