//! A local stand-in for a program's case-management system.
//!
//! It listens on 127.0.0.1, verifies every delivery's Standard Webhooks
//! signature with the published `standardwebhooks` crate (code this project
//! did not write), records what arrived, and can be told to fail: answer 503
//! to the next N deliveries, go down altogether (the port is closed, so
//! connections are refused) and come back on the same port, or (chaos mode)
//! answer a share of deliveries with 5xx at random and leave another share
//! hanging past the sender's timeout, or answer every delivery with a
//! redirect to `/moved` (where it answers 200 to anything, as a real moved
//! endpoint or a sign-in page would). Each connection is served on its own
//! thread, so a hanging one holds up no other.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// One request that reached the receiver.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// `webhook-id`: the referral's reference.
    pub id: String,
    /// The request's method and path (`POST /referrals`; `GET /moved` is a
    /// followed redirect).
    pub method: String,
    pub path: String,
    /// Whether the signature verified with the published verifier.
    pub verified: bool,
    /// The status the receiver answered (0: it hung and never answered).
    pub status: u16,
    pub body: serde_json::Value,
    pub at: Instant,
}

/// Random misbehaviour: each delivery fails with a 5xx with probability
/// `fail`, or hangs for `hang_for` without an answer with probability `hang`.
#[derive(Debug, Clone, Copy)]
pub struct Chaos {
    pub fail: f64,
    pub hang: f64,
    pub hang_for: Duration,
    pub seed: u64,
}

#[derive(Default)]
struct State {
    arrivals: Mutex<Vec<Arrival>>,
    fail_next: AtomicU32,
    down: AtomicBool,
    stop: AtomicBool,
    /// Answer deliveries with this 3xx status and `Location: /moved`.
    redirect: Mutex<Option<u16>>,
    /// Requests to the endpoint that were not POSTs (the sender asking
    /// whether the case system answers): 405, not recorded as arrivals.
    probes: AtomicU32,
    /// The chaos settings and the state of its generator (xorshift64*).
    chaos: Mutex<Option<(Chaos, u64)>>,
}

/// What chaos decides for one delivery.
enum Fate {
    Answer,
    Fail(u16),
    Hang(Duration),
}

impl State {
    fn fate(&self) -> Fate {
        let mut chaos = self.chaos.lock().expect("receiver lock");
        let Some((settings, rng)) = chaos.as_mut() else {
            return Fate::Answer;
        };
        let mut draw = || {
            *rng ^= *rng >> 12;
            *rng ^= *rng << 25;
            *rng ^= *rng >> 27;
            (rng.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
        };
        let x = draw();
        if x < settings.hang {
            Fate::Hang(settings.hang_for)
        } else if x < settings.hang + settings.fail {
            Fate::Fail([500, 502, 503][(draw() * 3.0) as usize % 3])
        } else {
            Fate::Answer
        }
    }
}

/// A running receiver. Dropping it stops it.
pub struct Receiver {
    port: u16,
    state: Arc<State>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Receiver {
    /// Starts on a free port; `secret` is the `whsec_…` the portal signs with.
    pub fn start(secret: &str) -> Receiver {
        Receiver::start_on(0, secret)
    }

    pub fn start_on(port: u16, secret: &str) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("receiver port is free");
        let port = listener.local_addr().expect("bound address").port();
        let state = Arc::new(State::default());
        let verifier = Arc::new(standardwebhooks::Webhook::new(secret).expect("a valid whsec_ secret"));
        let thread_state = state.clone();
        let thread = thread::spawn(move || serve(listener, port, thread_state, verifier));
        Receiver {
            port,
            state,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/referrals", self.port)
    }

    /// Answer 503 to the next `n` deliveries.
    pub fn fail_next(&self, n: u32) {
        self.state.fail_next.store(n, Ordering::SeqCst);
    }

    /// Close the port: deliveries get "connection refused" until [`Receiver::up`].
    pub fn down(&self) {
        self.state.down.store(true, Ordering::SeqCst);
        // Let the accept loop notice and drop its listener.
        thread::sleep(Duration::from_millis(100));
    }

    /// Open the port again; returns once it takes connections, so whatever
    /// a test does next meets a receiver that is really back.
    pub fn up(&self) {
        self.state.down.store(false, Ordering::SeqCst);
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Answer every delivery with this redirect status (301, 302, 303, 307,
    /// 308) pointing at `/moved`, which answers 200 (`None`: stop).
    pub fn redirect(&self, status: Option<u16>) {
        *self.state.redirect.lock().expect("receiver lock") = status;
    }

    /// Misbehave at random from now on (`None`: behave again).
    pub fn chaos(&self, chaos: Option<Chaos>) {
        *self.state.chaos.lock().expect("receiver lock") = chaos.map(|c| (c, c.seed | 1));
    }

    /// How many times the endpoint was asked whether it answers (not POSTs).
    pub fn probes(&self) -> u32 {
        self.state.probes.load(Ordering::SeqCst)
    }

    pub fn arrivals(&self) -> Vec<Arrival> {
        self.state.arrivals.lock().expect("receiver lock").clone()
    }

    /// Deliveries answered 2xx, by reference: signed POSTs to the endpoint
    /// itself, nothing else.
    pub fn accepted_ids(&self) -> Vec<String> {
        self.arrivals()
            .into_iter()
            .filter(|a| (200..300).contains(&a.status) && a.method == "POST" && a.path == "/referrals")
            .map(|a| a.id)
            .collect()
    }

    /// Waits until `done` holds for the arrivals, or the time runs out.
    pub fn wait_for(&self, timeout: Duration, done: impl Fn(&[Arrival]) -> bool) -> bool {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if done(&self.arrivals()) {
                return true;
            }
            thread::sleep(Duration::from_millis(100));
        }
        done(&self.arrivals())
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(listener: TcpListener, port: u16, state: Arc<State>, verifier: Arc<standardwebhooks::Webhook>) {
    let mut listener = Some(listener);
    while !state.stop.load(Ordering::SeqCst) {
        if state.down.load(Ordering::SeqCst) {
            listener = None;
            thread::sleep(Duration::from_millis(20));
            continue;
        }
        if listener.is_none() {
            match TcpListener::bind(("127.0.0.1", port)) {
                Ok(l) => listener = Some(l),
                Err(_) => {
                    thread::sleep(Duration::from_millis(50));
                    continue;
                }
            }
        }
        let Some(l) = listener.as_ref() else { continue };
        if l.set_nonblocking(true).is_err() {
            continue;
        }
        match l.accept() {
            Ok((stream, _)) => {
                let _ = stream.set_nonblocking(false);
                let (state, verifier) = (state.clone(), verifier.clone());
                thread::spawn(move || handle(stream, &state, &verifier));
            }
            Err(_) => thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// Reads one HTTP/1.1 request (headers and a Content-Length body).
fn read_request(stream: &mut TcpStream) -> Option<(String, http::HeaderMap, Vec<u8>)> {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    // A connection closed without a request (a check that the port is open).
    if reader.read_line(&mut request_line).ok()? == 0 {
        return None;
    }
    let mut headers = http::HeaderMap::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        let name = http::HeaderName::from_bytes(name.trim().as_bytes()).ok()?;
        let value = http::HeaderValue::from_str(value.trim()).ok()?;
        headers.append(name, value);
    }
    let len = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some((request_line, headers, body))
}

fn handle(mut stream: TcpStream, state: &State, verifier: &standardwebhooks::Webhook) {
    let Some((line, headers, body)) = read_request(&mut stream) else {
        return;
    };
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    // Anything but the endpoint (a followed redirect): 200, and recorded.
    if path != "/referrals" {
        state.arrivals.lock().expect("receiver lock").push(Arrival {
            id,
            method,
            path,
            verified: false,
            status: 200,
            body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
            at: Instant::now(),
        });
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        return;
    }
    if method != "POST" {
        state.probes.fetch_add(1, Ordering::SeqCst);
        let _ = write!(
            stream,
            "HTTP/1.1 405 Method Not Allowed\r\nAllow: POST\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        return;
    }
    let redirect = *state.redirect.lock().expect("receiver lock");
    if let Some(status) = redirect {
        state.arrivals.lock().expect("receiver lock").push(Arrival {
            id,
            method,
            path,
            verified: verifier.verify(&body, &headers).is_ok(),
            status,
            body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
            at: Instant::now(),
        });
        let _ = write!(
            stream,
            "HTTP/1.1 {status} Moved\r\nLocation: /moved\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        return;
    }
    let verified = verifier.verify(&body, &headers).is_ok();
    let failing = state
        .fail_next
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let fate = if verified && !failing {
        state.fate()
    } else {
        Fate::Answer
    };
    let status = match (verified, failing, &fate) {
        (false, _, _) => 401,
        (true, true, _) => 503,
        (true, false, Fate::Fail(status)) => *status,
        // Recorded as 0: the sender never gets an answer.
        (true, false, Fate::Hang(_)) => 0,
        (true, false, Fate::Answer) => 200,
    };
    let body = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    state.arrivals.lock().expect("receiver lock").push(Arrival {
        id,
        method,
        path,
        verified,
        status,
        body,
        at: Instant::now(),
    });
    if let Fate::Hang(time) = fate {
        thread::sleep(time);
        return;
    }
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        _ => "Service Unavailable",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}
