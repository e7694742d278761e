#!/usr/bin/env python3
"""Issue 12: a note saved with a big notes file, the next key, then quit.

Runs marginote in a pseudo-terminal (120x40, fresh HOME, a fresh copy of
the notes file each round) on ROOT/book.txt made by big_notes.py, waits
until the Notes pane shows the notes loaded, writes a note (a, words),
then sends enter and "?" at once, and reports, from the moment enter is
sent:
  key     - when the help overlay (" Keys ", opened by the "?") is on
            screen: the next key's frame, while the save runs (or after
            it, when the save holds the loop),
  disk    - when the notes file was replaced on disk (its inode changed:
            saves rename a new file over it), polled every 5 ms,
  saved   - when "note saved" is on the status line (the help leaves it
            in view),
  quit    - after esc (closing the help) and q, how long until the
            process has exited,
  notes   - how many notes the file on disk holds after.

    python3 benches/compare/save_then_key.py BINARY ROOT [ROUNDS]
"""
import os, pty, select, shutil, signal, subprocess, sys, tempfile, threading, time
import pyte

binary, root = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
notes_dir = os.path.join(root, "data", "notes")
pristine = os.path.join(root, "pristine.toml")
target = [os.path.join(notes_dir, f) for f in os.listdir(notes_dir) if f.endswith(".toml")][0]
if not os.path.exists(pristine):
    shutil.copy(target, pristine)


class Term:
    def __init__(self, argv, env):
        self.screen = pyte.Screen(120, 40)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Condition()
        pid, fd = pty.fork()
        if pid == 0:
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        import fcntl, struct, termios
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.eof = False
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            with self.lock:
                if not data:
                    self.eof = True
                    self.lock.notify_all()
                    return
                self.stream.feed(data)
                self.lock.notify_all()

    def text(self):
        return "\n".join(self.screen.display)

    def wait(self, needle, limit=120):
        end = time.monotonic() + limit
        with self.lock:
            while needle not in self.text():
                left = end - time.monotonic()
                if left <= 0:
                    raise SystemExit(f"timeout waiting for {needle!r}\n{self.text()}")
                self.lock.wait(left)
        return time.monotonic()

    def wait_gone(self, needle, limit=120):
        end = time.monotonic() + limit
        with self.lock:
            while needle in self.text():
                left = end - time.monotonic()
                if left <= 0:
                    raise SystemExit(f"timeout waiting for {needle!r} to go\n{self.text()}")
                self.lock.wait(left)

    def send(self, b):
        os.write(self.fd, b)


for r in range(rounds):
    shutil.copy(pristine, target)
    home = tempfile.mkdtemp()
    env = {"PATH": os.environ["PATH"], "TERM": "xterm-256color", "LANG": "C.UTF-8", "HOME": home}
    t = Term([binary, "--data-dir", os.path.join(root, "data"), os.path.join(root, "book.txt")], env)
    t.wait("this document (6459")
    t.send(b"a")
    t.wait("Note on")
    t.send(b"saver round %d" % r)
    t.wait("saver round %d" % r)
    inode = os.stat(target).st_ino
    replaced = []

    def watch(t0):
        while time.monotonic() - t0 < 120:
            try:
                if os.stat(target).st_ino != inode:
                    replaced.append(time.monotonic() - t0)
                    return
            except FileNotFoundError:
                pass
            time.sleep(0.005)

    t0 = time.monotonic()
    t.send(b"\r")
    t.send(b"?")
    watcher = threading.Thread(target=watch, args=(t0,), daemon=True)
    watcher.start()
    key = t.wait(" Keys ") - t0
    saved = t.wait("note saved") - t0
    t.send(b"\x1b")
    # q only once esc was taken: "\x1bq" read at once is alt-q (unbound),
    # which left the help open and the process running.
    t.wait_gone(" Keys ")
    watcher.join()
    disk = replaced[0] if replaced else float("nan")
    t1 = time.monotonic()
    t.send(b"q")
    _, status = os.waitpid(t.pid, 0)
    quit_s = time.monotonic() - t1
    count = sum(1 for line in open(target) if line.startswith("[[notes]]"))
    print(f"round {r}: key {key:.3f} s  disk {disk:.3f} s  saved {saved:.3f} s  quit {quit_s:.3f} s  exit {os.waitstatus_to_exitcode(status)}  notes {count}", flush=True)
    shutil.rmtree(home, ignore_errors=True)
