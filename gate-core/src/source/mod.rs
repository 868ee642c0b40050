//! Source: the bottom layer every reader stands on. Bytes → text, strict JSON with positions,
//! safe XML, a YAML nesting bound, TOML with positioned errors, line and column arithmetic,
//! JSON pointers → positions.
//!
//! It knows nothing of evidence kinds, the `input` model, policies or verification, and imports
//! nothing from gate-core but the error type its helpers return.

pub(crate) mod json;
pub mod locate;
pub mod text;
pub(crate) mod toml;
pub(crate) mod xml;
pub(crate) mod yaml;
