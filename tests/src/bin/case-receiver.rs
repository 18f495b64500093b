//! `case-receiver [--port N] [--fail-first N]`: a local case-management
//! endpoint for the local run. Verifies each delivery's signature with the
//! secret in `CASE_SYSTEM_SECRET` and prints one line per arrival: the
//! reference, whether it verified and what it answered; never the content.

use std::time::Duration;

use lead_e2e::receiver::Receiver;

fn main() {
    let mut port = 8788u16;
    let mut fail_first = 0u32;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok());
        match (arg.as_str(), value) {
            ("--port", Some(v)) => port = v as u16,
            ("--fail-first", Some(v)) => fail_first = v,
            _ => {
                eprintln!("usage: case-receiver [--port N] [--fail-first N]");
                std::process::exit(2);
            }
        }
    }
    let secret = std::env::var("CASE_SYSTEM_SECRET").unwrap_or_else(|_| lead_e2e::TEST_SECRET.to_string());
    let receiver = Receiver::start_on(port, &secret);
    receiver.fail_next(fail_first);
    println!("case-receiver: listening on {}", receiver.url());
    let mut seen = 0;
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let arrivals = receiver.arrivals();
        for a in &arrivals[seen..] {
            println!(
                "case-receiver: {} signature {} -> {}",
                a.id,
                if a.verified { "ok" } else { "INVALID" },
                a.status
            );
        }
        seen = arrivals.len();
    }
}
