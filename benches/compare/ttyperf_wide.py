#!/usr/bin/env python3
"""Runs ttyperf.py (given as the first argument) with one fix to its terminal emulator.

pyte 0.8 does not do what real terminals do when a program overwrites the left half of a
double-width character (漢, 字) with a narrow one: xterm, VTE, kitty and the Linux console blank
the right half too; pyte leaves an orphan right half, and reading the screen text then crashes
(`IndexError` in `pyte.Screen.display`). ratatui 0.30 relies on the real behaviour: its buffer
diff no longer rewrites the right half, so any ratatui program scrolling CJK text trips it.
This wrapper renders an orphan right half as a blank, as those terminals show it, and changes
nothing else: timings, keys and reports are ttyperf's own.

    python3 benches/compare/ttyperf_wide.py ../shared/bench/ttyperf.py [ttyperf options...]
"""
import importlib.util
import sys

import pyte
from wcwidth import wcwidth


def display(self):
    rows = []
    for y in range(self.lines):
        line, chars, right_half = self.buffer[y], [], False
        for x in range(self.columns):
            if right_half:
                right_half = False
                continue
            ch = line[x].data
            if not ch:  # an orphan right half: a real terminal shows a blank
                chars.append(" ")
                continue
            right_half = wcwidth(ch[0]) == 2
            chars.append(ch)
        rows.append("".join(chars))
    return rows


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: ttyperf_wide.py PATH/TO/ttyperf.py [options...]")
    path = sys.argv[1]
    sys.argv = [path] + sys.argv[2:]
    spec = importlib.util.spec_from_file_location("ttyperf", path)
    ttyperf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ttyperf)
    pyte.Screen.display = property(display)
    ttyperf.main()


if __name__ == "__main__":
    main()
