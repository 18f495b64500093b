//! Turns the TOML content files into JSON embedded in the crate, so the
//! WASM builds parse compact JSON with the `serde_json` they already carry
//! instead of shipping a TOML parser. A syntax error fails the build with the
//! file name; meaning is checked by `check-content` and the tests.
//!
//! The files are `content/intake/` unless `LEAD_CONTENT_DIR` names another
//! program's content set (relative to the workspace root, or absolute), so a
//! program builds the portal on its own content with no change to code.

use std::{
    env, fs,
    path::{Path, PathBuf},
};

const FILES: [&str; 6] = ["questions", "policy", "copy", "clt", "dashboards", "measures"];

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-env-changed=LEAD_CONTENT_DIR");
    let dir = match env::var_os("LEAD_CONTENT_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => manifest.join("..").join(dir),
        None => manifest.join("intake"),
    };
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).to_path_buf();
    for name in FILES {
        let path = dir.join(format!("{name}.toml"));
        println!("cargo:rerun-if-changed={}", path.display());
        // A content set with no measures.toml declares no measures of its own.
        let text = match fs::read_to_string(&path) {
            Err(e) if name == "measures" && e.kind() == std::io::ErrorKind::NotFound => String::new(),
            read => read.unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display())),
        };
        let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json = serde_json::to_string(&value).expect("TOML values are valid JSON");
        fs::write(out.join(format!("{name}.json")), json).expect("OUT_DIR is writable");
    }
}
