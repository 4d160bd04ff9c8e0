"""Validate the gold evaluation question set in tests/gold/questions.jsonl.

stdlib + pytest only; deliberately independent of the `assistant` package.
"""
import difflib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS_PATH = ROOT / "corpus" / "nissan-strategy-honda-talks.txt"
GOLD_PATH = ROOT / "tests" / "gold" / "questions.jsonl"

TOPICS = {"leadership", "honda", "partnerships", "platform", "lineup",
          "markets", "epower", "leaf", "outlook"}
KINDS = {"answerable", "unanswerable", "followup"}
CATEGORIES = {"in-domain", "off-topic", "injection"}
SPLITS = {"dev", "test"}
ID_PREFIX = {"answerable": "a", "unanswerable": "u", "followup": "f"}

CORPUS_TEXT = CORPUS_PATH.read_text(encoding="utf-8")
ROWS = [json.loads(line) for line in GOLD_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
WITH_EVIDENCE = [r for r in ROWS if r["kind"] in ("answerable", "followup")]


def corpus_sentences(text):
    """Sentences as (start, end): a sentence ends at . ! or ? (optionally followed
    by a closing ”) followed by whitespace, or at the end of a line."""
    spans = []
    for line in re.finditer(r"[^\n]+", text):
        base, body, start = line.start(), line.group(), 0
        for m in re.finditer(r"[.!?]”?\s+", body):
            end = m.start() + len(m.group().rstrip())
            spans.append((base + start, base + end))
            start = m.end()
        if start < len(body):
            spans.append((base + start, base + len(body)))
    return spans


SENTENCE_SPANS = set(corpus_sentences(CORPUS_TEXT))
SENTENCES = [CORPUS_TEXT[s:e] for s, e in sorted(SENTENCE_SPANS)]


def by_kind(kind):
    return [r for r in ROWS if r["kind"] == kind]


def test_ids_unique_and_prefixed():
    ids = [r["id"] for r in ROWS]
    dupes = [i for i, c in Counter(ids).items() if c > 1]
    assert not dupes, f"duplicate ids: {dupes}"
    for r in ROWS:
        assert r["kind"] in KINDS, r
        assert r["id"].startswith(ID_PREFIX[r["kind"]]), r["id"]


def test_required_fields():
    for r in ROWS:
        assert r["split"] in SPLITS, r["id"]
        assert isinstance(r["question"], str) and r["question"].strip(), r["id"]
        if r["kind"] == "answerable":
            assert r["topic"] in TOPICS, r["id"]
        elif r["kind"] == "unanswerable":
            assert r["category"] in CATEGORIES, r["id"]
            assert "evidence" not in r and "facts" not in r, r["id"]
        else:
            assert r["topic"] in TOPICS, r["id"]
            assert isinstance(r["first"], str) and r["first"].strip(), r["id"]
            assert r["first"] != r["question"], r["id"]
        if r["kind"] != "unanswerable":
            assert r["evidence"], f"{r['id']}: no evidence"
            assert 1 <= len(r["facts"]) <= 4, f"{r['id']}: needs 1-4 facts"


@pytest.mark.parametrize("row", WITH_EVIDENCE, ids=lambda r: r["id"])
def test_evidence_offsets_match_corpus(row):
    for ev in row["evidence"]:
        assert CORPUS_TEXT[ev["start"]:ev["end"]] == ev["quote"], (row["id"], ev["quote"])
        # offsets point at the FIRST occurrence
        assert CORPUS_TEXT.find(ev["quote"]) == ev["start"], (row["id"], ev["quote"])


@pytest.mark.parametrize("row", WITH_EVIDENCE, ids=lambda r: r["id"])
def test_evidence_quotes_are_whole_sentences(row):
    for ev in row["evidence"]:
        assert (ev["start"], ev["end"]) in SENTENCE_SPANS, (row["id"], ev["quote"])
    quotes = [ev["quote"] for ev in row["evidence"]]
    assert len(quotes) == len(set(quotes)), f"{row['id']}: repeated evidence quote"


@pytest.mark.parametrize("row", WITH_EVIDENCE, ids=lambda r: r["id"])
def test_facts_appear_in_evidence(row):
    quotes = [ev["quote"].lower() for ev in row["evidence"]]
    for fact in row["facts"]:
        assert fact.strip(), row["id"]
        assert any(fact.lower() in q for q in quotes), f"{row['id']}: fact {fact!r} not in evidence"


def test_every_evidence_quote_is_needed_for_a_fact():
    """Multi-quote evidence: every quote should carry at least one fact or a
    multi-sentence list question must really use all its sentences."""
    for r in WITH_EVIDENCE:
        if len(r["evidence"]) < 2:
            continue
        uncovered = [ev["quote"] for ev in r["evidence"]
                     if not any(f.lower() in ev["quote"].lower() for f in r["facts"])]
        # at most one supporting sentence may carry no distinctive fact of its own
        assert len(uncovered) <= 1, f"{r['id']}: evidence without facts: {uncovered}"


def test_brief_minimums():
    assert len(by_kind("answerable")) >= 64
    assert len(by_kind("unanswerable")) >= 18
    assert len(by_kind("followup")) >= 10
    lists = [r for r in by_kind("answerable") if len(r["evidence"]) >= 2]
    assert len(lists) >= 8, f"only {len(lists)} multi-sentence list questions"
    cats = Counter(r["category"] for r in by_kind("unanswerable"))
    assert cats["injection"] >= 2 and cats["off-topic"] >= 1 and cats["in-domain"] >= 1, cats


def test_every_topic_well_covered():
    per_topic = Counter(r["topic"] for r in by_kind("answerable"))
    assert set(per_topic) == TOPICS, per_topic
    for topic, n in per_topic.items():
        assert n >= 4, f"topic {topic} has only {n} answerable questions"


def test_both_splits_contain_every_kind():
    for split in SPLITS:
        kinds = {r["kind"] for r in ROWS if r["split"] == split}
        assert kinds == KINDS, (split, kinds)
        cats = {r["category"] for r in by_kind("unanswerable") if r["split"] == split}
        assert cats == CATEGORIES, (split, cats)


def test_every_topic_in_both_splits():
    topics = defaultdict(set)
    answerable_topics = defaultdict(set)
    for r in ROWS:
        if "topic" in r:
            topics[r["topic"]].add(r["split"])
        if r["kind"] == "answerable":
            answerable_topics[r["topic"]].add(r["split"])
    for t in TOPICS:
        assert topics[t] == SPLITS, (t, topics[t])
        assert answerable_topics[t] == SPLITS, (t, answerable_topics[t])


def test_split_policy_is_deterministic_alternation():
    """answerable: alternate dev/test within each topic; unanswerable: within each
    category; followup: alternate in id order. Starting with dev each time."""
    seen = Counter()
    for r in sorted(ROWS, key=lambda r: r["id"]):
        if r["kind"] == "answerable":
            key = ("a", r["topic"])
        elif r["kind"] == "unanswerable":
            key = ("u", r["category"])
        else:
            key = ("f",)
        expected = "dev" if seen[key] % 2 == 0 else "test"
        seen[key] += 1
        assert r["split"] == expected, (r["id"], r["split"], expected)


def test_splits_roughly_balanced():
    c = Counter(r["split"] for r in ROWS)
    assert abs(c["dev"] - c["test"]) <= 0.1 * len(ROWS), c


def test_questions_are_not_near_copies_of_article_sentences():
    for r in ROWS:
        for text in (r["question"], r.get("first", "")):
            if not text:
                continue
            for s in SENTENCES:
                ratio = difflib.SequenceMatcher(None, text.lower(), s.lower()).ratio()
                assert ratio < 0.7, (r["id"], text, s, ratio)


def test_questions_unique():
    qs = [(r.get("first", ""), r["question"].strip().lower()) for r in ROWS]
    assert len(qs) == len(set(qs))

