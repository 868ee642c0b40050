//! Bounded reads: the one way gate reads a file it was given (evidence, policies, data, waivers,
//! `gate.toml`, trusted roots, keys, signatures, artifacts).
//!
//! Every read first asks the file system what the path is and refuses anything but a regular file
//! (a FIFO, `/dev/zero`, a socket, a folder) before opening it, then reads at most the limit of
//! that kind of input plus one byte: a file that grows while it is read, or whose size the file
//! system misstates (`/proc`), is still bounded. Not a parser: bytes in, bytes out.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::{Error, EvidenceError};

const KIB: u64 = 1 << 10;
const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// The kinds of input gate reads, each with its size limit (docs/cli.md lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// An evidence file (also `gate verify --bundle`): 1 GiB.
    Evidence,
    /// A Rego policy file: 16 MiB.
    Policy,
    /// A `-d` data document: 256 MiB.
    Data,
    /// A waivers file or `gate.toml`: 16 MiB.
    Config,
    /// A trusted root (`--trusted-root`): 16 MiB.
    TrustedRoot,
    /// A PEM public key (`--key`): 1 MiB.
    Key,
    /// A detached signature (`--signature`): 1 MiB.
    Signature,
    /// An artifact hashed for verification (`--artifact`), streamed: 64 GiB.
    Artifact,
    /// An artifact verified by a pure Ed25519 key, which signs the whole message and so needs
    /// it in memory: 1 GiB.
    ArtifactInMemory,
}

impl Input {
    /// The largest file of this kind gate reads, in bytes.
    pub fn limit(self) -> u64 {
        match self {
            Input::Evidence | Input::ArtifactInMemory => GIB,
            Input::Policy | Input::Config | Input::TrustedRoot => 16 * MIB,
            Input::Data => 256 * MIB,
            Input::Key | Input::Signature => MIB,
            Input::Artifact => 64 * GIB,
        }
    }

    /// What the file is, in a message.
    fn what(self) -> &'static str {
        match self {
            Input::Evidence => "an evidence file",
            Input::Policy => "a policy file",
            Input::Data => "a data document",
            Input::Config => "a configuration or waivers file",
            Input::TrustedRoot => "a trusted root",
            Input::Key => "a public key",
            Input::Signature => "a signature",
            Input::Artifact => "an artifact",
            Input::ArtifactInMemory => "an artifact checked with an Ed25519 key",
        }
    }
}

/// `1 GiB`, `16 MiB`, `512 KiB` or `N bytes`.
pub fn human_size(n: u64) -> String {
    for (unit, name) in [(GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")] {
        if n >= unit && n % unit == 0 {
            return format!("{} {name}", n / unit);
        }
    }
    format!("{n} bytes")
}

fn refused(path: &Path, message: String) -> Error {
    Error::File {
        path: path.to_owned(),
        problem: EvidenceError::new(message),
    }
}

/// What a path is when it is not a regular file, in words.
fn not_regular(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Open `path` for reading when it is a regular file (links followed); refuse anything else
/// before opening it, so a FIFO cannot block and a device cannot stream forever.
fn open_regular(path: &Path, kind: Input) -> Result<fs_err::File, Error> {
    let meta = fs_err::metadata(path)?;
    if !meta.is_file() {
        return Err(refused(
            path,
            format!(
                "{} (gate reads {} only from a regular file)",
                not_regular(&meta),
                kind.what()
            ),
        ));
    }
    if meta.len() > kind.limit() {
        return Err(too_large(path, kind));
    }
    Ok(fs_err::File::open(path)?)
}

fn too_large(path: &Path, kind: Input) -> Error {
    refused(
        path,
        format!(
            "larger than {}, the limit for {}",
            human_size(kind.limit()),
            kind.what()
        ),
    )
}

/// The bytes of a regular file of at most `kind`'s limit.
pub fn read(path: &Path, kind: Input) -> Result<Vec<u8>, Error> {
    let file = open_regular(path, kind)?;
    let mut bytes = Vec::new();
    file.take(kind.limit().saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Error::Io(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", path.display()),
            ))
        })?;
    if bytes.len() as u64 > kind.limit() {
        return Err(too_large(path, kind));
    }
    Ok(bytes)
}

/// [`read`], as UTF-8 text; text that is not UTF-8 is an error naming the file and position.
pub fn read_to_string(path: &Path, kind: Input) -> Result<String, Error> {
    String::from_utf8(read(path, kind)?).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let valid = std::str::from_utf8(bytes.get(..at).unwrap_or_default()).unwrap_or_default();
        let (line, column) = crate::source::text::line_col(valid, valid.len());
        Error::File {
            path: path.to_owned(),
            problem: EvidenceError::at(format!("not UTF-8 text (byte offset {at})"), line, column),
        }
    })
}

/// SHA-256 of a regular file of at most `kind`'s limit, read in pieces (never whole).
pub fn sha256(path: &Path, kind: Input) -> Result<[u8; 32], Error> {
    let mut file = open_regular(path, kind)?.take(kind.limit().saturating_add(1));
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total: u64 = 0;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Error::Io(std::io::Error::new(
                    e.kind(),
                    format!("{}: {e}", path.display()),
                )))
            }
        };
        total = total.saturating_add(n as u64);
        hasher.update(buf.get(..n).unwrap_or_default());
    }
    if total > kind.limit() {
        return Err(too_large(path, kind));
    }
    Ok(hasher.finalize().into())
}

/// Whether two paths name the same existing file (links followed; hard links count).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs_err::metadata(a), fs_err::metadata(b)) {
        (Ok(ma), Ok(mb)) => same_identity(a, &ma, b, &mb),
        _ => false,
    }
}

#[cfg(unix)]
fn same_identity(_: &Path, ma: &std::fs::Metadata, _: &Path, mb: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    ma.dev() == mb.dev() && ma.ino() == mb.ino()
}

#[cfg(not(unix))]
fn same_identity(a: &Path, _: &std::fs::Metadata, b: &Path, _: &std::fs::Metadata) -> bool {
    matches!((fs_err::canonicalize(a), fs_err::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// Where a path that may not exist yet would be: its folder resolved (links followed), then its
/// name. Two outputs with the same place are the same file.
pub fn place(path: &Path) -> PathBuf {
    if let Ok(p) = fs_err::canonicalize(path) {
        return p;
    }
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (fs_err::canonicalize(parent), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_owned(),
    }
}

/// The evidence id of a path: the path as given, with `/` separators.
pub fn evidence_id(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// A walking error as an I/O error naming the path at fault (a loop names both ends).
pub(crate) fn walk_error(arg: &Path) -> impl Fn(walkdir::Error) -> Error + '_ {
    move |e| {
        let path = e
            .path()
            .map(Path::to_owned)
            .unwrap_or_else(|| arg.to_owned());
        let message = match e.loop_ancestor() {
            Some(ancestor) => format!(
                "{}: a symbolic link loops back to {}; gate follows links in folders it walks",
                path.display(),
                ancestor.display()
            ),
            None => format!("{}: {e}", path.display()),
        };
        Error::Io(std::io::Error::other(message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_and_refuses_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.json");
        fs_err::write(&f, "{}").unwrap();
        assert_eq!(read(&f, Input::Evidence).unwrap(), b"{}");
        let e = read(dir.path(), Input::Evidence).unwrap_err().to_string();
        assert!(e.contains("a folder"), "{e}");
        assert!(e.contains(&dir.path().display().to_string()), "{e}");
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("key.pem");
        fs_err::write(&f, vec![b'a'; (Input::Key.limit() + 1) as usize]).unwrap();
        let e = read(&f, Input::Key).unwrap_err().to_string();
        assert!(
            e.contains("larger than 1 MiB, the limit for a public key"),
            "{e}"
        );
        assert!(sha256(&f, Input::Key).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_before_they_are_read() {
        for kind in [Input::Evidence, Input::Artifact, Input::Policy] {
            let e = read(Path::new("/dev/zero"), kind).unwrap_err().to_string();
            assert!(e.starts_with("/dev/zero: a device"), "{e}");
        }
        assert!(sha256(Path::new("/dev/zero"), Input::Artifact).is_err());
    }

    #[test]
    fn streaming_hash_matches_hashing_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("artifact.bin");
        let bytes: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
        fs_err::write(&f, &bytes).unwrap();
        let want: [u8; 32] = Sha256::digest(&bytes).into();
        assert_eq!(sha256(&f, Input::Artifact).unwrap(), want);
    }

    #[test]
    fn not_utf8_names_the_position() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("p.rego");
        fs_err::write(&f, b"package p\nx := \"\xff\"").unwrap();
        let e = read_to_string(&f, Input::Policy).unwrap_err().to_string();
        assert!(
            e.ends_with("p.rego:2:7: not UTF-8 text (byte offset 16)"),
            "{e}"
        );
    }

    #[test]
    fn same_file_and_place() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.json");
        fs_err::write(&f, "{}").unwrap();
        let other = dir.path().join("sub/../a.json");
        fs_err::create_dir(dir.path().join("sub")).unwrap();
        assert!(same_file(&f, &other));
        assert!(!same_file(&f, &dir.path().join("missing.json")));
        let new = dir.path().join("new.json");
        assert_eq!(place(&new), place(&dir.path().join("sub/../new.json")));
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(GIB), "1 GiB");
        assert_eq!(human_size(16 * MIB), "16 MiB");
        assert_eq!(human_size(1000), "1000 bytes");
    }
}
