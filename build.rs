//! Embeds the bundled reading list (`essays/`) in the binary, so `marginote`
//! with no arguments works from any folder after `cargo install`; writes
//! search's tables of accented and cased letters (`src/search/letters.rs`);
//! and links the binary with packed relative relocations and its hot code
//! together where the system takes them.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::{env, fs};

#[path = "src/search/letters.rs"]
#[allow(dead_code)]
mod letters;

fn main() {
    pack_relative_relocs();
    order_hot_code();
    letter_tables();
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
        // The path is made when the crate compiles, from the folder it
        // compiles in: a path written here would be the folder this
        // script last ran in, and a checkout moved or copied beside a
        // shared target folder did not build.
        writeln!(
            out,
            "    ({n:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/essays/\", {n:?}))),"
        )
        .expect("write to string");
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("essays.rs");
    fs::write(dest, out).expect("write essays.rs");
}

/// Writes `letters.rs`: the two tables of [`letters::walk`] as sorted
/// static arrays, looked up by binary search (`src/search/pattern.rs`).
/// Each is a key array holding where its letters end and one array of all
/// the letters, so nothing in it is a pointer: a slice per key put 2,400
/// addresses in the binary for the loader to relocate, 14 pages copied at
/// every launch before `main` (issue 12).
fn letter_tables() {
    println!("cargo:rerun-if-changed=src/search/letters.rs");
    let (by_base, by_fold) = letters::walk();
    let mut out = String::new();
    for (name, table) in [("BY_BASE", by_base), ("BY_FOLD", by_fold)] {
        let (mut keys, mut all) = (String::new(), String::new());
        let mut end = 0u32;
        for (key, letters) in table {
            end += u32::try_from(letters.len()).expect("a few hundred letters a key");
            writeln!(keys, "        ({key:?}, {end}),").expect("write to string");
            for c in letters {
                write!(all, "{c:?},").expect("write to string");
            }
            all.push('\n');
        }
        writeln!(
            out,
            "pub static {name}: Table = Table {{\n    keys: &[\n{keys}    ],\n    letters: &[\n{all}],\n}};"
        )
        .expect("write to string");
    }
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("letters.rs");
    fs::write(dest, out).expect("write letters.rs");
}

/// Lays out the functions a reading session runs (`link/hot-code.txt`,
/// written by `benches/compare/hot_code.py`) together at the start of the
/// release binary's code: the kernel maps code 64 KB around each page
/// touched, and the 2 MB a session runs, spread over 6 MB, kept 4 MiB of it
/// in memory (issue 12). Only lld takes the list (rustc links with it on
/// x86-64 Linux since 1.90): a tiny program is linked with it first, as
/// rustc will link ours. Names the list lacks, or has and the binary lacks,
/// change nothing but where code lies.
fn order_hot_code() {
    println!("cargo:rerun-if-changed=link/hot-code.txt");
    let (Ok(profile), Ok(manifest), Ok(out), Ok(rustc)) = (
        env::var("PROFILE"),
        env::var("CARGO_MANIFEST_DIR"),
        env::var("OUT_DIR"),
        env::var("RUSTC"),
    ) else {
        return;
    };
    let list = Path::new(&manifest).join("link").join("hot-code.txt");
    if profile != "release" || !list.is_file() {
        return;
    }
    let args = [
        format!("-Wl,--symbol-ordering-file={}", list.display()),
        "-Wl,--no-warn-symbol-ordering".to_string(),
    ];
    let dir = Path::new(&out);
    let (src, exe) = (dir.join("order_probe.rs"), dir.join("order_probe"));
    if fs::write(&src, "fn main() {}\n").is_err() {
        return;
    }
    let mut probe = Command::new(rustc);
    probe.arg(&src).arg("-o").arg(&exe);
    if let Ok(target) = env::var("TARGET") {
        probe.args(["--target", &target]);
    }
    for arg in &args {
        probe.arg("-C").arg(format!("link-arg={arg}"));
    }
    let linked = probe.stdin(Stdio::null()).output();
    if linked.is_ok_and(|o| o.status.success() && o.stderr.is_empty()) {
        for arg in &args {
            println!("cargo:rustc-link-arg-bins={arg}");
        }
    }
}

/// Links the binary with packed relative relocations (`DT_RELR`) when the
/// linker and the C library take them (GNU ld 2.38, lld 15 and glibc 2.36
/// on). The loader then reads a few kilobytes of bitmaps instead of 32,000
/// 24-byte entries (most of them the HTML and Markdown entity tables) before
/// `main`: about 0.15 ms of every launch, and 0.75 MB off the binary
/// (issue 12).
///
/// Tried on a one-line C program first, linked the way rustc links and then
/// run: a linker that does not know the option (it warns), or a C library
/// too old to load the result, leaves the build as it was. Only for native
/// builds on glibc; a cross build is left alone.
fn pack_relative_relocs() {
    let (Ok(target), Ok(host), Ok(out)) =
        (env::var("TARGET"), env::var("HOST"), env::var("OUT_DIR"))
    else {
        return;
    };
    if target != host || !target.ends_with("-linux-gnu") {
        return;
    }
    let dir = Path::new(&out);
    let (src, exe) = (dir.join("relr_probe.c"), dir.join("relr_probe"));
    if fs::write(&src, "int main(void) { return 0; }\n").is_err() {
        return;
    }
    let linker = env::var("RUSTC_LINKER").unwrap_or_else(|_| "cc".to_string());
    let linked = Command::new(linker)
        .args(["-fPIE", "-pie", "-Wl,-z,pack-relative-relocs", "-o"])
        .arg(&exe)
        .arg(&src)
        .stdin(Stdio::null())
        .output();
    let clean = linked.is_ok_and(|o| o.status.success() && o.stderr.is_empty());
    let runs = clean
        && Command::new(&exe)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    if runs {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
