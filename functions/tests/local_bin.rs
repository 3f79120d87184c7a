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
    for (username, _, role, _) in functions::demo::DEMO_ACCOUNTS {
        assert!(
            rest.lines()
                .any(|l| l.contains(username) && l.contains(role.code())),
            "the demo account {username} is printed: {rest}"
        );
    }
    assert!(data.is_dir(), "the data dir is created");
    std::fs::remove_dir_all(&base).unwrap();
}

mod common;

/// Starts `local` with `args`, answers its address and the child (stdout kept for reading).
fn start_local(args: &[&str], envs: &[(&str, &str)]) -> (String, std::process::Child, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_local"))
        .args(args)
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let done = line.contains("stop: Ctrl-C") || line.is_empty();
        lines.push(line);
        if done {
            break;
        }
    }
    let addr = lines[0]
        .split("http://")
        .nth(1)
        .and_then(|s| s.trim_end().strip_suffix('/'))
        .unwrap_or_else(|| panic!("no URL in {lines:?}"))
        .to_string();
    (addr, child, lines)
}

fn login_status(addr: &str) -> u16 {
    let body = r#"{"username":"demo-admin","password":"demo"}"#;
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /api/auth/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_accounts_reach_a_dynamodb_endpoint_only_when_asked() {
    // Arrange: moto on loopback stands for a shared DynamoDB endpoint.
    let moto = common::start_moto().await;
    let data = tempfile::tempdir().unwrap();
    let data = data.path().to_str().unwrap().to_string();
    let env = |table: &'static str| {
        [
            ("JISHENG_DYNAMODB_ENDPOINT", moto.endpoint.clone()),
            ("JISHENG_DYNAMODB_TABLE", table.to_string()),
        ]
    };

    // Act: without the flag, then with it (each on its own table).
    let plain = env("demo-off");
    let plain: Vec<(&str, &str)> = plain.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (addr, mut child, lines) = start_local(&["--port", "0", "--data", &data], &plain);
    let refused = login_status(&addr);
    let _ = child.kill();
    let _ = child.wait();
    let asked = env("demo-on");
    let asked: Vec<(&str, &str)> = asked.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (addr, mut child, asked_lines) =
        start_local(&["--port", "0", "--data", &data, "--demo-accounts"], &asked);
    let accepted = login_status(&addr);
    let _ = child.kill();
    let _ = child.wait();

    // Assert
    assert!(
        lines.iter().any(|l| l.contains("no demo accounts")),
        "{lines:?}"
    );
    assert_eq!(refused, 401, "demo-admin does not exist on the endpoint");
    assert!(asked_lines.iter().any(|l| l.contains("demo-admin")));
    assert_eq!(accepted, 200);
}
