//! Turns the TOML content files into JSON embedded in the crate, so the
//! WASM builds parse compact JSON with the `serde_json` they already carry
//! instead of shipping a TOML parser. A syntax error fails the build with the
//! file name; meaning is checked by `check-content` and the tests.

use std::{env, fs, path::Path};

const FILES: [&str; 4] = ["questions", "policy", "copy", "clt"];

fn main() {
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("intake");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).to_path_buf();
    for name in FILES {
        let path = dir.join(format!("{name}.toml"));
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("content/intake/{name}.toml: cannot read: {e}"));
        let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("content/intake/{name}.toml: {e}"));
        let json = serde_json::to_string(&value).expect("TOML values are valid JSON");
        fs::write(out.join(format!("{name}.json")), json).expect("OUT_DIR is writable");
    }
}
