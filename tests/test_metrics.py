"""The evaluation metrics, checked on a small example worked out by hand."""

from __future__ import annotations

import math

import pytest

from assistant.evaluation import fact_recall, ndcg_at, percentile, recall_at, reciprocal_rank, summarise

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
    assert fact_recall("Ivan Espinosa takes over on April 1st.", ["ivan espinosa", "April 1st", "FY26"]) == pytest.approx(2 / 3)
    assert fact_recall("anything", []) == 1.0


def test_percentile_nearest_rank():
    assert percentile([40, 10, 30, 20], 50) == 20  # rank ceil(0.5*4) = 2
    assert percentile([40, 10, 30, 20], 95) == 40  # rank ceil(0.95*4) = 4
    assert percentile([], 50) == 0.0


def _row(kind, answerable, **kw):
    base = {"kind": kind, "answerable": answerable, "latency_ms": 10.0}
    if kind != "unanswerable":
        base |= {"recall@1": 1.0, "recall@3": 1.0, "recall@5": 1.0, "mrr@10": 1.0, "ndcg@10": 1.0,
                 "fact_recall": 1.0, "citation_precision": 1.0, "citations_valid": True,
                 "cited_chars": 100, "evidence_cited": answerable}
    return base | kw


def test_abstention_and_followup_figures():
    rows = [
        _row("answerable", True),
        _row("answerable", False),  # a false abstention
        _row("unanswerable", False),  # a correct abstention
        _row("unanswerable", True),  # answered what the article does not cover
        _row("followup", True),
    ]
    s = summarise(rows)
    assert s["false_abstentions"] == 1
    assert s["abstention_recall"] == 0.5  # 1 of 2 unanswerable
    assert s["abstention_precision"] == 0.5  # 2 abstentions, 1 of them right
    assert s["followup_accuracy"] == 1.0
    assert s["questions"] == 5
