#!/usr/bin/env python3
"""Key latency and CPU per key, side by side in ptys (issue 12).

Each program runs in its own 120x40 pty; every key is sent to each in
turn, and its latency is the time from the write to the last byte of the
answer (3 ms of quiet ends an answer; the quiet is not counted). CPU per
key is read from /proc/PID/task/*/schedstat (all threads, user and
system) before and after, and from /proc/PID/stat (user, system).

    KEYS=jk N=3000 GAP=0.002 python3 benches/compare/keylat.py \
        new='target/release/marginote --data-dir /tmp/d essays/05-the-great-terror.md' \
        less='less essays/05-the-great-terror.md'

KEYS cycles; GAP is the pause after each key; EXPECT waits for a text at
start; KILLSIG/AFTER stop a program wrapped in `perf record` cleanly.
Compare within one run only: the machine's speed drifts."""
import os, pty, sys, time, select, statistics, signal, struct, fcntl, termios, shlex
N = int(os.environ.get("N", "300")); KEYS = os.environ.get("KEYS", "jk")
QUIET = 0.003; GAP = float(os.environ.get("GAP", "0.004"))
EXPECT = os.environ.get("EXPECT", "").encode()
progs = [a.split("=", 1) for a in sys.argv[1:]]
def spawn(cmd):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execvp("sh", ["sh", "-c", "exec " + cmd])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    buf = b""; t0 = time.time()
    while time.time() - t0 < 10:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try: buf += os.read(fd, 1 << 16)
            except OSError: break
        elif (not EXPECT or EXPECT in buf) and buf and time.time() - t0 > 0.5: break
    return pid, fd
def drain(fd):
    while select.select([fd], [], [], 0.02)[0]:
        try: os.read(fd, 1 << 16)
        except OSError: return
def one(fd, key):
    t = time.perf_counter(); os.write(fd, key); last = None; n = 0
    while True:
        r, _, _ = select.select([fd], [], [], QUIET if last else 1.0)
        if not r: break
        d = os.read(fd, 1 << 16); n += len(d); last = time.perf_counter()
    return ((last or t) - t) * 1000, n
def tasks(pid):
    out = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try: out[task + ":" + open(f"/proc/{pid}/task/{task}/comm").read().strip()] = int(open(f"/proc/{pid}/task/{task}/schedstat").read().split()[0])
        except OSError: pass
    return out
def ust(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]), int(f[12])
def cpu(pid):
    t = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try: t += int(open(f"/proc/{pid}/task/{task}/schedstat").read().split()[0])
        except OSError: pass
    return t
ps = [(name, *spawn(cmd)) for name, cmd in progs]
c0 = {name: cpu(pid) for name, pid, fd in ps}
t0 = {name: tasks(pid) for name, pid, fd in ps}
u0 = {name: ust(pid) for name, pid, fd in ps}
res = {name: [] for name, *_ in ps}; by = {name: [] for name, *_ in ps}
for i in range(N):
    k = KEYS[i % len(KEYS)].encode()
    for name, pid, fd in ps:
        ms, n = one(fd, k); res[name].append(ms); by[name].append(n)
        time.sleep(GAP)
c1 = {name: cpu(pid) for name, pid, fd in ps}
for name, pid, fd in ps:
    t1 = tasks(pid); u1 = ust(pid); tick = os.sysconf("SC_CLK_TCK")
    print(name, "user/key %.4f sys/key %.4f ms" % ((u1[0]-u0[name][0])/tick/N*1e3, (u1[1]-u0[name][1])/tick/N*1e3))
    print(name, {k: round((v - t0[name].get(k, 0)) / N / 1e6, 4) for k, v in t1.items()})
for name, pid, fd in ps:
    print(f"{name:10s} cpu/key {(c1[name]-c0[name])/N/1e6:.4f} ms (all threads)")
    v = sorted(res[name]); p95 = v[int(len(v) * .95)]
    print(f"{name:10s} median {statistics.median(v):.3f} ms  p95 {p95:.3f}  mean {statistics.mean(v):.3f}  bytes/key {statistics.median(by[name]):.0f}")
    os.kill(pid, int(os.environ.get("KILLSIG", "9"))); time.sleep(float(os.environ.get("AFTER", "0")))
