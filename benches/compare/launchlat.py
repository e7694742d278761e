#!/usr/bin/env python3
"""Launch to first screen, side by side in ptys (issue 12).

Each command is started in a fresh 120x40 pty, the programs interleaved in
a new random order every round, and timed from the fork to the first byte
it writes and to the chunk that holds EXPECT (the raw bytes are searched,
no terminal is emulated, so nothing in this script competes with the
program for a core while it starts). Then `q` is typed; CPU (user and
system, all threads) and minor page faults come from the child's rusage.
`{fresh}` in a command becomes a new empty folder for every run (a first
open with nothing remembered); the folders are removed at the end.

    EXPECT='It was the first' N=60 python3 benches/compare/launchlat.py \\
        new='target/release/marginote --data-dir {fresh} book.txt' \\
        less='less book.txt' echo='/bin/echo It was the first'

A command that only prints (`/bin/echo`) gives the floor: what forking this
Python and starting a process cost here. Compare within one run only: the
machine's speed drifts between runs."""
import os, pty, random, select, shlex, shutil, statistics, struct, sys, tempfile, time
import fcntl, termios

N = int(os.environ.get("N", "40"))
EXPECT = os.environ.get("EXPECT", "").encode()
progs = [a.split("=", 1) for a in sys.argv[1:]]
made = []


def run(cmd):
    if "{fresh}" in cmd:
        made.append(tempfile.mkdtemp(prefix="launchlat-"))
        cmd = cmd.replace("{fresh}", made[-1])
    argv = shlex.split(cmd)
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execvp(argv[0], argv)
    t0 = time.perf_counter()
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 960, 640))
    buf, first, found = b"", None, None
    while found is None:
        if not select.select([fd], [], [], 2.0)[0]:
            break
        try:
            data = os.read(fd, 1 << 16)
        except OSError:
            break
        t = time.perf_counter()
        first = first or t
        buf += data
        if EXPECT in buf:
            found = t
    # Let it settle, then quit and collect what it used.
    end = time.perf_counter() + 0.05
    while time.perf_counter() < end:
        if select.select([fd], [], [], 0.01)[0]:
            try:
                os.read(fd, 1 << 16)
            except OSError:
                break
    os.write(fd, b"q")
    _, _, use = os.wait4(pid, 0)
    os.close(fd)
    ms = lambda t: (t - t0) * 1000 if t else float("nan")
    return ms(first), ms(found), (use.ru_utime + use.ru_stime) * 1000, use.ru_minflt


res = {name: [] for name, _ in progs}
for _ in range(N):
    order = progs[:]
    random.shuffle(order)
    for name, cmd in order:
        res[name].append(run(cmd))
for d in made:
    shutil.rmtree(d, ignore_errors=True)
for name, runs in res.items():
    med = lambda i: statistics.median(r[i] for r in runs)
    print(f"{name:10s} first byte {med(0):.2f} ms  expected text {med(1):.2f} ms  "
          f"cpu {med(2):.2f} ms  minor faults {med(3):.0f}  ({len(runs)} runs)")
