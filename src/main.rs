//! The `tieup` command line: parses arguments, validates them into a request, calls the
//! library and renders the answer. All ranking work lives in the library.

mod cli;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // The clap definitions with every command's examples and exit codes (`cli::help`).
    let matches = cli::help::command().get_matches();
    let args = match <cli::args::Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(args) => args,
        Err(error) => error.exit(),
    };
    // An interrupted run removes the temporary files of its unfinished outputs; the outputs
    // themselves are only ever renamed into place, so nothing half-written remains. `serve`
    // writes no files and handles Ctrl-C itself (it finishes the requests in flight).
    if !matches!(args.command, cli::args::Command::Serve(_)) {
        let _ = ctrlc::set_handler(|| {
            tieup_core::fsutil::remove_temporary_files();
            std::process::exit(i32::from(cli::EXIT_INTERRUPTED));
        });
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = cli::run(args, &mut out).and_then(|()| out.flush().map_err(anyhow::Error::from));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if cli::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "error: {error}");
            for cause in error.chain().skip(1) {
                let _ = writeln!(stderr, "  caused by: {cause}");
            }
            ExitCode::from(cli::exit_code(&error))
        }
    }
}
