"""Metrics over the gold question set, per split and retrieval mode.

Retrieval is judged on evidence *sentences*: a gold question names the article
sentences that answer it (as character offsets), and a passage is relevant with a
grade equal to the number of those sentences it contains.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import ROOT
from .corpus import read_source
from .records import Answer, Span

GOLD = ROOT / "tests" / "gold" / "questions.jsonl"
GOLD_SOURCE = "nissan-strategy-honda-talks.txt"
KS = (1, 3, 5)


# ---- metrics on one ranking, pure functions --------------------------------------------

def overlaps(a: Span, b: Span) -> bool:
    return max(a[0], b[0]) < min(a[1], b[1])


def recall_at(ranked: list[set[int]], gold: set[int], k: int) -> float:
    """Share of the gold items found in the first k ranked groups."""
    if not gold:
        return 0.0
    found = set().union(*ranked[:k]) if ranked[:k] else set()
    return len(found & gold) / len(gold)


def reciprocal_rank(ranked: list[set[int]], gold: set[int], k: int = 10) -> float:
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
    if not facts:
        return 1.0
    low = text.lower()
    return sum(f.lower() in low for f in facts) / len(facts)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q / 100 * len(s)) - 1))]


# ---- the gold set --------------------------------------------------------------------

@dataclass
class GoldQuestion:
    id: str
    split: str
    kind: str  # answerable | unanswerable | followup
    question: str
    evidence: list[tuple[str, Span]] = field(default_factory=list)  # (source, span)
    facts: list[str] = field(default_factory=list)
    first: str = ""  # the first turn of a followup
    topic: str = ""
    category: str = ""


def load_gold(path: Path = GOLD) -> list[GoldQuestion]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        out.append(GoldQuestion(
            id=d["id"], split=d["split"], kind=d["kind"], question=d["question"],
            evidence=[(e.get("source", GOLD_SOURCE), (e["start"], e["end"])) for e in d.get("evidence", [])],
            facts=d.get("facts", []), first=d.get("first", ""), topic=d.get("topic", ""),
            category=d.get("category", ""),
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
    return {i for (src, sp), i in sent_ids.items() for (gsrc, gsp) in q.evidence if src == gsrc and overlaps(sp, gsp)}


def citation_valid(c, corpus_dir: Path, cache: dict[str, str]) -> bool:
    if c.source not in cache:
        cache[c.source] = read_source(corpus_dir / c.source)
    text = cache[c.source]
    return text[c.start:c.end] == c.text and all(c.start <= s < e <= c.end for s, e in c.sentences)


def cited_chars(a: Answer) -> int:
    return sum(e - s for c in a.citations for s, e in c.sentences)


def evaluate(assistant, gold: list[GoldQuestion], mode: str, split: str) -> dict:
    """Run every question of ``split`` through ``assistant`` in ``mode``; metrics + rows."""
    from .retrieval import retrieve

    index = assistant.index
    sent_ids, groups = _sentence_ids(index)
    by_span = {(c.source, c.start, c.end): c.id for c in index.chunks}
    cache: dict[str, str] = {}
    rows = []
    for q in (g for g in gold if g.split == split):
        history = None
        if q.kind == "followup":
            first = assistant.answer(q.first, mode=mode)
            history = [{"role": "user", "content": q.first}, {"role": "assistant", "content": first.text}]
        t0 = time.perf_counter()
        a = assistant.answer(q.question, history, mode=mode)
        ms = (time.perf_counter() - t0) * 1000
        row = {"id": q.id, "kind": q.kind, "topic": q.topic or q.category, "question": q.question,
               "query": a.query, "answerable": a.answerable, "confidence": a.confidence,
               "latency_ms": round(ms, 2), "text": a.text}
        if q.kind != "unanswerable":
            gold_ids = gold_sentences(q, sent_ids)
            r = retrieve(a.query or q.question, index, assistant.query_embedder, 10, mode)
            ranked = [groups[p.chunk.id] for p in r.passages]
            cited = [groups[by_span[(c.source, c.start, c.end)]] if (c.source, c.start, c.end) in by_span
                     else set() for c in a.citations]
            row.update({
                f"recall@{k}": recall_at(ranked, gold_ids, k) for k in KS
            } | {
                "mrr@10": reciprocal_rank(ranked, gold_ids),
                "ndcg@10": ndcg_at(ranked, gold_ids, 10, groups),
                "fact_recall": fact_recall(a.text, q.facts),
                "citation_precision": (sum(bool(g & gold_ids) for g in cited) / len(cited)) if cited else 0.0,
                "citations_valid": all(citation_valid(c, assistant.settings.corpus_dir, cache) for c in a.citations),
                "cited_chars": cited_chars(a),
                "evidence_cited": any(
                    overlaps(sp, gsp) for c in a.citations for sp in c.sentences for (src, gsp) in q.evidence
                    if src == c.source
                ),
                "missing_facts": [f for f in q.facts if f.lower() not in a.text.lower()],
            })
        rows.append(row)
    return {"split": split, "mode": mode, "summary": summarise(rows), "rows": rows}


def summarise(rows: list[dict]) -> dict:
    ans = [r for r in rows if r["kind"] != "unanswerable"]
    una = [r for r in rows if r["kind"] == "unanswerable"]
    fol = [r for r in rows if r["kind"] == "followup"]
    answered = [r for r in ans if r["answerable"]]
    abstained_ok = sum(not r["answerable"] for r in una)
    abstained = abstained_ok + (len(ans) - len(answered))
    mean = lambda key, rs=ans: statistics.fmean(r[key] for r in rs) if rs else 0.0  # noqa: E731
    return {
        "questions": len(rows),
        **{f"recall@{k}": mean(f"recall@{k}") for k in KS},
        "mrr@10": mean("mrr@10"),
        "ndcg@10": mean("ndcg@10"),
        "fact_recall": mean("fact_recall"),
        "citation_precision": mean("citation_precision", answered),
        "citation_validity": mean("citations_valid", answered),
        "median_cited_chars": statistics.median(r["cited_chars"] for r in answered) if answered else 0,
        "abstention_precision": abstained_ok / abstained if abstained else 1.0,
        "abstention_recall": abstained_ok / len(una) if una else 1.0,
        "false_abstentions": len(ans) - len(answered),
        "followup_accuracy": (sum(r["answerable"] and r["evidence_cited"] for r in fol) / len(fol)) if fol else 1.0,
        "latency_p50_ms": percentile([r["latency_ms"] for r in rows], 50),
    }
