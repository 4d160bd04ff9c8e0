"""The blind gold set is what its README says: counts, exact offsets, facts, folds."""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from .conftest import ARTICLE
from .gold_support import assert_evidence_exact

HERE = Path(__file__).resolve().parent / "gold" / "blind"
ROWS = [json.loads(line) for line in (HERE / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
TEXT = ARTICLE.read_text(encoding="utf-8")
KINDS = {"answerable", "unanswerable", "followup", "topic_change"}


def test_counts_meet_the_issue():
    kinds = Counter(r["kind"] for r in ROWS)
    assert set(kinds) == KINDS
    assert kinds["answerable"] >= 250
    assert kinds["unanswerable"] >= 60
    assert kinds["followup"] + kinds["topic_change"] >= 40 and kinds["topic_change"] >= 10


def test_ids_are_unique_and_every_writer_voice_is_there():
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert len({r["writer"] for r in ROWS}) >= 4


def test_evidence_is_exact_whole_sentences_and_facts_are_in_it():
    assert_evidence_exact(ROWS, TEXT)


def test_two_turn_rows_have_a_first_turn():
    for r in ROWS:
        assert bool(r.get("first")) == (r["kind"] in ("followup", "topic_change")), r["id"]


def test_five_folds_each_with_every_kind():
    assert {r["fold"] for r in ROWS} == set(range(5))
    for f in range(5):
        kinds = Counter(r["kind"] for r in ROWS if r["fold"] == f)
        assert set(kinds) == KINDS, f
        sizes = [sum(1 for r in ROWS if r["fold"] == g) for g in range(5)]
        assert max(sizes) - min(sizes) <= 4


def test_writers_did_not_copy_the_article():
    sentences = re.split(r"(?<=[.!?])\s+", TEXT)
    worst = max(difflib.SequenceMatcher(None, r["question"].lower(), s.lower()).ratio()
                for r in ROWS for s in sentences)
    assert worst < 0.7  # measured 0.57


@pytest.mark.parametrize("name", ["fact_sheet.md", "README.md", "assemble.py"])
def test_the_making_of_the_set_is_committed(name):
    assert (HERE / name).is_file()
