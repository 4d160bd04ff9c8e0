"""End to end on the real article with the real model: the gold TEST split holds the line.

Thresholds sit just under what the assistant measured on the test split (see README,
"Measured figures"); the dev split is where constants and the calibration were tuned.
"""

from __future__ import annotations

import re

import pytest

from assistant.evaluation import evaluate, load_gold

from .conftest import ARTICLE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results(real_assistant):
    gold = load_gold()
    return {mode: evaluate(real_assistant, gold, mode, "test") for mode in ("hybrid", "dense", "lexical")}


def test_retrieval_finds_the_evidence(results):
    s = results["hybrid"]["summary"]
    assert s["recall@3"] >= 0.90  # measured 0.915
    assert s["recall@5"] >= 0.92  # measured 0.938
    assert s["mrr@10"] >= 0.85  # measured 0.891


def test_hybrid_fusion_beats_either_retriever_alone(results):
    mrr = {m: r["summary"]["mrr@10"] for m, r in results.items()}
    assert mrr["hybrid"] > mrr["dense"] and mrr["hybrid"] > mrr["lexical"]


def test_answers_carry_the_facts_and_cite_exactly(results):
    s = results["hybrid"]["summary"]
    assert s["fact_recall"] >= 0.70  # measured 0.727
    assert s["citation_validity"] == 1.0  # every offset exact, always
    assert s["citation_precision"] >= 0.65  # measured 0.702
    assert s["median_cited_chars"] <= 350  # measured 286: citations stay sentence-sized


def test_abstains_when_the_article_does_not_say(results):
    s = results["hybrid"]["summary"]
    assert s["abstention_recall"] >= 0.70  # measured 0.70
    assert s["false_abstentions"] <= 2  # measured 2
    rows = {r["id"]: r for r in results["hybrid"]["rows"]}
    injections = [r for r in rows.values() if r["kind"] == "unanswerable" and r["topic"] == "injection"]
    assert injections and not any(r["answerable"] for r in injections)


def test_followups_are_resolved(results):
    assert results["hybrid"]["summary"]["followup_accuracy"] >= 0.70  # measured 0.71


def test_the_api_contract(real_assistant):
    a = real_assistant.answer("Who is taking over as Nissan's CEO?")
    assert a.answerable and a.text.startswith("Ivan Espinosa") and a.short_answer == "Ivan Espinosa"
    assert a.query == "Who is taking over as Nissan's CEO?"
    source = ARTICLE.read_text(encoding="utf-8")
    for n, c in enumerate(a.citations, 1):
        assert f"[{n}]" in a.text
        assert c.source == ARTICLE.name and source[c.start:c.end] == c.text
        assert isinstance(c.score, float) and c.sentences
        for s, e in c.sentences:
            assert c.start <= s < e <= c.end and source[s:e] in a.text
    assert set(int(m) for m in re.findall(r"\[(\d+)\]", a.text)) == set(range(1, len(a.citations) + 1))


def test_a_followup_is_searched_with_its_context(real_assistant):
    first = real_assistant.answer("Who is Nissan's incoming CEO?")
    history = [{"role": "user", "content": "Who is Nissan's incoming CEO?"},
               {"role": "assistant", "content": first.text}]
    a = real_assistant.answer("When does he take over?", history=history)
    assert a.answerable and "April 1st" in a.text and a.short_answer == "April 1st"
    assert "incoming CEO" in a.query and "When does he take over?" in a.query
    assert "April 1st" in a.citations[0].text


def test_not_covered_is_said_plainly_with_closest_passages(real_assistant):
    a = real_assistant.answer("What is the price of the new LEAF?")
    assert not a.answerable and a.citations == [] and "does not cover" in a.text
    assert a.closest and all(not re.search(r"\[\d+\]", a.text) for _ in a.closest)
