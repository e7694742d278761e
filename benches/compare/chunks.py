#!/usr/bin/env python3
"""When each piece of a program's output reaches the terminal (issue 12).

Runs the command in a 120x40 pty and prints, for every read of its
output, the time since it started, the bytes, and their last 80 bytes;
RESIZE=1 also resizes it as compare.sh does (100x40, 120x40, 80x24,
120x40, 0.2 s apart) and prints each resize among the reads. The pty
hands over at most 4,095 bytes per read: a frame larger than that
arrives in pieces.

    python3 benches/compare/chunks.py 'target/release/marginote --data-dir /tmp/d big.txt' 1.0
"""
import os, pty, sys, time, select, struct, fcntl, termios, signal
cmd = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execvp("sh", ["sh", "-c", "exec " + cmd])
def size(columns, lines):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    os.kill(pid, signal.SIGWINCH)
size(120, 40)
plan = [(0.4, (100, 40)), (0.6, (120, 40)), (0.8, (80, 24)), (1.0, (120, 40))]
if not os.environ.get("RESIZE"):
    plan = []
t0 = time.time()
while time.time() - t0 < seconds:
    if plan and time.time() - t0 > plan[0][0]:
        print(f"{(time.time() - t0) * 1000:8.2f} ms resize {plan[0][1]}")
        size(*plan.pop(0)[1])
    if select.select([fd], [], [], 0.005)[0]:
        try:
            data = os.read(fd, 1 << 16)
        except OSError:
            break
        print(f"{(time.time() - t0) * 1000:8.2f} ms {len(data):6d} B  {data[-80:]!r}")
os.write(fd, b"q")
time.sleep(0.3)
os.kill(pid, signal.SIGKILL)
