"""The fresh blind set is what its README says: exact offsets, facts in the evidence, labels."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import ARTICLE
from .gold_support import assert_evidence_exact

HERE = Path(__file__).resolve().parent / "gold" / "fresh"
ROWS = [json.loads(line) for line in (HERE / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
TEXT = ARTICLE.read_text(encoding="utf-8")


def test_every_kind_is_there_and_ids_are_unique():
    assert {r["kind"] for r in ROWS} == {"answerable", "unanswerable", "followup", "topic_change"}
    assert len({r["id"] for r in ROWS}) == len(ROWS) >= 60


def test_evidence_is_exact_whole_sentences_and_facts_are_in_it():
    assert_evidence_exact(ROWS, TEXT)
    for r in ROWS:
        assert bool(r.get("first")) == (r["kind"] in ("followup", "topic_change")), r["id"]


def test_the_writers_files_and_the_making_are_committed():
    assert (HERE / "README.md").is_file() and list((HERE / "writers").glob("w*.jsonl"))
    writers = {p.stem.split("_")[0] for p in (HERE / "writers").glob("w*.jsonl")}
    assert {p.stem for p in (HERE / "mapped").glob("w*.jsonl")} <= writers
