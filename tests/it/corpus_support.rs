//! The corpus of real plans in `tests/corpus/`, shared by the tests that read it.

use std::path::PathBuf;

use serde_json::Value;

pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

pub fn expected() -> Vec<Value> {
    let text = std::fs::read_to_string(corpus_dir().join("expected.json")).expect("expected.json");
    serde_json::from_str::<Vec<Value>>(&text).expect("expected.json is a list")
}

pub fn entry(prefix: &str) -> Value {
    expected()
        .into_iter()
        .find(|e| e["file"].as_str().is_some_and(|f| f.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no corpus entry {prefix}"))
}

/// The file name of the corpus entry whose name starts with `prefix`.
pub fn entry_file(prefix: &str) -> String {
    entry(prefix)["file"].as_str().expect("file").to_owned()
}

pub fn bytes(file: &str) -> Vec<u8> {
    std::fs::read(corpus_dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}
