"""The fresh blind set is what its README says: exact offsets, facts in the evidence, labels."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .conftest import ARTICLE

HERE = Path(__file__).resolve().parent / "gold" / "fresh"
ROWS = [json.loads(line) for line in (HERE / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
TEXT = ARTICLE.read_text(encoding="utf-8")


def test_every_kind_is_there_and_ids_are_unique():
    assert {r["kind"] for r in ROWS} == {"answerable", "unanswerable", "followup", "topic_change"}
    assert len({r["id"] for r in ROWS}) == len(ROWS) >= 60


def test_evidence_is_exact_whole_sentences_and_facts_are_in_it():
    for r in ROWS:
        if r["kind"] == "unanswerable":
            assert "evidence" not in r and r.get("trap"), r["id"]
            continue
        assert r["evidence"] and r["facts"], r["id"]
        for e in r["evidence"]:
            assert TEXT[e["start"]:e["end"]] == e["quote"], r["id"]
            assert re.search(r"[.!?][”\"]?$", e["quote"]), r["id"]
        assert all(any(f in e["quote"] for e in r["evidence"]) for f in r["facts"]), r["id"]
        assert bool(r.get("first")) == (r["kind"] in ("followup", "topic_change")), r["id"]


def test_the_writers_files_and_the_making_are_committed():
    assert (HERE / "README.md").is_file() and list((HERE / "writers").glob("w*.jsonl"))
    writers = {p.stem.split("_")[0] for p in (HERE / "writers").glob("w*.jsonl")}
    assert {p.stem for p in (HERE / "mapped").glob("w*.jsonl")} <= writers
