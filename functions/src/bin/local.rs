//! `local`: the whole system in one process on 127.0.0.1 (started by `cargo xtask run`).
//!
//! Usage: `local [--port N] [--data DIR] [--spa DIR]`.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use functions::local::{self, LocalConfig};

#[derive(Debug)]
struct Args {
    port: u16,
    data_dir: PathBuf,
    spa_dir: Option<PathBuf>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        port: 8080,
        data_dir: PathBuf::from("data"),
        spa_dir: None,
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
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("local: {e}\nusage: local [--port N] [--data DIR] [--spa DIR]");
            return ExitCode::from(2);
        }
    };
    let config = LocalConfig {
        data_dir: args.data_dir,
        spa_dir: args.spa_dir,
        dynamodb: local::DynamoConfig::from_env(),
        fixed_now: None,
        clock: None,
        demo_accounts: true,
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
    println!("  demo staff accounts (local runs only), password `demo`:");
    for (username, name, role, division) in functions::auth::DEMO_ACCOUNTS {
        println!(
            "    {username:<16} {:<17} {:<13} {name}",
            role.code(),
            division.unwrap_or("-")
        );
    }
    println!("  stop: Ctrl-C");
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
    }

    #[test]
    fn flags_are_read() {
        let a = parse_args(args(&["--port", "9", "--data", "/tmp/x", "--spa", "d"])).unwrap();
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
