#!/usr/bin/env python3
"""Assemble the blind gold set from the mappers' files: sentence numbers -> exact offsets.

    python3 tests/gold/blind/assemble.py               # this folder's mapped/ -> questions.jsonl
    python3 tests/gold/blind/assemble.py tests/gold/fresh   # another set mapped the same way

Reads mapped/w*.jsonl (evidence as the [S<n>] numbers of numbered_article.txt) and
sentences.jsonl (each number's exact offsets in the corpus), applies the reviewed label
decisions below, assigns each question to one of 5 cross-validation folds (stratified by
kind, seeded), and writes questions.jsonl. Stdlib only; fails loudly on any mismatch.
"""
import collections
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[2] / "corpus" / "nissan-strategy-honda-talks.txt"
FOLDS = 5

# Reviewed where the mappers disagreed with each other (see README.md, "Label decisions").
RELABEL_UNANSWERABLE = {  # "what does LATAM mean": the article never spells it out
    "w1-a51", "w2-a51", "w4-a54",
}
RELABEL_ANSWERABLE = {  # "why did the merger talks collapse": S6-S7 give the reported reason, as two mappers found
    "w1-u07": ([6, 7], ["junior associate", "the very situation Honda was ready on"]),
}


def relabel(r: dict) -> dict:
    """The reviewed label decisions, applied to one mapped row."""
    if r["id"] in RELABEL_UNANSWERABLE:
        r.update(kind="unanswerable", evidence=[], facts=[], trap="beyond-article",
                 note="relabelled: the article writes LATAM but never says what it stands for")
    if r["id"] in RELABEL_ANSWERABLE:
        ev, facts = RELABEL_ANSWERABLE[r["id"]]
        r.update(kind="answerable", evidence=ev, facts=facts, note="relabelled: S6-S7 give the reported reason")
        r.pop("trap", None)
    return r


def convert(r: dict, sents: dict[int, dict]) -> dict:
    """One gold row: sentence numbers become exact quotes and offsets; facts are checked."""
    out = {"id": r["id"], "writer": r["writer"], "kind": r["kind"], "question": r["question"]}
    if r.get("first"):
        out["first"] = r["first"]
    if r["kind"] == "unanswerable":
        out["trap"] = r.get("trap", "")
    else:
        out["evidence"] = [{"quote": sents[i]["text"], "start": sents[i]["start"], "end": sents[i]["end"]}
                           for i in sorted(set(r["evidence"]))]
        for f in r["facts"]:
            if not any(f in e["quote"] for e in out["evidence"]):
                raise SystemExit(f"{r['id']}: fact {f!r} is in no evidence sentence")
        out["facts"] = r["facts"]
    if r.get("note"):
        out["note"] = r["note"]
    return out


def assign_folds(rows: list[dict]) -> None:
    """Five folds, stratified by kind, seeded."""
    rng = random.Random(8)
    by_kind = collections.defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)
    for _, group in sorted(by_kind.items()):
        rng.shuffle(group)
        for i, r in enumerate(group):
            r["fold"] = i % FOLDS


def main() -> int:
    target = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
    text = CORPUS.read_text(encoding="utf-8")
    sents = {s["sid"]: s for s in map(json.loads, (HERE / "sentences.jsonl").read_text(encoding="utf-8").splitlines())}
    for s in sents.values():
        assert text[s["start"]:s["end"]] == s["text"], s
    rows, dropped = [], []
    for path in sorted((target / "mapped").glob("w*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            r = relabel(json.loads(line))
            if r["kind"] != "unanswerable" and not r["evidence"]:
                dropped.append(r["id"])  # heading-only: a heading is not a citable sentence
                continue
            rows.append(convert(r, sents))
    assign_folds(rows)
    with (target / "questions.jsonl").open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = collections.Counter(r["kind"] for r in rows)
    print(f"{len(rows)} questions {dict(counts)}; dropped as heading-only: {', '.join(dropped)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
