//! Embeds the bundled reading list (`essays/`) in the binary, so `marginote`
//! with no arguments works from any folder after `cargo install`.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let essays = Path::new(&manifest).join("essays");
    println!("cargo:rerun-if-changed=essays");
    let mut names: Vec<String> = fs::read_dir(&essays)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.') && (n.ends_with(".md") || n.ends_with(".txt")))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("pub static ESSAYS: &[(&str, &str)] = &[\n");
    for n in &names {
        println!("cargo:rerun-if-changed=essays/{n}");
        let path = essays.join(n);
        writeln!(
            out,
            "    ({n:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("write to string");
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("essays.rs");
    fs::write(dest, out).expect("write essays.rs");
}
