//! Writes the benchmark inputs of issue 6 into a folder:
//!
//!     cargo run --release --example gen_inputs -- OUTDIR
//!
//! `essay-10k.md`, `book-3m.txt`, `big-50m.txt` and `library-10k/` (10,000
//! small documents). The output is the same on every run and machine; the
//! generator lives in `benches/support/inputs.rs`, shared with
//! `benches/engine.rs`, and `benches/compare/compare.sh` runs this to feed the
//! end-to-end comparison with less, vim and most.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[path = "../benches/support/inputs.rs"]
mod inputs;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(out), None) = (args.next(), args.next()) else {
        eprintln!("usage: gen_inputs OUTDIR");
        return ExitCode::from(2);
    };
    let out = PathBuf::from(out);
    let started = Instant::now();
    match inputs::generate(&out) {
        Ok((_, said)) => {
            for line in said {
                println!("{line}");
            }
            println!("generated in {:.2} s", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_inputs: cannot write into {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
