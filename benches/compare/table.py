#!/usr/bin/env python3
"""The issue-12 table from compare.sh's first-open and reopen runs.

    python3 benches/compare/table.py RESULTS_DIR [NAME ...]

RESULTS_DIR holds NAME-first.json and NAME-reopen.json (essay, book, big)
and NAME-first-page.json, NAME-reopen-page.json (the resizes again, every
program showing a full page of text: the row marked "a full page")
written by ttyperf with marginote (as `marginote`, or `before` and `after`
when two builds were compared) beside less, vim and most in one interleaved
run. Prints one Markdown table per case: each marginote build's median, the
best peer's median and which peer, and the ratio (marginote / best peer).
Reopen: marginote opens at a saved position mid-file with a few notes; the
peers open at the top (they remember nothing), so the launch row compares
the first readable screen of each.

A peer's median counts as the best only when it has at least a quarter of
the samples marginote has in that row: a resize that changes nothing on a
peer's screen is not timed, and a "median" of the one resize in 24 that
changed something (less on the 50 MB text after the far search, stop 47:
0.10-0.16 ms, under the harness's own echo of a key) is no measure of its
repaint. Such figures are listed under the table, not hidden.
"""
import json
import os
import sys

PEERS = ("less", "vim", "most")
# The share of marginote's samples a peer needs for its median to count.
MIN_SHARE = 0.25
ROWS = [
    ("launch ready ms", "launch → first screen"),
    ("key line ms", "line down"),
    ("key pgdn ms", "page down"),
    ("key pgup ms", "page up"),
    ("key top ms", "top"),
    ("key end ms", "bottom (G)"),
    ("key search ms", "search, far hit"),
    ("resize ms", "resize → repaint"),
    ("page:resize ms", "resize → repaint, a full page on every screen"),
    ("peak RSS MiB", "peak memory MiB"),
]
SIZES = {"essay": "12 KB", "book": "3.3 MB", "big": "50 MB"}


def main():
    res = sys.argv[1]
    names = sys.argv[2:] or list(SIZES)
    for case in ("first", "reopen"):
        data = {}
        for n in names:
            p = os.path.join(res, f"{n}-{case}.json")
            if os.path.exists(p):
                with open(p) as f:
                    data[n] = json.load(f)["summary"]
                page = os.path.join(res, f"{n}-{case}-page.json")
                if os.path.exists(page):
                    with open(page) as f:
                        for prog, figures in json.load(f)["summary"].items():
                            for k, v in figures.items():
                                data[n].setdefault(prog, {})["page:" + k] = v
        if not data:
            continue
        mine = [m for m in ("marginote", "before", "after") if any(m in d for d in data.values())]
        print(f"\n### {'first open' if case == 'first' else 'reopen at a saved position'}\n")
        head = ["step", "input"] + mine + ["best peer"] + [f"{m} ratio" for m in mine]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        left_out = []
        for key, label in ROWS:
            for n, d in data.items():
                vals = {m: d.get(m, {}).get(key, {}).get("median") for m in mine}
                if all(v is None for v in vals.values()):
                    continue
                most_n = max(d.get(m, {}).get(key, {}).get("n", 0) for m in mine)
                peers = []
                for p in PEERS:
                    fig = d.get(p, {}).get(key)
                    if not fig or fig.get("median") is None:
                        continue
                    if fig.get("n", most_n) < MIN_SHARE * most_n:
                        left_out.append(
                            f"{p}, {label}, {SIZES.get(n, n)}: {fig['median']:g} from "
                            f"{fig.get('n')} sample(s) against marginote's {most_n}"
                        )
                        continue
                    peers.append((fig["median"], p))
                best = min(peers) if peers else None
                cells = [label, SIZES.get(n, n)]
                cells += ["-" if v is None else f"{v:g}" for v in vals.values()]
                cells.append(f"{best[0]:g} ({best[1]})" if best else "-")
                for v in vals.values():
                    cells.append(f"{v / best[0]:.2f}×" if best and v is not None and best[0] > 0 else "-")
                print("| " + " | ".join(cells) + " |")
        for line in left_out:
            print(f"\nLeft out as the best peer (too few samples): {line}.")


if __name__ == "__main__":
    main()
