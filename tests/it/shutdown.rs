//! §3 SIGTERM with the real binary, on a private PostgreSQL cluster the app itself starts (no
//! `DATABASE_URL`, nothing on `LOCAL_PG_PORT`): it stops accepting at once, lets a request in
//! flight finish, does not wait past its grace for one that never ends, and stops the cluster.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::server_process::{Server, free_port};

fn pg_answers(port: u16) -> bool {
    Command::new(crate::private_pg::pg_bin("pg_isready"))
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-t", "2"])
        .status()
        .is_ok_and(|s| s.success())
}

/// A POST /login whose body is only partly sent: a request in flight.
fn half_sent_request(port: u16) -> (TcpStream, &'static [u8]) {
    let body: &[u8] = b"email=ai%40bo.vn&password=sai-mat-khau-nhe&next=%2F";
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    write!(
        stream,
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .expect("headers");
    stream.write_all(&body[..10]).expect("part of the body");
    stream.flush().expect("flush");
    (stream, &body[10..])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight_within_a_bound_and_stops_the_private_cluster() {
    let data = std::env::temp_dir().join(format!(
        "actionplan-term-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&data).expect("data dir");
    let pg_port = free_port();
    assert!(!pg_answers(pg_port));
    let data_str = data.to_string_lossy().into_owned();
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    let pg_port_str = pg_port.to_string();
    let mut server = Server::start(
        &[
            ("DATA_DIR", &data_str),
            ("LOCAL_PG_PORT", &pg_port_str),
            ("SEEDS_DIR", seeds),
            ("PUBLIC_READ", "true"),
        ],
        &["--shutdown-grace-secs", "3"],
    )
    .await;
    assert!(pg_answers(pg_port), "the app started a private cluster");
    let port = server.port;
    let tasks = server.get("/api/v1/tasks", None).await;
    assert_eq!(tasks.status.as_u16(), 200, "seeded and serving");

    let (mut finishing, rest) = half_sent_request(port);
    let (_never_finished, _) = half_sent_request(port);
    std::thread::sleep(Duration::from_millis(200));
    server.terminate();
    let signalled = Instant::now();
    // New connections are refused promptly.
    let mut refused = false;
    while signalled.elapsed() < Duration::from_secs(2) {
        if TcpStream::connect(("127.0.0.1", port)).is_err() {
            refused = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(refused, "still accepting 2 s after SIGTERM");
    // The request in flight is finished and answered.
    finishing.write_all(rest).expect("rest of the body");
    finishing
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = finishing.read(&mut buf) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if answer.windows(7).any(|w| w == b"</html>") {
            break;
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 401"),
        "the request in flight was answered: {answer:.200}"
    );
    // The other never completes: the process still ends, about 3 s (its grace) after SIGTERM.
    let status = server
        .wait_exit(Duration::from_secs(20))
        .unwrap_or_else(|| panic!("still running 20 s after SIGTERM:\n{}", server.log_text()));
    let took = signalled.elapsed();
    assert!(status.success(), "{status:?}\n{}", server.log_text());
    assert!(
        took >= Duration::from_millis(2500) && took < Duration::from_secs(15),
        "ended {took:?} after SIGTERM"
    );
    assert!(!pg_answers(pg_port), "the private cluster was stopped");
    assert!(
        !data.join("postgres/postmaster.pid").exists(),
        "the cluster shut down cleanly"
    );
    let _ = std::fs::remove_dir_all(&data);
}
