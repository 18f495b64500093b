//! Writes the static site: `prerender [OUT_DIR]` (default `dist` in the
//! workspace). The poster's QR code points at `$SITE_URL`. The dashboards
//! are made from the published aggregates in `$DASHBOARD_DATA` (default
//! `content/dashboards/published`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::{env, fs};

use lead_site::dashboards::{self, data::PublishedData};
use lead_site::render::{site, DEFAULT_SITE_URL};

fn main() -> ExitCode {
    let out = env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    let site_url = env::var("SITE_URL").unwrap_or_else(|_| DEFAULT_SITE_URL.to_owned());
    let data_dir = dashboards::default_dir();
    let dashboards = PublishedData::load(&data_dir)
        .map(|data| &*Box::leak(Box::new(data)))
        .and_then(dashboards::files);
    let dashboards = match dashboards {
        Ok(files) => files,
        Err(e) => {
            eprintln!(
                "cannot build the dashboards: {e}\nWrite the published aggregates first: aggregate --input EXPORT_DIR --output {}",
                data_dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let mut written = 0;
    for (path, contents) in site(&site_url).into_iter().chain(dashboards) {
        let file = out.join(&path);
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        }
        fs::write(&file, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
        written += 1;
    }
    println!("wrote {written} files to {}", out.display());
    ExitCode::SUCCESS
}
