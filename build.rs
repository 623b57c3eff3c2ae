//! Embeds the example site (config.toml, content/, templates/, static/, sass/) in the binary,
//! so that `kiln init --template podcast` works from an installed `kiln`, far from this repo.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const PARTS: &[&str] = &["config.toml", "content", "templates", "static", "sass"];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut files = Vec::new();
    for part in PARTS {
        println!("cargo:rerun-if-changed={part}");
        collect(&root, &root.join(part), &mut files);
    }
    files.sort();
    let mut code = String::from("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (relative, absolute) in &files {
        writeln!(code, "    ({relative:?}, include_bytes!({absolute:?})),").expect("a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("example_site.rs"), code).expect("OUT_DIR is writable");
}

/// Every file under `path` as (path from the root with `/`, absolute path).
fn collect(root: &Path, path: &Path, files: &mut Vec<(String, String)>) {
    if path.is_dir() {
        let entries = std::fs::read_dir(path).expect("a readable folder of the example site");
        for entry in entries.map(|entry| entry.expect("a readable entry")) {
            collect(root, &entry.path(), files);
        }
    } else if path.is_file() {
        let relative = path.strip_prefix(root).expect("under the root");
        let relative = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.push((relative, path.to_string_lossy().into_owned()));
    }
}
