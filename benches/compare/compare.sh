#!/usr/bin/env bash
# marginote measured side by side with less, vim and most (issues 6 and 12),
# on first open and on reopening at a saved position.
#
#     bash benches/compare/compare.sh
#
# Builds the release binary and the input generator, generates the inputs
# (examples/gen_inputs.rs) into a temporary folder, and runs ttyperf
# (../shared/bench/ttyperf.py, or $TTYPERF) at 120x40 on each input with the
# four programs interleaved in one run, so a noisy shared machine hits all
# alike. Then prints the issue's table (benches/compare/summarize.py): marginote's
# median / p95 / max, the best peer, the ratio, and whether each target is
# met.
#
# Environment:
#   TTYPERF   path to ttyperf.py (default ../shared/bench/ttyperf.py)
#   ROUNDS    interleaved runs of each program per input (default 5)
#   ROUNDS_LIBRARY  runs on the 10,000-document library (default 3)
#   RESULTS   where the raw output goes (default target/bench-compare/DATE)
#   INPUTS    use (and keep) this input folder instead of a temporary one
#   BEFORE    another marginote binary (an older build): both run, as
#             `before` and `after`, in the same interleaved rounds
#   ONLY      the inputs to run, of: essay book big library (default all)
#   CASES     first, reopen or both (default)
#
# Installs what is missing, saying so: pyte (pip), most (and less, vim if
# absent) with apt-get.
set -euo pipefail
cd "$(dirname "$0")/../.."

TTYPERF=${TTYPERF:-../shared/bench/ttyperf.py}
ROUNDS=${ROUNDS:-5}
ROUNDS_LIBRARY=${ROUNDS_LIBRARY:-3}
SIZE=120x40
RESULTS=${RESULTS:-target/bench-compare/$(date +%Y%m%d-%H%M%S)}

say() { printf '== %s\n' "$*" >&2; }

[ -f "$TTYPERF" ] || { echo "compare.sh: $TTYPERF not found; set TTYPERF=path/to/ttyperf.py" >&2; exit 1; }
if ! python3 -c 'import pyte' 2>/dev/null; then
  say "pip install pyte (ttyperf's terminal emulator)"
  pip install pyte
fi
missing=()
for p in less vim most; do command -v "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install -y ${missing[*]} (peers to compare with)"
  apt-get install -y "${missing[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y "${missing[@]}" >/dev/null; }
fi

say "cargo build --release (marginote and the input generator)"
# Two builds: an example brings the dev-dependencies' features into the
# build, which changes the symbols' hashes, and the binary's hot-code list
# (link/hot-code.txt, README "Development") is of the plain build's names.
cargo build --release --bin marginote
cargo build --release --example gen_inputs
BIN=$PWD/target/release/marginote
GEN=$PWD/target/release/examples/gen_inputs
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  BIN=$CARGO_TARGET_DIR/release/marginote
  GEN=$CARGO_TARGET_DIR/release/examples/gen_inputs
fi
ONLY=${ONLY:-essay book big library}
only() { [[ " $ONLY " == *" $1 "* ]]; }
# The marginote runs: one, or an older build beside this one.
if [ -n "${BEFORE:-}" ]; then BUILDS=(before after); else BUILDS=(marginote); fi
bin_of() { if [ "$1" = before ]; then echo "$BEFORE"; else echo "$BIN"; fi; }

if [ -n "${INPUTS:-}" ]; then
  mkdir -p "$INPUTS"
else
  INPUTS=$(mktemp -d "${TMPDIR:-/tmp}/marginote-bench.XXXXXX")
  trap 'rm -rf "$INPUTS"' EXIT
fi
say "generating inputs in $INPUTS"
"$GEN" "$INPUTS"
# Written files may still be going to disk: flush, then read everything once
# so that no program is the first to read a cold or busy file.
say "warming the page cache"
sync
cat "$INPUTS"/*.md "$INPUTS"/*.txt >/dev/null
find "$INPUTS/library-10k" -type f -exec cat {} + >/dev/null

mkdir -p "$RESULTS"
say "raw output in $RESULTS"
{
  echo "date: $(date -Iseconds)"
  echo "host: $(uname -srm), $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "marginote: $("$BIN" --version)"
  echo "less: $(less --version | head -1)"
  echo "vim: $(vim --version | head -1)"
  echo "most: $(dpkg-query -W -f='${Version}' most 2>/dev/null || echo '?')"
  echo "python: $(python3 --version), pyte $(python3 -c 'from importlib.metadata import version; print(version("pyte"))' 2>/dev/null || echo '?')"
} >"$RESULTS/machine.txt"
cat "$RESULTS/machine.txt" >&2

# ttyperf through a thin wrapper that only fixes pyte's handling of
# overwritten double-width characters (see benches/compare/ttyperf_wide.py).
ttyperf() { python3 benches/compare/ttyperf_wide.py "$TTYPERF" "$@"; }

# Every command runs through `sh -c 'exec …'` (--shell), the same for all, so
# marginote gets a fresh --data-dir in ttyperf's fresh $HOME for every run:
# no run reopens at the position the previous one quit at.
# Keys: the same script for all; most's top and end are T and B (its G asks
# for a line number), vim's and less's top is g(g).
# keys_for LAST PAGES: the key script with G expecting LAST on screen.
keys_for() {
  local last=$1 pages=$2 top=$3 end=$4 far=${5:-} seen=${7:-${5:-}}
  local keys="Down*10@line PgDn*$pages@pgdn PgUp*$((pages / 2))@pgup $top@top '$end@end?$last' PgUp*3@after_end"
  # Search from the top for a word near the end: the time until the hit is
  # on screen. The peers search when enter is pressed; marginote searches as
  # the word is typed, so its measured key is the word's last letter. What
  # is waited for is SEEN, words of the hit's own line: the word alone is
  # on screen already in the prompt that echoes it, so less's figure for
  # the 50 MB text was its prompt cleared at 2-5 ms, with the hit shown
  # 1.3 s later, past the quiet that ends a step (stops 45-52).
  if [ -n "$far" ]; then
    if [ "${6:-}" = incremental ]; then
      keys="$keys $top '!/${far%?}' '${far: -1}@search?$seen' '!\r'"
    else
      keys="$keys $top '!/$far' 'Enter@search?$seen'"
    fi
  fi
  echo "$keys"
}

# A data folder as a returning reader leaves it (issue 12): the document
# left at 50 % with three bookmarks, made by marginote itself. Its screen
# then starts with the saved passage: the first words of the saved quote
# (the anchor's `exact`) become that run's expected text.
prepare_reopen() { # prepare_reopen NAME FILE EXPECT_FIRST
  local name=$1 file=$2 first=$3 dir="$INPUTS/reopen-$1"
  rm -rf "$dir"
  ttyperf --size "$SIZE" --rounds 1 --expect "$first" \
    --keys "'!5' '!0' '!%' '!m' '!Enter' '!Down*2' '!m' '!Enter' '!Down*3' '!m' '!Enter' '!Up*5'" \
    --run marginote="'$BIN' --data-dir '$dir' '$file'" >/dev/null 2>&1
  rm -f "$dir"/*.lock "$dir"/notes/*.lock "$dir"/marginote.log
  sed -n 's/^exact = "\(.\{1,24\}\).*/\1/p' "$dir/state.toml" | head -1 | sed 's/ [^ ]*$//' >"$dir.expect"
}

# compare NAME FILE EXPECT_FIRST EXPECT_LAST PAGES [FAR_WORD [FAR_LINE]]
# FAR_LINE: words on the far word's line, ending with it (what the hit shows).
# CASE=first: every program starts with nothing remembered. CASE=reopen:
# every command first copies the folder prepare_reopen made (the peers pay
# the same copy), and marginote opens at its saved place; the peers, which
# remember nothing, open at the top, so launch compares first screens.
compare() {
  local name=$1 file=$2 first=$3 last=$4 pages=$5 far=${6:-} seen=${7:-${6:-}} case=${CASE:-first}
  only "$name" || return 0
  local prep="" expect=$first
  if [ "$case" = reopen ]; then
    prep="cp -r '$INPUTS/reopen-$name' \"\$HOME/marginote-data\"; "
    expect=$(cat "$INPUTS/reopen-$name.expect")
  fi
  say "$name ($case): $(du -h "$file" | cut -f1) — ${BUILDS[*]}, less, vim, most; $ROUNDS rounds at $SIZE"
  # Every program in one interleaved run, and what each shows first.
  local all=(--shell --size "$SIZE" --rounds "$ROUNDS" --order abba
    --expect "$expect"
    --set "less.expect=$first" --set "vim.expect=$first" --set "most.expect=$first"
    --resize 100x40,120x40,80x24,120x40) keys=() b
  for b in "${BUILDS[@]}"; do
    all+=(--run "$b=${prep}exec '$(bin_of "$b")' --data-dir \"\$HOME/marginote-data\" '$file'")
    keys+=(--set "$b.keys=$(keys_for "$last" "$pages" gg G "$far" incremental "$seen")")
  done
  all+=(--run less="${prep}exec less '$file'"
    --run vim="${prep}exec vim -R -n '$file'" --set 'vim.quit=Esc :q! Enter'
    --run most="${prep}exec most -w '$file'")
  ttyperf "${all[@]}" "${keys[@]}" \
    --keys "$(keys_for "$last" "$pages" gg G "$far" "" "$seen")" \
    --set "most.keys=$(keys_for "$last" "$pages" T B "$far" "" "$seen")" \
    --json "$RESULTS/$name-$case.json" \
    2>"$RESULTS/$name-$case.log" | tee "$RESULTS/$name-$case.txt"
  # The resizes again with a full page of text on every screen. After the
  # search above, less and most show the hit and the few lines after it
  # (a repaint of 300-500 bytes) while marginote repaints its three panes;
  # here every program is where it opened, three lines down.
  ttyperf "${all[@]}" --keys "'!Down*3'" \
    --json "$RESULTS/$name-$case-page.json" \
    2>"$RESULTS/$name-$case-page.log" | tee "$RESULTS/$name-$case-page.txt"
  # summarize.py reads NAME.json: the first-open run, as before.
  if [ "$case" = first ]; then cp "$RESULTS/$name-$case.json" "$RESULTS/$name.json"; fi
}

only essay && prepare_reopen essay "$INPUTS/essay-10k.md" "Reading slowly is a skill"
only book && prepare_reopen book "$INPUTS/book-3m.txt" "It was the first morning"
only big && prepare_reopen big "$INPUTS/big-50m.txt" "This big text opens"
for CASE in ${CASES:-first reopen}; do
  compare essay "$INPUTS/essay-10k.md" "Reading slowly is a skill" EXPLICITESSAY 3 EXPLICITESSAY "The end: EXPLICITESSAY"
  compare book "$INPUTS/book-3m.txt" "It was the first morning" EXPLICITBOOK 10 ZQXBOOKHIT "waits: ZQXBOOKHIT"
  compare big "$INPUTS/big-50m.txt" "This big text opens" EXPLICITBIG 10 ZQXFARHIT "appears: ZQXFARHIT"
done

# The library: the first key typed after launch (Down, then Enter to open the
# second document: the answer is that document on screen), then list keys once
# every title is in. A long --timeout: that first answer can take long.
only library && {
say "library: 10,000 documents — marginote alone (no peer lists a folder); $ROUNDS_LIBRARY rounds"
ttyperf --shell --size "$SIZE" --rounds "$ROUNDS_LIBRARY" --timeout 180 \
  --expect "Document 00001 begins here" \
  --keys "'!\\e[Z' '!Down' 'Enter@first_key?Document 00002 begins here' '!\\e[Z' Down*10@list_line PgDn*5@list_page G@list_end" \
  --resize 100x40,120x40 \
  --json "$RESULTS/library.json" \
  --run marginote="exec '$BIN' --data-dir \"\$HOME/marginote-data\" '$INPUTS/library-10k'" \
  2>"$RESULTS/library.log" | tee "$RESULTS/library.txt"
}

# The harness' own floor on this machine at this moment: a program that only
# echoes each key (see ttyperf's header).
say "harness floor: raw cat echoing keys"
ttyperf --size "$SIZE" --rounds "$ROUNDS" --keys "x*20@echo" --quit C-c \
  --json "$RESULTS/floor.json" \
  --run floor="sh -c 'stty raw -echo; exec cat'" \
  2>"$RESULTS/floor.log" | tee "$RESULTS/floor.txt"

echo
# The targets' table needs every input and one marginote.
if [ -z "${BEFORE:-}" ] && only essay && only book && only big && only library; then
  python3 benches/compare/summarize.py "$RESULTS" | tee "$RESULTS/table.md"
  echo
fi
# Issue 12's table: first open and reopen, marginote beside the best peer.
names=()
for n in essay book big; do only "$n" && names+=("$n"); done
python3 benches/compare/table.py "$RESULTS" "${names[@]}" | tee "$RESULTS/issue12.md"
echo
echo "raw output: $RESULTS (ttyperf tables *.txt, samples *.json, progress *.log, table.md)"
