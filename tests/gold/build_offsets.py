#!/usr/bin/env python3
"""Fill in start/end offsets for every evidence quote in questions.jsonl.

Offsets are character offsets into the decoded (UTF-8) corpus text, taken from
the FIRST occurrence of the quote (str.find).  The file is rewritten in place.
Exits with an error (non-zero status) if any quote is not found verbatim.

Usage (from the repository root):  python3 tests/gold/build_offsets.py
"""
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "corpus" / "nissan-strategy-honda-talks.txt"
QUESTIONS = HERE / "questions.jsonl"


def main() -> int:
    text = CORPUS.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    missing = []
    for row in rows:
        for ev in row.get("evidence", []):
            quote = ev["quote"]
            start = text.find(quote)
            if start < 0:
                missing.append((row["id"], quote))
                continue
            ev["start"] = start
            ev["end"] = start + len(quote)
    if missing:
        for qid, quote in missing:
            print(f"ERROR: {qid}: quote not found in corpus: {quote!r}", file=sys.stderr)
        raise SystemExit(f"{len(missing)} evidence quote(s) not found; questions.jsonl NOT rewritten")
    with QUESTIONS.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"OK: {len(rows)} rows, {sum(len(r.get('evidence', [])) for r in rows)} evidence quotes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
