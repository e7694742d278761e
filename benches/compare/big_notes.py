"""Writes the issue-12 big-notes input: a 4 MB plain text (book.txt) and a
~30 MB notes file of 64,595 notes anchored on its passages (the note shape
of benches/notes.rs), under ROOT/data/notes/ where marginote --data-dir
ROOT/data looks for the notes of ROOT/book.txt.

    python3 benches/compare/big_notes.py ROOT [NOTES]

Used for benches/compare/results/issue12-notes.md."""
import os, random, sys
root = sys.argv[1] if len(sys.argv) > 1 else "/tmp/n12"
N = int(sys.argv[2]) if len(sys.argv) > 2 else 64595
random.seed(12)
words = "the a of reading reader page pages book chapter margin notes passage sentence word words line lines paragraph essay argument author student history revolution terror".split()
paras = []
for p in range(9000):
    s = " ".join(random.choice(words) for _ in range(random.randint(40, 90)))
    paras.append(f"Paragraph {p}: " + s + ".")
text = "\n\n".join(paras) + "\n"
os.makedirs(root, exist_ok=True)
doc = os.path.join(root, "book.txt")
open(doc, "w").write(text)
key = os.path.realpath(doc)
h = 0xcbf29ce484222325
for b in key.encode():
    h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
notes_dir = os.path.join(root, "data", "notes")
os.makedirs(notes_dir, exist_ok=True)
path = os.path.join(notes_dir, f"book-txt-{h:016x}.toml")
def q(s): return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\""
out = [f'schema_version = 1\ndocument = {q(key)}\ntitle = "book"\nfingerprint = ""\ndeleted = []\n']
L = len(text)
for i in range(N):
    off = (i * 97 * 7) % (L - 400) + 40
    exact = text[off:off+110]
    if "\n" in exact:
        exact = exact[:exact.index("\n")]
    if not exact:
        exact = text[off:off+1]
    pre = text[max(0, off - 32):off]
    suf = text[off + len(exact):off + len(exact) + 32]
    out.append(f"""
[[notes]]
id = "n{i:08}"
text = "note number {i} about this passage with a #tag{i % 50} and some more words, as long as a real note would be"
tags = ["tag{i % 50}"]
created = "2026-12-04T10:00:00+00:00"
updated = "2026-12-04T10:00:00+00:00"

[notes.anchor]
offset = {off}
exact = {q(exact)}
prefix = {q(pre)}
suffix = {q(suf)}
""")
open(path, "w").write("".join(out))
print(doc, path, os.path.getsize(doc), os.path.getsize(path))
