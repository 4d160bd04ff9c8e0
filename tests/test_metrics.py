"""The evaluation metrics, checked on a small example worked out by hand."""

from __future__ import annotations

import math

import pytest

from assistant.evaluation import (
    fact_recall,
    hit_at,
    ndcg_at,
    percentile,
    recall_at,
    reciprocal_rank,
    short_answer_right,
    summarise,
)

# Four retrieved passages, each a set of sentence ids; sentences 3 and 5 are the gold evidence.
RANKED = [{1, 2}, {3}, {4, 5}, {6}]
GOLD = {3, 5}


def test_recall_at_k():
    assert recall_at(RANKED, GOLD, 1) == 0.0  # passage 1 holds neither 3 nor 5
    assert recall_at(RANKED, GOLD, 2) == 0.5  # passage 2 adds sentence 3: 1 of 2
    assert recall_at(RANKED, GOLD, 3) == 1.0  # passage 3 adds sentence 5: 2 of 2
    assert recall_at(RANKED, set(), 3) == 0.0  # no gold: nothing to recall


def test_reciprocal_rank():
    assert reciprocal_rank(RANKED, GOLD) == 0.5  # first passage with gold is at rank 2
    assert reciprocal_rank(RANKED, {6}, k=3) == 0.0  # rank 4 is beyond the cut-off of 3
    assert reciprocal_rank(RANKED, {1}) == 1.0


def test_ndcg_at_3():
    # gains at ranks 1..3: 0, 1, 1 -> DCG = 0/log2(2) + 1/log2(3) + 1/log2(4) = 0.6309 + 0.5 = 1.1309
    # ideal order puts the two one-gain passages first: 1/log2(2) + 1/log2(3) = 1.6309
    expected = (1 / math.log2(3) + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert ndcg_at(RANKED, GOLD, 3, RANKED) == pytest.approx(expected)
    assert expected == pytest.approx(0.6934, abs=1e-4)
    assert ndcg_at([{3, 5}], GOLD, 3, [{3, 5}, {1}]) == 1.0  # one passage with both: perfect


def test_fact_recall_is_case_insensitive_share():
    text = "Ivan Espinosa takes over on April 1st."
    assert fact_recall(text, ["ivan espinosa", "April 1st", "FY26"]) == pytest.approx(2 / 3)
    assert fact_recall("anything", []) == 1.0


def test_percentile_nearest_rank():
    assert percentile([40, 10, 30, 20], 50) == 20  # rank ceil(0.5*4) = 2
    assert percentile([40, 10, 30, 20], 95) == 40  # rank ceil(0.95*4) = 4
    assert percentile([], 50) == 0.0


def _row(kind, status, **kw):
    base = {"kind": kind, "status": status, "answerable": status == "answered", "latency_ms": 10.0,
            "short_answer": "", "short_right": None}
    if kind != "unanswerable":
        cited = status != "not_covered"
        base |= {"recall@1": 1.0, "recall@3": 1.0, "recall@5": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0, "hit@3": True,
                 "fact_recall": 1.0 if cited else 0.0, "citation_precision": 1.0, "sentence_precision": 1.0,
                 "citations_valid": True,
                 "cited_chars": 100, "evidence_cited": cited, "evidence_cited_without_history": False}
    return base | kw


def test_status_and_followup_figures():
    rows = [
        _row("answerable", "answered", short_answer="Ivan Espinosa", short_right=True),
        _row("answerable", "not_covered"),  # the article answers it, the assistant said it does not
        _row("answerable", "partial"),
        _row("answerable", "answered", evidence_cited=False),  # quoted the wrong sentence
        _row("unanswerable", "not_covered"),  # right
        _row("unanswerable", "partial"),  # right: a partial answer does not claim to answer
        _row("unanswerable", "answered", short_answer="Makoto Uchida"),  # wrong, and a wrong short answer
        _row("followup", "answered"),
        _row("topic_change", "not_covered"),
    ]
    s = summarise(rows)
    assert s["questions"] == 9
    assert s["cites_evidence"] == 0.5  # 2 of the 4 answerable rows cite evidence (answered, partial)
    assert s["cite_loss"] == 0.5  # all 4 had it in the top 3: hit@3 1.0 - cites 0.5
    assert s["not_covered_on_answerable"] == 0.25  # 1 of 4
    assert s["answered_on_answerable"] == 0.5
    assert s["unanswerable_not_answered"] == pytest.approx(2 / 3)
    assert s["shorts_given"] == 2 and s["short_right"] == 0.5 and s["short_on_unanswerable"] == 1
    assert s["followups_resolved"] == 1.0 and s["topic_changes_resolved"] == 0.0
    assert s["statuses"]["answerable"] == {"answered": 2, "partial": 1, "not_covered": 1}
    assert s["statuses"]["unanswerable"] == {"answered": 1, "partial": 1, "not_covered": 1}


def test_hit_at_k():
    assert not hit_at(RANKED, GOLD, 1) and hit_at(RANKED, GOLD, 2)  # sentence 3 is in passage 2
    assert not hit_at(RANKED, set(), 4)


@pytest.mark.parametrize("short, facts, right", [
    ("Ivan Espinosa", ["Ivan Espinosa"], True),
    ("Espinosa", ["Ivan Espinosa"], True),  # names the expected answer
    ("as much as 15%", ["15%"], True),  # holds it
    ("Makoto Uchida", ["Ivan Espinosa"], False),
    ("Nissan’s", ["Nissan's"], True),  # curly and straight apostrophes are the same
    ("", ["x"], False),
    ("x", [], False),
])
def test_a_short_answer_is_right_when_it_names_the_first_fact(short, facts, right):
    assert short_answer_right(short, facts) is right
