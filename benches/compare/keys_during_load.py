#!/usr/bin/env python3
"""Keys typed while a document is still loading: how soon does each change the screen?

ttyperf (given as the first argument) times keys only once the launch screen has settled, which
for a big file is after its load has ended. This script reuses ttyperf's pseudo-terminal session
(its reader thread timestamps, its pyte screen, its fresh $HOME per run) but types the key script
the moment the expected first screen appears, one key after another as soon as the last one
changed the screen (or after --gap seconds without a change), and reports for each key the time
to the first visible change. A key that changes nothing within --gap counts as held.

    python3 benches/compare/keys_during_load.py ../shared/bench/ttyperf.py \
        --expect 'This big text opens' --keys 'Down*5 PgDn*5 G Down*3' --rounds 3 \
        --run marginote='target/release/marginote big.txt' --run less='less big.txt'

Runs are interleaved (A B A B ...); compare within one run. Commands run under /bin/sh -c.
"""
import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile


def load_ttyperf(path):
    spec = importlib.util.spec_from_file_location("ttyperf", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    # The orphan-right-half fix of ttyperf_wide.py (beside this file).
    import pyte
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import ttyperf_wide
    pyte.Screen.display = property(ttyperf_wide.display)
    return mod


def one_run(tt, cmd, expect, opts):
    home = tempfile.mkdtemp(prefix="keys-during-load-")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TERM": "xterm-256color",
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "LESSHISTFILE": "-"}
    cols, lines = (int(x) for x in opts.size.split("x"))
    s = tt.Session(["/bin/sh", "-c", cmd], cols, lines, env, None, [])
    out = {"keys": [], "ready_ms": None}
    try:
        ready = s.wait_for(expect, 30.0)
        if ready is None:
            out["error"] = "never showed the expected text"
            return out
        out["ready_ms"] = round((ready - s.t0) * 1000, 2)
        until = tt.now() + opts.delay
        while tt.now() < until:
            s.pump(until)
        for step in tt.parse_script(opts.keys):
            t = tt.now()
            s.write(tt.key_bytes(step["key"], s.screen.app_cursor))
            # Pump until the first change after the key, or --gap passes.
            while tt.now() - t < opts.gap:
                s.pump(min(t + opts.gap, tt.now() + 0.002))
                if s.first_change_since(t) is not None:
                    break
            first = s.first_change_since(t)
            out["keys"].append({"key": step["label"],
                                "since_ready_ms": round((t - ready) * 1000, 2),
                                "first_ms": None if first is None else round((first - t) * 1000, 2),
                                "loading": "loading…" in s.text()})
    finally:
        s.close([b"q"])
        shutil.rmtree(home, ignore_errors=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ttyperf")
    ap.add_argument("--run", action="append", required=True, metavar="NAME=COMMAND")
    ap.add_argument("--expect", required=True)
    ap.add_argument("--set", action="append", default=[], metavar="NAME.expect=TEXT",
                    help="another expected first screen for one command (a peer opens at the top)")
    ap.add_argument("--keys", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--size", default="120x40")
    ap.add_argument("--gap", type=float, default=0.5,
                    help="seconds a key may take to change the screen before it counts as held")
    ap.add_argument("--delay", type=float, default=0.0,
                    help="seconds to wait after the first screen before the first key")
    opts = ap.parse_args()
    tt = load_ttyperf(opts.ttyperf)
    runs = [r.split("=", 1) for r in opts.run]
    results = {name: [] for name, _ in runs}
    expects = {}
    for item in opts.set:
        key, _, text = item.partition("=")
        name, _, field = key.partition(".")
        if field != "expect":
            sys.exit(f"--set: only NAME.expect=TEXT is understood, not {item!r}")
        expects[name] = text
    for rnd in range(opts.rounds):
        order = runs if rnd % 2 == 0 else list(reversed(runs))
        for name, cmd in order:
            r = one_run(tt, cmd, expects.get(name, opts.expect), opts)
            results[name].append(r)
            shown = " ".join(
                f"{k['key']}:{'—' if k['first_ms'] is None else k['first_ms']}{'*' if k['loading'] else ''}"
                for k in r["keys"])
            print(f"round {rnd + 1} {name}: ready {r['ready_ms']} ms; first change per key "
                  f"(ms; * = 'loading…' on screen after it): {shown}", file=sys.stderr)
    print(f"| program | keys | changed within 5 ms | median first change (ms) | worst (ms) | "
          f"no change within {opts.gap * 1000:.0f} ms |")
    print("|---|---|---|---|---|---|")
    for name, _ in runs:
        firsts = [k["first_ms"] for r in results[name] for k in r["keys"]]
        seen = [f for f in firsts if f is not None]
        within = sum(1 for f in seen if f <= 5.0)
        med = round(statistics.median(seen), 2) if seen else None
        worst = max(seen) if seen else None
        print(f"| {name} | {len(firsts)} | {within} | {med} | {worst} | {len(firsts) - len(seen)} |")


if __name__ == "__main__":
    main()
