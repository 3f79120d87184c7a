//! `local`: the whole system in one process on 127.0.0.1 (started by `cargo xtask run`).
//!
//! Usage: `local [--port N] [--data DIR] [--spa DIR] [--demo-accounts]`, or
//! `local calendar-load FILE [--data DIR]`: loads a year's State Council holiday notice (JSON,
//! the body of `POST /api/admin/calendar`) into the store and recounts the open cases it
//! concerns — the embedded store under DIR, or the table of `JISHENG_TABLE` on AWS
//! (`cargo xtask calendar load` runs it).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use functions::local::{self, LocalConfig};

#[derive(Debug)]
struct Args {
    port: u16,
    data_dir: PathBuf,
    spa_dir: Option<PathBuf>,
    /// Create the demo accounts even on a DynamoDB endpoint (issue 18: never by default there,
    /// as the endpoint may hold real data).
    demo_accounts: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        port: 8080,
        data_dir: PathBuf::from("data"),
        spa_dir: None,
        demo_accounts: false,
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => {
                let v = value()?;
                parsed.port = v
                    .parse()
                    .map_err(|_| format!("--port must be a number from 0 to 65535, not {v:?}"))?;
            }
            "--data" => parsed.data_dir = PathBuf::from(value()?),
            "--spa" => parsed.spa_dir = Some(PathBuf::from(value()?)),
            "--demo-accounts" => parsed.demo_accounts = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(parsed)
}

/// `calendar-load FILE [--data DIR]`: every problem with the file is printed at once.
async fn calendar_load(mut args: impl Iterator<Item = String>) -> ExitCode {
    let usage = "usage: local calendar-load FILE [--data DIR]";
    let (Some(file), rest) = (args.next(), args.collect::<Vec<_>>()) else {
        eprintln!("local: {usage}");
        return ExitCode::from(2);
    };
    let data_dir = match rest.as_slice() {
        [] => PathBuf::from("data"),
        [flag, dir] if flag == "--data" => PathBuf::from(dir),
        _ => {
            eprintln!("local: {usage}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("local: cannot read {file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let notice = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| vec![format!("not JSON: {e}")])
        .and_then(|v| {
            domain::calendar::HolidayNotice::from_json(&v).map_err(|errors| {
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect()
            })
        });
    let notice = match notice {
        Ok(n) => n,
        Err(problems) => {
            eprintln!("local: {file} was not loaded:");
            for p in problems {
                eprintln!("  {p}");
            }
            return ExitCode::FAILURE;
        }
    };
    let store = match local::store_for_tool(&data_dir).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("local: {e}");
            return ExitCode::FAILURE;
        }
    };
    let by = format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    );
    let now = functions::ports::Clock::now(&functions::ports::SystemClock);
    match functions::reckoning::load_notice(store.as_ref(), notice, &by, now, None).await {
        Ok(done) => {
            println!(
                "{} {}: {} open case(s) looked at, {} recounted, {} conflict(s) left to the sweep",
                done.year,
                done.outcome.code(),
                done.report.examined,
                done.report.recomputed,
                done.report.conflicts
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("local: {e}");
            ExitCode::FAILURE
        }
    }
}

// Long: the local command line: each subcommand in turn.
#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().map(String::as_str) == Some("calendar-load") {
        argv.next();
        return calendar_load(argv).await;
    }
    let args = match parse_args(argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "local: {e}\nusage: local [--port N] [--data DIR] [--spa DIR] [--demo-accounts]"
            );
            return ExitCode::from(2);
        }
    };
    let dynamodb = local::DynamoConfig::from_env();
    // The embedded store is this machine's own; a DynamoDB endpoint may be shared or hold real
    // data, so the demo accounts (demo-admin among them, password `demo`) go there only on request.
    let demo_accounts = dynamodb.is_none() || args.demo_accounts;
    let config = LocalConfig {
        data_dir: args.data_dir,
        spa_dir: args.spa_dir,
        dynamodb,
        fixed_now: None,
        clock: None,
        demo_accounts,
    };
    let (app, state) = match local::app_and_state(&config).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("local: {e}");
            return ExitCode::FAILURE;
        }
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("local: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let url = match listener.local_addr() {
        Ok(a) => format!("http://{a}/"),
        Err(_) => format!("http://{addr}/"),
    };
    println!("计生证件网上办 is running at {url}");
    match &config.dynamodb {
        None => println!("  data: {}", config.data_dir.display()),
        Some(d) => println!("  data: DynamoDB table {} at {}", d.table, d.endpoint),
    }
    if config.demo_accounts {
        println!("  demo staff accounts (local runs only), password `demo`:");
        for (username, name, role, division) in functions::demo::DEMO_ACCOUNTS {
            println!(
                "    {username:<16} {:<17} {:<13} {name}",
                role.code(),
                division.unwrap_or("-")
            );
        }
    } else {
        println!("  no demo accounts on a DynamoDB endpoint (pass --demo-accounts to create them)");
    }
    println!("  stop: Ctrl-C");
    // The notifications dispatcher (issue 20): every two seconds, into
    // `<data>/notifications.jsonl`.
    if let Some(messages) = state.messages.clone() {
        let clock = state.clock.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(2));
            loop {
                every.tick().await;
                if let Err(e) = functions::outbox::dispatch_once(
                    messages.outbox.as_ref(),
                    messages.notifier.as_ref(),
                    clock.now(),
                    "local",
                )
                .await
                {
                    tracing::error!("notification dispatch failed: {e}");
                }
            }
        });
    }
    // The scheduled sweep of AWS (EventBridge → `sweep`), here every hour from the start.
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            if let Err(e) = functions::sweep::run(&state).await {
                tracing::error!("deadline sweep failed: {e}");
            }
        }
    });
    match local::serve(listener, app, local::shutdown_signal()).await {
        Ok(()) => {
            println!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("local: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn defaults_are_port_8080_and_data() {
        let a = parse_args(args(&[])).unwrap();
        assert_eq!(a.port, 8080);
        assert_eq!(a.data_dir, PathBuf::from("data"));
        assert!(a.spa_dir.is_none());
        assert!(!a.demo_accounts, "asked for, never assumed");
    }

    #[test]
    fn flags_are_read() {
        let a = parse_args(args(&[
            "--port",
            "9",
            "--data",
            "/tmp/x",
            "--spa",
            "d",
            "--demo-accounts",
        ]))
        .unwrap();
        assert!(a.demo_accounts);
        assert_eq!(a.port, 9);
        assert_eq!(a.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(a.spa_dir, Some(PathBuf::from("d")));
    }

    #[test]
    fn bad_flags_are_explained() {
        assert!(
            parse_args(args(&["--port", "x"]))
                .unwrap_err()
                .contains("--port")
        );
        assert!(
            parse_args(args(&["--port"]))
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(
            parse_args(args(&["--bogus"]))
                .unwrap_err()
                .contains("unknown")
        );
    }
}
