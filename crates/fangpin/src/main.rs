//! `fangpin`: the binary. It composes the command line (`fangpin-cli`) with
//! the HTTP server (`fangpin-server`): it parses the arguments, runs the
//! command, and starts the server for `serve` and `demo`.
//!
//! May depend on: `fangpin-cli`, `fangpin-server` and the runtime and
//! argument libraries (tokio, clap, anyhow).
//! May not hold: command logic (it belongs in `fangpin-cli`) or use cases
//! (they belong in `fangpin-app`).

use anyhow::{Context, Result};
use clap::Parser;
use fangpin_cli::{Cli, Launch, Outcome};
use fangpin_server::AppState;

// mimalloc for Rust and, through its `override` feature, for the bundled
// SQLite too: SQLite's driver copies every value of every row it hands over
// with the C allocator, and glibc's malloc took a quarter of a bulk export
// (export CSV of 100,000 households 9.7 s → 7.2 s; docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the whole chain of causes on one line, in Chinese.
            eprintln!("错误：{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    fangpin_cli::init_logging();
    match fangpin_cli::run(Cli::parse()).await? {
        Outcome::Done => Ok(()),
        Outcome::Serve(launch) => serve(launch).await,
    }
}

/// Builds the server's state from `launch` and serves until shut down.
async fn serve(launch: Launch) -> Result<()> {
    let Launch { store, serve, demo } = launch;
    let mut state = match &demo {
        Some(d) => AppState::demo(store, d.password),
        None => AppState::new(store),
    };
    state.trusted_proxies = serve.trusted_proxies.into();
    state.secure_cookie = serve.secure_cookie;
    if let Some(now) = demo.as_ref().and_then(|d| d.fixed_now) {
        state.clock = fangpin_server::Clock::fixed(now);
    }
    let banner = demo.map(|d| d.banner);
    let bind = serve.bind;
    fangpin_server::serve(state, bind, |addr| {
        println!("fangpin 已启动：http://{addr}/");
        if let Some(b) = banner {
            println!("{b}");
        }
    })
    .await
    .with_context(|| format!("无法在 {bind} 上启动服务"))
}
