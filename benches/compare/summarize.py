#!/usr/bin/env python3
"""Turns the ttyperf JSON files written by benches/compare/compare.sh into the table of issue 6.

    python3 benches/compare/summarize.py RESULTS_DIR

RESULTS_DIR holds essay.json, book.json, big.json (marginote, less, vim, most on the same input,
interleaved) and library.json (marginote alone: no peer lists a folder of documents).

How a target is judged (the issue: "the ratio to the best of them in the same run is the target;
the absolute medians are what they were on a 2-core machine and are a guide only"):
  * ratio: marginote's median over the best peer median of this run must stay within the ratio
    the issue gives (launch 10 KB 2.5x, keys 2x), or else within target / the issue's best
    (launch 3.3 MB 25/6, launch 50 MB 40/8, G 3/1.7 and 5/1.3, RSS 20/13, resize 5/1.1).
  * p95 (and for keys the max, "no key ever > 16 ms") are absolute, as the issue states them.
  * where no peer has the figure, the absolute median target is used; memory (RSS) is always
    judged against the issue's absolute figures (less holds almost nothing in memory).
  * the library's keys have no peer: "at key speed" is taken as the key targets (1 ms median,
    p95 3 ms, max 16 ms); the first key typed after launch must be answered within 16 ms.
The absolute median target is printed too, and whether it was met, as a guide.
"""
import json
import os
import sys

PEERS = ("less", "vim", "most")
INPUTS = {"essay": "10 KB essay", "book": "3.3 MB book", "big": "50 MB text",
          "library": "10,000 documents"}


def load(results):
    data = {}
    for key in INPUTS:
        path = os.path.join(results, f"{key}.json")
        if os.path.exists(path):
            with open(path) as f:
                data[key] = json.load(f)
    return data


def stat(data, key, name, metric):
    return data.get(key, {}).get("summary", {}).get(name, {}).get(metric)


def best_peer(data, key, metric):
    """The best peer median, of those with at least a quarter of marginote's
    samples (as table.py: a median of one resize in 24 is no measure)."""
    mine = (stat(data, key, "marginote", metric) or {}).get("n", 0)
    found = [
        (s["median"], p)
        for p in PEERS
        if (s := stat(data, key, p, metric)) and s.get("median") is not None and s.get("n", mine) >= 0.25 * mine
    ]
    return min(found) if found else None


def fmt(v):
    return "-" if v is None else f"{v:g}"


def judge(data, key, metric, what, med_abs, ratio, p95_abs=None, max_abs=None, unit="ms"):
    """One table row: returns (cells, met) with met True/False/None (not measured). `ratio`
    None judges the median against `med_abs` only (memory, and where no peer has the figure)."""
    m = stat(data, key, "marginote", metric)
    if not m:
        return [what, INPUTS[key], "not measured", "-", "-", "-", "-"], None
    best = best_peer(data, key, metric)
    problems = []
    best_cell, ratio_cell = "-", "-"
    if best and best[0] > 0:
        r = m["median"] / best[0]
        best_cell, ratio_cell = f"{best[1]} {fmt(best[0])}", f"{r:.2f}x"
    if ratio is not None and best and best[0] > 0:
        if r > ratio:
            problems.append(f"ratio {r:.2f}x > {ratio:.2f}x")
    elif m["median"] > med_abs:
        problems.append(f"median > {med_abs:g} {unit}")
    if p95_abs is not None and m["p95"] > p95_abs:
        problems.append(f"p95 > {p95_abs:g} {unit}")
    if max_abs is not None and m["max"] > max_abs:
        problems.append(f"max > {max_abs:g} {unit}")
    target = f"≤ {med_abs:g} {unit}" + (f" (≤ {ratio:.2f}x)" if ratio is not None else "")
    if p95_abs is not None:
        target += f", p95 ≤ {p95_abs:g}"
    if max_abs is not None:
        target += f", max ≤ {max_abs:g}"
    guide = "" if m["median"] <= med_abs else f" (median above the {med_abs:g} {unit} guide)"
    verdict = ("yes" + guide) if not problems else "**no**: " + "; ".join(problems)
    cells = [what, INPUTS[key], f"{fmt(m['median'])} / {fmt(m['p95'])} / {fmt(m['max'])} (n={m['n']})",
             best_cell, ratio_cell, target, verdict]
    return cells, not problems


def lost_keys(data):
    """Per program: measured steps with no visible answer, a timeout or a missing expected text."""
    out = {}
    for key, d in data.items():
        for run in d.get("runs", []):
            n = out.setdefault(run["name"], [0, 0])
            for st in run.get("steps", []):
                n[1] += 1
                if not st["changed"] or st["timed_out"] or st.get("expect_found") is False:
                    n[0] += 1
            if run["launch"].get("expect_found") is False:
                n[0] += 1
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    data = load(sys.argv[1])
    rows, verdicts = [], []

    def add(*args, **kw):
        cells, met = judge(data, *args, **kw)
        rows.append(cells)
        verdicts.append(met)

    add("essay", "launch ready ms", "launch until the first text is readable", 20, 2.5, 30)
    add("book", "launch ready ms", "launch until the first text is readable", 25, 25 / 6, 40)
    add("big", "launch ready ms", "launch until the first text is readable", 40, 40 / 8, 60)
    for key in ("essay", "book", "big"):
        for label, name in (("line", "line down"), ("pgdn", "page down"), ("pgup", "page up"),
                            ("top", "top"), ("after_end", "page up just after G")):
            add(key, f"key {label} ms", name, 1, 2, 3, 16)
    add("essay", "key end ms", "jump to the end (G)", 1, 2, 3, 16)
    add("book", "key end ms", "jump to the end (G)", 3, 3 / 1.7, 8)
    add("big", "key end ms", "jump to the end (G)", 5, 5 / 1.3, 16)
    add("book", "key search ms", "search, hit near the end", 10, 10 / 7, 20)
    add("big", "key search ms", "search, hit near the end", 50, 50 / 47, 80)
    for key in ("essay", "book", "big"):
        add(key, "resize ms", "resize → repaint", 5, 5 / 1.1, 16)
    # Memory is judged against the absolute targets: less keeps almost nothing in memory,
    # so a ratio to it would ask marginote not to hold the text at all.
    add("book", "peak RSS MiB", "peak memory (RSS)", 20, None, unit="MiB")
    add("big", "peak RSS MiB", "peak memory (RSS)", 80, None, unit="MiB")
    add("library", "launch ready ms", "library: first screen", 100, None)
    add("library", "key first_key ms", "library: first key after launch answered", 16, None)
    for label, name in (("list_line", "library: list down (after titles are in)"),
                        ("list_page", "library: list page down (after titles are in)"),
                        ("list_end", "library: list end (after titles are in)")):
        add("library", f"key {label} ms", name, 1, None, 3, 16)

    head = ["what", "input", "marginote median / p95 / max", "best of less/vim/most (median)",
            "ratio", "target", "met"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    lost = lost_keys(data)
    if lost:
        print()
        print("Keys with no visible answer (or a timeout, or the expected text missing), per "
              "program, over all inputs: " + ", ".join(
                  f"{n} {v[0]} of {v[1]}" for n, v in sorted(lost.items())))
    measured = [v for v in verdicts if v is not None]
    print()
    print(f"{sum(measured)} of {len(measured)} measured targets met; "
          f"{len(verdicts) - len(measured)} not measured.")
    floor_path = os.path.join(sys.argv[1], "floor.json")
    if os.path.exists(floor_path):
        with open(floor_path) as f:
            fl = json.load(f)["summary"].get("floor", {}).get("key echo ms")
        if fl:
            print(f"Harness floor in this run (a raw `cat` echoing each key): median {fl['median']:g} ms, "
                  f"p95 {fl['p95']:g} ms, max {fl['max']:g} ms (n={fl['n']}).")
    machine = os.path.join(sys.argv[1], "machine.txt")
    if os.path.exists(machine):
        with open(machine) as f:
            print("Machine: " + "; ".join(l.strip() for l in f if l.startswith(("host", "date"))))
    meta = next(iter(data.values()), {}).get("meta", {})
    if meta:
        print(f"ttyperf {meta.get('version')}, {meta.get('size')}, {meta.get('rounds')} rounds "
              f"interleaved, {meta.get('host_cpus')} CPUs.")


if __name__ == "__main__":
    main()
