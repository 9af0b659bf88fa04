//! `fangpin-load`: drives a running fangpin server the way many cadres at
//! once would (`load`), or kills it with SIGKILL again and again while it
//! saves and imports and checks what survived (`crash`). See
//! `scripts/load.sh` and `scripts/crash.sh`.

mod crash;
mod import_file;
mod load;
mod session;
mod stats;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "fangpin-load", about = "fangpin 负载测试与崩溃测试")]
struct Cli {
    #[command(subcommand)]
    command: Mode,
}

#[derive(Subcommand)]
enum Mode {
    /// Concurrent sessions against a running server; prints requests/s,
    /// p50/p99 and errors per kind of request.
    Load(load::LoadArgs),
    /// Rounds of kill -9 during saves and imports, each followed by checks.
    Crash(crash::CrashArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
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
    let outcome = runtime.block_on(async {
        match cli.command {
            Mode::Load(args) => load::run(args).await,
            Mode::Crash(args) => crash::run(args).await,
        }
    });
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
