"""The fresh blind sets are what their READMEs say: exact offsets, facts in the evidence, labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import ARTICLE
from .gold_support import assert_evidence_exact

GOLD = Path(__file__).resolve().parent / "gold"
SETS = ["fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6"]
TEXT = ARTICLE.read_text(encoding="utf-8")


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / name / "questions.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", SETS)
def test_every_kind_is_there_and_ids_are_unique(name):
    rs = rows(name)
    assert {r["kind"] for r in rs} == {"answerable", "unanswerable", "followup", "topic_change"}
    assert len({r["id"] for r in rs}) == len(rs) >= 60


@pytest.mark.parametrize("name", SETS)
def test_evidence_is_exact_whole_sentences_and_facts_are_in_it(name):
    rs = rows(name)
    assert_evidence_exact(rs, TEXT)
    for r in rs:
        assert bool(r.get("first")) == (r["kind"] in ("followup", "topic_change")), r["id"]


@pytest.mark.parametrize("name", SETS)
def test_the_writers_files_and_the_making_are_committed(name):
    here = GOLD / name
    assert (here / "README.md").is_file() and list((here / "writers").glob("w*.jsonl"))
    writers = {p.stem.split("_")[0] for p in (here / "writers").glob("w*.jsonl")}
    assert {p.stem for p in (here / "mapped").glob("w*.jsonl")} <= writers

