//! Writes the static site: `prerender [OUT_DIR]` (default `dist` in the
//! workspace). The poster's QR code points at `$SITE_URL`. The dashboards
//! are made from the published aggregates in `$DASHBOARD_DATA` (default
//! `content/dashboards/published`). A production build (`SITE_URL` set)
//! refuses synthetic figures unless `LEAD_DEMO_DATA=1`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::{env, fs};

use lead_site::dashboards;
use lead_site::dashboards::data::{DataError, PublishedData};
use lead_site::render::{check_site_url, site, DEFAULT_SITE_URL};

fn main() -> ExitCode {
    let out = env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    let production = env::var_os("SITE_URL").is_some();
    let demo = env::var(dashboards::DEMO_FLAG).is_ok_and(|v| v == "1");
    let site_url = env::var("SITE_URL").unwrap_or_else(|_| DEFAULT_SITE_URL.to_owned());
    if production {
        if let Err(e) = check_site_url(&site_url) {
            eprintln!("refusing to build: {e}");
            return ExitCode::FAILURE;
        }
    }
    let data_dir = dashboards::default_dir();
    let no_data = |e: DataError| {
        eprintln!(
            "cannot build the dashboards: {e}\nPublish the program's export first: functions/bin/publish EXPORT_DIR (it writes {})",
            data_dir.display()
        );
        ExitCode::FAILURE
    };
    let data = match PublishedData::load(&data_dir) {
        Ok(data) => &*Box::leak(Box::new(data)),
        Err(e) => return no_data(e),
    };
    if let Err(e) = dashboards::check_publishable(data, production, demo) {
        eprintln!("refusing to build: {e}");
        return ExitCode::FAILURE;
    }
    let dashboards = match dashboards::files(data) {
        Ok(files) => files,
        Err(e) => return no_data(e),
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
