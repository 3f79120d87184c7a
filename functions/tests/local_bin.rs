//! The `local` binary itself: it prints its URL, serves /api/health, and stops cleanly on
//! SIGTERM (the signal a process manager sends).

// Test code: a failed unwrap is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[cfg(unix)]
#[test]
fn serves_health_and_stops_cleanly_on_sigterm() {
    // Arrange: port 0 lets the OS pick a free port; the binary prints the one it got.
    let base = std::env::temp_dir().join(format!("jisheng-local-{}", std::process::id()));
    let data = base.join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_local"))
        .args(["--port", "0", "--data"])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let addr = first
        .split("http://")
        .nth(1)
        .and_then(|s| s.trim_end().strip_suffix('/'))
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .to_string();

    // Act
    let response = get(&addr, "/api/health");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();

    // Assert
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"ok\""), "{response}");
    assert!(killed.success());
    assert!(status.success(), "exit status {status:?}");
    assert!(rest.contains("stopped"), "{rest}");
    for (username, _, role, _) in functions::auth::DEMO_ACCOUNTS {
        assert!(
            rest.lines()
                .any(|l| l.contains(username) && l.contains(role.code())),
            "the demo account {username} is printed: {rest}"
        );
    }
    assert!(data.is_dir(), "the data dir is created");
    std::fs::remove_dir_all(&base).unwrap();
}
