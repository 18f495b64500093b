//! Harness for the end-to-end tests and the local run: start the portal in
//! the real worker runtime ([`portal`]) and a local case-system endpoint
//! that records and verifies what arrives ([`receiver`]).

pub mod browser;
pub mod member;
pub mod openapi;
pub mod portal;
pub mod receiver;

/// A Standard Webhooks secret for local runs and tests only.
pub const TEST_SECRET: &str = "whsec_dGVzdC1vbmx5LWxlYWQtcG9ydGFsLXNpZ25pbmcta2V5";
/// The CLT secret of a test portal (invitations and CSRF tokens).
pub const TEST_CLT_SECRET: &str = "test-only-clt-secret-for-the-lead-portal-e2e";
/// Encryption keys for local runs and tests only (`id:base64`).
pub const TEST_KEYS: &str = "t1:3q2+7w0pQm8yVx0bT9nZ4kLrJ6sHcA1dEfGh2iJkLmM=";

/// The workspace root (where `Cargo.toml`, `functions/` and `dist/` are).
pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// A free TCP port on 127.0.0.1, never one this test process has handed
/// out before: two tests starting together must not be given the same
/// port, or one would talk to the other's portal.
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<std::collections::BTreeSet<u16>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port on 127.0.0.1");
        if given.insert(port) {
            return port;
        }
    }
}
