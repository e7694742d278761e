#!/usr/bin/env bash
# Issue 12, huge files: launch -> first screen, G -> last line and peak
# memory of marginote BEFORE and AFTER beside less, interleaved (ttyperf),
# first open and reopen at a saved place, for a valid 50 MB text, the
# 50 MB mixed-encoding text, and a 1.5 GiB valid text (31 copies of the
# valid one; BEFORE refuses it, so it runs AFTER and less only).
#   BEFORE=old-binary AFTER=new-binary INPUTS=/tmp/inp OUT=dir benches/compare/huge.sh
# INPUTS must hold big-50m.txt (cargo run --release --example gen_inputs);
# valid-50m.txt and huge-1g5.txt are made beside it (delete the 1.5 GB after).
set -euo pipefail
TTYPERF=${TTYPERF:-/work/shared/bench/ttyperf.py}
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-/tmp/huge-res}
mkdir -p "$OUT"
[ -f "$INPUTS/valid-50m.txt" ] || iconv -c -f UTF-8 -t UTF-8 "$INPUTS/big-50m.txt" >"$INPUTS/valid-50m.txt"
[ -f "$INPUTS/huge-1g5.txt" ] || for _ in $(seq 31); do cat "$INPUTS/valid-50m.txt"; done >"$INPUTS/huge-1g5.txt"
cat "$INPUTS/valid-50m.txt" "$INPUTS/big-50m.txt" "$INPUTS/huge-1g5.txt" >/dev/null
FIRST="This big text opens"
prepare_reopen() { # NAME FILE: a data folder whose saved place is at 50 %
  local dir="$OUT/reopen-$1"
  rm -rf "$dir"
  # In tmux: ttyperf's pyte screen raised IndexError on the count keys
  # (5 0 %) with both builds. The place is saved on the idle tick (2 s).
  local s=huge-prep-$$
  tmux new -d -s "$s" -x 120 -y 40 "'$AFTER' --data-dir '$dir' '$2'"
  sleep 3; tmux send-keys -t "$s" 5 0 %; sleep 4; tmux send-keys -t "$s" q; sleep 1
  tmux kill-session -t "$s" 2>/dev/null || true
  rm -f "$dir"/*.lock "$dir"/notes/*.lock "$dir"/marginote.log
  sed -n 's/^exact = "\(.\{1,24\}\).*/\1/p' "$dir/state.toml" | head -1 | sed 's/ [^ ]*$//' >"$dir.expect"
}
run() { # NAME FILE CASE BUILDS...
  local name=$1 file=$2 case=$3; shift 3
  local prep="" expect=$FIRST runs=()
  if [ "$case" = reopen ]; then
    prep="rm -rf \"\$HOME/md\"; cp -r '$OUT/reopen-$name' \"\$HOME/md\"; "
    expect=$(cat "$OUT/reopen-$name.expect")
  fi
  for b in "$@"; do
    local bin=$AFTER; [ "$b" = before ] && bin=$BEFORE
    runs+=(--run "$b=${prep}exec '$bin' --data-dir \"\$HOME/md\" '$file'")
  done
  echo "== $name ($case)"
  python3 "$TTYPERF" --shell --size 120x40 --rounds "$ROUNDS" --order abba --expect "$expect" \
    --set "less.expect=$FIRST" --keys "G@G?EXPLICITBIG" \
    --json "$OUT/$name-$case.json" "${runs[@]}" --run less="${prep}exec less '$file'" \
    2>"$OUT/$name-$case.log" | tee "$OUT/$name-$case.txt"
}
for n in valid-50m big-50m huge-1g5; do prepare_reopen "$n" "$INPUTS/$n.txt"; done
for case in first reopen; do
  run valid-50m "$INPUTS/valid-50m.txt" $case before after
  run big-50m "$INPUTS/big-50m.txt" $case before after
  run huge-1g5 "$INPUTS/huge-1g5.txt" $case after
done
