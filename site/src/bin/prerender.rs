//! Writes the static site: `prerender [OUT_DIR]` (default `dist` in the
//! workspace). The poster's QR code points at `$SITE_URL`.

use std::path::PathBuf;
use std::{env, fs};

use lead_site::render::{site, DEFAULT_SITE_URL};

fn main() {
    let out = env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    let site_url = env::var("SITE_URL").unwrap_or_else(|_| DEFAULT_SITE_URL.to_owned());
    for (path, contents) in site(&site_url) {
        let file = out.join(&path);
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        }
        fs::write(&file, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
        println!("wrote {}", file.display());
    }
}
