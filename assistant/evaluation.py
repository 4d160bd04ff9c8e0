"""Metrics over a gold question set: retrieval, the answer stage, statuses, follow-ups.

Retrieval is judged on evidence *sentences*: a gold question names the article sentences
that answer it (as character offsets), and a passage is relevant with a grade equal to the
number of those sentences it contains. The answer stage is judged on what the reader sees:
whether the answer cites an evidence sentence, holds the expected facts, has the right
status, and whether its bold short answer is right.

Four sets ship with the repository. ``tests/gold/blind/questions.jsonl`` (written blind, four
writers) and ``tests/gold/fresh/questions.jsonl`` (two more writers, written later) together
are the tuning pool (``TUNING``): every constant and both models are chosen by 5-fold
cross-validation over them; the default. ``tests/gold/fresh2/questions.jsonl`` (two more
writers, whose questions and misses nobody changing the code has read) is held out, as are
``tests/gold/fresh3/questions.jsonl`` (three more writers, made the same way in rounds 7-8),
``tests/gold/fresh4/questions.jsonl`` (two more, round 9), ``tests/gold/fresh5/questions.jsonl``
(two more, round 10), ``tests/gold/fresh6/questions.jsonl`` (two more, round 11) and the older
``tests/gold/questions.jsonl`` (one writer, a dev/test split).
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .config import ROOT
from .corpus import read_source
from .records import ANSWERED, NOT_COVERED, PARTIAL, STATUSES, Answer, Span

BLIND = ROOT / "tests" / "gold" / "blind" / "questions.jsonl"
LEGACY = ROOT / "tests" / "gold" / "questions.jsonl"
FRESH = ROOT / "tests" / "gold" / "fresh" / "questions.jsonl"  # written blind later; in the CV pool since round 4
FRESH2 = ROOT / "tests" / "gold" / "fresh2" / "questions.jsonl"  # written blind later still; held out, misses unread
FRESH3 = ROOT / "tests" / "gold" / "fresh3" / "questions.jsonl"  # one more writer, round 7; held out, misses unread
FRESH4 = ROOT / "tests" / "gold" / "fresh4" / "questions.jsonl"  # two more writers, round 9; held out, misses unread
FRESH5 = ROOT / "tests" / "gold" / "fresh5" / "questions.jsonl"  # two more writers, round 10; held out, misses unread
FRESH6 = ROOT / "tests" / "gold" / "fresh6" / "questions.jsonl"  # two more writers, round 11; held out, misses unread
# What every constant and both models are chosen and fitted on, by 5-fold cross-validation.
TUNING = (BLIND, FRESH)
GOLD = BLIND
GOLD_SOURCE = "nissan-strategy-honda-talks.txt"
KS = (1, 3, 5)
# Kinds whose (second) question the article answers.
ANSWERABLE_KINDS = ("answerable", "followup", "topic_change")
TWO_TURN_KINDS = ("followup", "topic_change")


# ---- metrics on one ranking, pure functions --------------------------------------------

def overlaps(a: Span, b: Span) -> bool:
    """Whether two (start, end) spans share at least one character."""
    return max(a[0], b[0]) < min(a[1], b[1])


def recall_at(ranked: list[set[int]], gold: set[int], k: int) -> float:
    """Share of the gold items found in the first k ranked groups."""
    if not gold:
        return 0.0
    found = set().union(*ranked[:k]) if ranked[:k] else set()
    return len(found & gold) / len(gold)


def hit_at(ranked: list[set[int]], gold: set[int], k: int) -> bool:
    """Whether any gold item is in the first k ranked groups."""
    return any(group & gold for group in ranked[:k])


def reciprocal_rank(ranked: list[set[int]], gold: set[int], k: int = 10) -> float:
    """1 / the rank of the first group holding a gold item, 0 when none of the first k does."""
    for i, group in enumerate(ranked[:k], 1):
        if group & gold:
            return 1.0 / i
    return 0.0


def ndcg_at(ranked: list[set[int]], gold: set[int], k: int, all_groups: list[set[int]]) -> float:
    """nDCG@k with gain = number of gold items in a group; the ideal ranks all groups."""
    def dcg(gains: list[int]) -> float:
        return sum(g / math.log2(i + 2) for i, g in enumerate(gains))

    gains = [len(g & gold) for g in ranked[:k]]
    ideal = sorted((len(g & gold) for g in all_groups), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best else 0.0


def fact_recall(text: str, facts: list[str]) -> float:
    """Share of ``facts`` that appear in ``text``, ignoring case and quote style (1 with no facts)."""
    if not facts:
        return 1.0
    low = _fold(text)
    return sum(_fold(f) in low for f in facts) / len(facts)


def _fold(text: str) -> str:
    """Case and quote style folded, so "Nissan’s" in a fact matches "Nissan's"."""
    return text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def short_answer_right(short: str, facts: list[str]) -> bool:
    """A short answer is right when it names the expected answer (the first fact) or is
    named by it: "Espinosa" and "Ivan Espinosa" both count, "Makoto Uchida" does not."""
    if not short or not facts:
        return False
    s, f = _fold(short).strip(), _fold(facts[0]).strip()
    return bool(s) and (s in f or f in s)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values`` by the nearest-rank method; 0 when empty."""
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q / 100 * len(s)) - 1))]


# ---- the gold set --------------------------------------------------------------------

@dataclass
class GoldQuestion:
    """One question of a gold set, with the evidence and facts a right answer holds."""

    id: str
    kind: str  # answerable | unanswerable | followup | topic_change
    question: str
    evidence: list[tuple[str, Span]] = field(default_factory=list)  # (source, span)
    facts: list[str] = field(default_factory=list)
    first: str = ""  # the first turn of a two-turn question
    fold: int = -1  # cross-validation fold (blind set)
    split: str = ""  # dev | test (legacy set)
    topic: str = ""  # the writer (blind set) or the topic (legacy set)
    category: str = ""  # what kind of unanswerable question (trap)


def load_tuning() -> list[GoldQuestion]:
    """The tuning pool: every set in ``TUNING``, with the folds their files assign."""
    return [q for path in TUNING for q in load_gold(path)]


def load_gold(path: Path = GOLD) -> list[GoldQuestion]:
    """The gold questions in the JSON-lines file ``path`` (blind or legacy format)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        out.append(GoldQuestion(
            id=d["id"], kind=d["kind"], question=d["question"],
            evidence=[(e.get("source", GOLD_SOURCE), (e["start"], e["end"])) for e in d.get("evidence", [])],
            facts=d.get("facts", []), first=d.get("first", ""), fold=int(d.get("fold", -1)),
            split=d.get("split", ""), topic=d.get("writer", d.get("topic", "")),
            category=d.get("trap", d.get("category", "")),
        ))
    return out


# ---- running the assistant over the set ------------------------------------------------

def _sentence_ids(index) -> tuple[dict[tuple[str, Span], int], list[set[int]]]:
    """A global id for every indexed sentence, and each chunk's set of sentence ids."""
    ids: dict[tuple[str, Span], int] = {}
    groups = []
    for c in index.chunks:
        g = set()
        for sp in c.sentences:
            g.add(ids.setdefault((c.source, sp), len(ids)))
        groups.append(g)
    return ids, groups


def gold_sentences(q: GoldQuestion, sent_ids: dict[tuple[str, Span], int]) -> set[int]:
    """The ids of the indexed sentences that overlap an evidence span of ``q``.

    Args:
        q: the gold question.
        sent_ids: the id of every indexed sentence, by (source, span).
    """
    return {i for (src, sp), i in sent_ids.items() for (gsrc, gsp) in q.evidence if src == gsrc and overlaps(sp, gsp)}


def citation_valid(c, corpus_dir: Path, cache: dict[str, str]) -> bool:
    """Whether a citation's text is the corpus file's text at its offsets, with its sentences inside it.

    Args:
        c: the citation.
        corpus_dir: the corpus folder its source is relative to.
        cache: texts already read, by source; filled as files are read.
    """
    if c.source not in cache:
        cache[c.source] = read_source(corpus_dir / c.source)
    text = cache[c.source]
    return text[c.start:c.end] == c.text and all(c.start <= s < e <= c.end for s, e in c.sentences)


def cited_chars(a: Answer) -> int:
    """How many characters the quoted sentences of an answer hold."""
    return sum(e - s for c in a.citations for s, e in c.sentences)


def cites(a: Answer, q: GoldQuestion) -> bool:
    """Whether a sentence the answer quotes is an evidence sentence."""
    return any(overlaps(sp, gsp) for c in a.citations for sp in c.sentences for (src, gsp) in q.evidence
               if src == c.source)


def sentence_precision(a: Answer, q: GoldQuestion) -> float:
    """Share of the quoted sentences that are evidence: what quoting more costs."""
    quoted = [(c.source, sp) for c in a.citations for sp in c.sentences]
    if not quoted:
        return 0.0
    return sum(any(src == gsrc and overlaps(sp, gsp) for gsrc, gsp in q.evidence) for src, sp in quoted) / len(quoted)


def conversation(assistant, first: str, mode: str | None = None) -> list[dict]:
    """The history after asking ``first``: the question and the assistant's answer to it."""
    answer = assistant.answer(first, mode=mode)
    return [{"role": "user", "content": first}, {"role": "assistant", "content": answer.text}]


def history(assistant, q: GoldQuestion, mode: str | None = None) -> list[dict] | None:
    """The conversation before a two-turn question: its first turn and the answer to it."""
    return conversation(assistant, q.first, mode) if q.first else None


def evaluate(assistant, questions: list[GoldQuestion], mode: str = "hybrid", name: str = "") -> dict:
    """Run ``questions`` through ``assistant`` in ``mode``; metrics + one row per question.

    Args:
        assistant: the Assistant to evaluate.
        questions: the gold questions.
        mode: the retrieval mode.
        name: a label for the run, kept in the result.
    """
    from .retrieval import retrieve

    index = assistant.index
    sent_ids, groups = _sentence_ids(index)
    by_span = {(c.source, c.start, c.end): c.id for c in index.chunks}
    cache: dict[str, str] = {}
    rows = []
    for q in questions:
        turns = history(assistant, q, mode)
        t0 = time.perf_counter()
        a = assistant.answer(q.question, turns, mode=mode)
        ms = (time.perf_counter() - t0) * 1000
        row = {"id": q.id, "kind": q.kind, "fold": q.fold, "topic": q.topic or q.category, "category": q.category,
               "question": q.question, "first": q.first, "query": a.query, "status": a.status,
               "answerable": a.answerable, "confidence": a.confidence, "short_answer": a.short_answer,
               "short_right": short_answer_right(a.short_answer, q.facts) if a.short_answer else None,
               "latency_ms": round(ms, 2), "text": a.text}
        if q.kind in ANSWERABLE_KINDS:
            gold_ids = gold_sentences(q, sent_ids)
            r = retrieve(a.query or q.question, index, assistant.query_embedder, 10, mode,
                         params=assistant.params.retrieval)
            ranked = [groups[p.chunk.id] for p in r.passages]
            cited = [groups[by_span[(c.source, c.start, c.end)]] if (c.source, c.start, c.end) in by_span
                     else set() for c in a.citations]
            row.update({
                f"recall@{k}": recall_at(ranked, gold_ids, k) for k in KS
            } | {
                "hit@3": hit_at(ranked, gold_ids, 3),
                "mrr@10": reciprocal_rank(ranked, gold_ids),
                "ndcg@10": ndcg_at(ranked, gold_ids, 10, groups),
                "fact_recall": fact_recall(a.text, q.facts) if a.status in (ANSWERED, PARTIAL) else 0.0,
                "citation_precision": (sum(bool(g & gold_ids) for g in cited) / len(cited)) if cited else 0.0,
                "sentence_precision": sentence_precision(a, q),
                "citations_valid": all(citation_valid(c, assistant.settings.corpus_dir, cache) for c in a.citations),
                "cited_chars": cited_chars(a),
                "evidence_cited": cites(a, q),
                "missing_facts": [f for f in q.facts if _fold(f) not in _fold(a.text)],
            })
            if q.kind == "followup":  # the same follow-up with no history: what the context is worth
                bare = assistant.answer(q.question, mode=mode)
                row["evidence_cited_without_history"] = cites(bare, q)
        rows.append(row)
    return {"name": name, "mode": mode, "summary": summarise(rows), "rows": rows}


def _mean(rows: list[dict], key: str) -> float:
    return statistics.fmean(float(r[key]) for r in rows) if rows else 0.0


def summarise(rows: list[dict]) -> dict:
    """The metrics of a run from its per-question rows (as ``evaluate`` makes them)."""
    ans = [r for r in rows if r["kind"] == "answerable"]
    una = [r for r in rows if r["kind"] == "unanswerable"]
    two = [r for r in rows if r["kind"] in TWO_TURN_KINDS]
    fol = [r for r in rows if r["kind"] == "followup"]
    tch = [r for r in rows if r["kind"] == "topic_change"]
    covered = ans + two
    answered = [r for r in covered if r["answerable"]]
    shorts = [r for r in rows if r.get("short_answer")]
    abstained_ok = sum(not r["answerable"] for r in una)
    abstained = abstained_ok + (len(covered) - len(answered))
    resolved = lambda rs: _mean([{"x": r["evidence_cited"] and r["status"] != NOT_COVERED} for r in rs], "x")  # noqa: E731
    return {
        "questions": len(rows),
        **{f"recall@{k}": _mean(covered, f"recall@{k}") for k in KS},
        "hit@3": _mean(ans, "hit@3"),
        "mrr@10": _mean(covered, "mrr@10"),
        "ndcg@10": _mean(covered, "ndcg@10"),
        # The answer stage, on answerable questions.
        "cites_evidence": _mean(ans, "evidence_cited"),
        "cite_loss": _mean(ans, "hit@3") - _mean(ans, "evidence_cited"),
        "fact_recall": _mean(ans, "fact_recall"),
        "answered_on_answerable": _mean([{"x": r["status"] == ANSWERED} for r in ans], "x"),
        "not_covered_on_answerable": _mean([{"x": r["status"] == NOT_COVERED} for r in ans], "x"),
        "unanswerable_not_answered": _mean([{"x": r["status"] != ANSWERED} for r in una], "x"),
        "short_right": _mean([{"x": bool(r["short_right"])} for r in shorts], "x") if shorts else 1.0,
        "shorts_given": len(shorts),
        "short_on_unanswerable": sum(bool(r.get("short_answer")) for r in una),
        "followups_resolved": resolved(fol) if fol else 1.0,
        "followups_without_history": _mean(fol, "evidence_cited_without_history") if fol else 0.0,
        "topic_changes_resolved": resolved(tch) if tch else 1.0,
        "citation_precision": _mean(answered, "citation_precision"),
        "sentence_precision": _mean(answered, "sentence_precision"),
        "citation_validity": _mean(answered, "citations_valid"),
        "median_cited_chars": statistics.median(r["cited_chars"] for r in answered) if answered else 0,
        "abstention_precision": abstained_ok / abstained if abstained else 1.0,
        "abstention_recall": abstained_ok / len(una) if una else 1.0,
        "false_abstentions": len(covered) - len(answered),
        "followup_accuracy": (sum(r["answerable"] and r["evidence_cited"] for r in fol) / len(fol)) if fol else 1.0,
        "statuses": confusion(rows),
        "latency_p50_ms": percentile([r["latency_ms"] for r in rows], 50),
    }


def confusion(rows: list[dict]) -> dict[str, dict[str, int]]:
    """Question kind -> status -> count."""
    out: dict[str, dict[str, int]] = {}
    for kind in sorted({r["kind"] for r in rows}):
        counts = Counter(r["status"] for r in rows if r["kind"] == kind)
        out[kind] = {s: counts.get(s, 0) for s in STATUSES if counts.get(s, 0)}
    return out
