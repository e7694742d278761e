#!/usr/bin/env python3
"""Writes `link/hot-code.txt`: the functions a reading session runs, for the
linker to lay out together at the start of the code (issue 12).

The kernel maps a program's code 64 KB around each page it first touches.
Spread over 6 MB of code, the 2 MB a session runs touched 4 MiB of it: a
quarter of an essay's peak memory and a page fault for every window. Laid
out together they touch about half as much.

Each session below runs the release binary under callgrind (which counts
every function it enters, however briefly) in a 120x40 pty, types its keys
and quits. The file lists the functions of the launch session first, then
every other function any session ran, by their symbol names; `build.rs`
gives it to the linker (lld's --symbol-ordering-file) when the linker takes
it. A function renamed or new since the file was written is placed where
the linker would have put it anyway, so a stale file costs memory, never
correctness: write it again after large changes, with the toolchain the
release is built with (symbol names carry a hash of the compiler's version),
from a plain `cargo build --release` (a build that also makes an example
or a test unifies the dev-dependencies' features, and the names differ).

    cargo build --release --example gen_inputs
    target/release/examples/gen_inputs /tmp/inputs
    cargo build --release
    python3 benches/compare/hot_code.py target/release/marginote /tmp/inputs link/hot-code.txt

Needs valgrind. Takes about two minutes.
"""
import fcntl, os, pty, re, select, struct, subprocess, sys, tempfile, termios
from concurrent.futures import ThreadPoolExecutor

BIN, INPUTS, OUT = sys.argv[1:4]
MADE = None
ESC, PGDN = "\x1b", "\x1b[6~"

# (name, document or None for the bundled essays, keys). RESIZEwxh resizes.
SESSIONS = [
    ("launch", "essay-10k.md", []),
    ("essay", "essay-10k.md", [
        "j", "j", "j", PGDN, "G", "g", "/EXPLICIT", "\r", "n", "N", "g", "/the", "\r",
        "a", "a note #tag", "\r", "v", ")", "h", "m", "mark", "\r", "]", "[", "%", "o",
        ESC, "?", ESC, "RESIZE100x40", "RESIZE60x20", "RESIZE20x8", "RESIZE120x40",
        "\t", "j", "\r", "\t", "\t", "t", ESC, "E", ESC, "F", "war", "\r", ESC]),
    ("reopen", "essay-10k.md", ["j", PGDN, "]"]),
    ("book", "book-3m.txt", ["G", "g", "/ZQXBOOKHIT", "\r", "%", "50\r", "j", PGDN]),
    ("big", "big-50m.txt", [PGDN, "G", "j"]),
    ("big-reopen", "big-50m.txt", ["j"]),
    ("library", "library-10k", ["j", "\r", "\t", "\t", "j"]),
    ("bundled", None, ["j", "\t", "\t", "j", "\r"]),
    # Made below: a Markdown table of 20,000 rows, and 2 MB of the essays.
    ("table", "@table.md", ["G", "g", "/order 19990", "\r", "RESIZE60x20", "RESIZE120x40"]),
    ("prose", "@prose.md", [PGDN, "G", "/Khrushchev", "\r", "n"]),
]


def made(tmp):
    """The documents of the sessions whose names start with `@`."""
    rows = "".join(f"| {n} | order {n} signed | box {n % 9} |\n" for n in range(20000))
    with open(os.path.join(tmp, "table.md"), "w") as f:
        f.write("# Orders\n\nA long table.\n\n| n | order | where |\n|---|---|---|\n" + rows)
    essays = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "essays")
    text = "".join(open(os.path.join(essays, e)).read() + "\n\n"
                   for e in sorted(os.listdir(essays)) if e.endswith(".md"))
    with open(os.path.join(tmp, "prose.md"), "w") as f:
        f.write(text * max(1, 2_000_000 // len(text)))


def drain(fd, quiet):
    while select.select([fd], [], [], quiet)[0]:
        try:
            os.read(fd, 1 << 16)
        except OSError:
            return


def run(session, data, out):
    name, doc, keys = session
    cmd = ["valgrind", "--tool=callgrind", "--demangle=no", "--dump-instr=no",
           "--callgrind-out-file=" + out, BIN, "--data-dir", data]
    if doc:
        cmd.append(os.path.join(MADE if doc.startswith("@") else INPUTS, doc.lstrip("@")))
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    drain(fd, 3.0)
    for key in keys:
        if key.startswith("RESIZE"):
            w, h = map(int, key[6:].split("x"))
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", h, w, 0, 0))
        else:
            os.write(fd, key.encode())
        drain(fd, 1.0)
    os.write(fd, b"q")
    drain(fd, 5.0)
    os.waitpid(pid, 0)
    return out


def names(path):
    """Every function callgrind saw entered, in the order it names them."""
    ids, order = {}, []
    for line in open(path, errors="replace"):
        m = re.match(r"c?fn=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if m:
            if m.group(2):
                ids[m.group(1)] = m.group(2)
            if m.group(1) in ids:
                order.append(ids[m.group(1)])
    return order


def main():
    nm = subprocess.run(["nm", "--defined-only", BIN], capture_output=True, text=True,
                        check=True).stdout
    code = {p[2] for p in (l.split() for l in nm.splitlines()) if len(p) == 3 and p[1] in "tTwW"}
    global MADE
    with tempfile.TemporaryDirectory() as tmp:
        MADE = tmp
        made(tmp)
        # The reopen sessions open what the sessions before them saved.
        datas = {"reopen": "essay", "big-reopen": "big"}
        first = [s for s in SESSIONS if s[0] not in datas]
        later = [s for s in SESSIONS if s[0] in datas]
        data = lambda s: os.path.join(tmp, "data-" + datas.get(s[0], s[0]))
        outs = {}
        for batch in (first, later):
            with ThreadPoolExecutor(2) as pool:
                for s, out in zip(batch, pool.map(
                        lambda s: run(s, data(s), os.path.join(tmp, s[0] + ".cg")), batch)):
                    outs[s[0]] = out
        seen, hot = set(), []
        for s in SESSIONS:
            for n in names(outs[s[0]]):
                if n in code and n not in seen:
                    seen.add(n)
                    hot.append(n)
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    with open(OUT, "w") as f:
        f.write("# The functions a reading session runs, launch first: the linker lays them\n"
                "# out together (build.rs). Written by benches/compare/hot_code.py for\n"
                f"# {rustc}; read its header before editing.\n")
        f.writelines(n + "\n" for n in hot)
    print(f"{len(hot)} functions of {len(code)} written to {OUT}", file=sys.stderr)


main()
