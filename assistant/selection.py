"""Candidate sentences -> ranked: every sentence of the top passages gets its signals, the
fitted selection model ranks them, and the answerability features are read off the ranking.

The signals of one sentence: its cosine and BM25 with the query, read alone and in its
context (its section title and the sentence before it), and its passage's score, each as a
z-score among the candidates; whether it holds the kind of answer and the names asked for;
and the sentence reranker's view when it is on (``rerank.Reranker``). ``answering`` decides
from the ranking; ``report`` fits the models on exactly what is computed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np

from . import calibration as calib
from .extract import PERSON, TITLE, answer_kind, asks_who_said, has_kind, people, supports
from .index import Index
from .lexical import tokenize
from .params import AnswerParams
from .query import capitalised_words, topic_tokens, word_tokens
from .records import Chunk, Passage, Span
from .rerank import Reranker
from .retrieval import Retrieval
from .roles import constrains_person, holds_roles, is_title, mentions, name_forms, role_holders, viewers

T = TypeVar("T")


@dataclass(frozen=True)
class Candidate:
    """One sentence of a retrieved passage, with its signals and, once ranked, its probability."""

    passage: Passage
    span: Span
    text: str
    # calibration.SENTENCE_FEATURES (its "kind" and "names" among them), and the question's
    # cues: "supports", "shares_words", "holds_roles", "closeness" (the z-scores' level)
    x: dict[str, float]
    prob: float = 0.0  # the selection model's probability that it answers the query
    speaker: str = ""  # who its "he" or "she" is, named by the sentence before (``speaker``)
    surnamed: str = ""  # the one person it names by surname alone (``named_by_surname``)

    @property
    def read(self) -> str:
        """The sentence as a person is looked for in it: with who "he" is, or the full name
        of the one it names by surname, when it says."""
        who = self.speaker or self.surnamed
        return f"{who}: {self.text}" if who else self.text


@dataclass(frozen=True)
class Analysis:
    """One reading of a question, before any fitted model is applied; shared with fitting."""

    question: str  # the cleaned question
    query: str  # what was searched (the question, completed from the conversation if needed)
    retrieval: Retrieval
    candidates: list[Candidate]  # the sentences of the top passages, in their order
    kind: str  # the kind of short answer asked for ("" for none)
    signals: dict[str, float]  # the QUESTION_FEATURES that need no fitted model (``signals``)
    timings_ms: dict[str, float] = field(default_factory=dict)
    recent: tuple[str, ...] = ()  # what the last reply quoted first (``query.last_quotes``)


def standardise(values: np.ndarray) -> np.ndarray:
    """``values`` as z-scores within one question's candidates (zeros when they are all equal):
    how far a sentence stands out from the others matters, not a score's level, which shifts
    with the question's length and wording."""
    sd = float(values.std())
    return (values - values.mean()) / sd if sd > 1e-9 else np.zeros_like(values)


def neighbour(index: Index, chunk: Chunk, span: Span, step: int) -> tuple[Chunk, Span] | None:
    """The sentence ``step`` (+1 or -1) from ``span`` in the text: in its passage or the
    next one of the same file and section; None at a section's edge."""
    spans = chunk.sentences
    j = spans.index(span) + step
    if 0 <= j < len(spans):
        return chunk, spans[j]
    k = chunk.id + step
    if not 0 <= k < len(index.chunks):
        return None
    other = index.chunks[k]
    if (other.source, other.section) != (chunk.source, chunk.section) or not other.sentences:
        return None
    return other, other.sentences[0] if step > 0 else other.sentences[-1]


_PRONOUN = re.compile(r"\b(?:he|she)\b", re.IGNORECASE)
_PER_INDEX: dict[str, tuple[int, Any]] = {}  # what was read -> (id of the index's chunk list, it)


def _once_per_index(index: Index, what: str, read: Callable[[Index], T]) -> T:
    """``read(index)``, kept under ``what`` while this index answers: one index answers at a
    time, and a rebuilt one replaces it."""
    held = _PER_INDEX.get(what)
    if held is None or held[0] != id(index.chunks):
        held = _PER_INDEX[what] = (id(index.chunks), read(index))
    return held[1]


def _full_names(index: Index) -> dict[tuple[str, str], str]:
    """(source, surname) -> the one full name a source writes with that surname
    ("Espinosa" -> "Ivan Espinosa"), read once per index."""
    def read(index: Index) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], set[str]] = {}
        for chunk in index.chunks:
            for s, e in chunk.sentences:
                for _, _, name in people(chunk.text[s - chunk.start : e - chunk.start]):
                    found.setdefault((chunk.source, name.split()[-1]), set()).add(name)
        return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}

    return _once_per_index(index, "full names", read)


def _by_surname(index: Index, source: str, text: str) -> set[str]:
    """The people ``text`` names by a surname alone that ``source`` writes in full elsewhere
    ("With Uchida's resignation": Makoto Uchida)."""
    full = _full_names(index)
    return {full[(source, w)] for w in re.findall(r"\b[A-Z][a-z]+\b", text) if (source, w) in full}


def named_by_surname(index: Index, source: str, text: str) -> str:
    """The one person a sentence naming no one in full names by surname; "" otherwise."""
    if people(text):
        return ""
    named = _by_surname(index, source, text)
    return named.pop() if len(named) == 1 else ""


def speaker(index: Index, chunk: Chunk, span: Span, text: str) -> str:
    """Who "he" or "she" is in a sentence naming no one (“I have a no-taboo approach,” he
    said.), or who speaks in one ending a quotation opened before it (... It helps keep
    costs down.”): the one person the sentence before it names, in full or by surname; ""
    when the sentence names someone, has neither, or the one before names no one person."""
    if people(text) or not (_PRONOUN.search(text) or text.count("”") > text.count("“")):
        return ""
    before = neighbour(index, chunk, span, -1)
    if before is None:
        return ""
    other, (s, e) = before
    prev = other.text[s - other.start : e - other.start]
    # named in full, or failing that by a surname the source writes in full elsewhere
    named = {n for _, _, n in people(prev)} or _by_surname(index, chunk.source, prev)
    return named.pop() if len(named) == 1 else ""


def _names_a_body(text: str, subject: str) -> bool:
    """Whether ``text`` introduces a body by what it is ("tech supplier Foxconn", "rival
    Corvane"): a capitalised name after a describing word, that is no person, no title and
    not its source's subject ("between Nissan and Honda" introduces no one)."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    held = {w for _, _, n in people(text) for w in n.split()}
    for m in re.finditer(r"\b([a-z][a-z-]+)\s+([A-Z][a-z]+(?:-[A-Z]?[a-z]+)?)\b(?![’']s)", text):
        word, name = m.group(1), m.group(2)
        if word not in STOPWORDS_EN_PLUS and name not in held and not is_title(name) \
                and subject not in name.lower().split("-"):
            return True
    return False


def _people_read(index: Index, chunk: Chunk, span: Span, text: str) -> tuple[str, str]:
    """(``speaker``, ``named_by_surname``) of a sentence, read once per index: a sentence's
    people do not change with the question."""
    reads: dict[tuple[int, Span], tuple[str, str]] = _once_per_index(index, "people read", lambda _: {})
    if (chunk.id, span) not in reads:
        if len(reads) > 100_000:
            reads.clear()  # bounded: a large corpus read for months keeps no entry for every sentence
        who = speaker(index, chunk, span, text)
        reads[(chunk.id, span)] = (who, "" if who else named_by_surname(index, chunk.source, text))
    return reads[(chunk.id, span)]


def candidates(question: str, query: str, r: Retrieval, index: Index, passages: int, reranker: Reranker | None,
               asked: dict[str, list[str]], subjects: dict[str, str] | None = None) -> list[Candidate]:
    """Every sentence of the top passages, with its signals (``calibration.SENTENCE_FEATURES``
    and the question's cues), in reading order of the passages.

    Args:
        question: the question as asked (its wording says what kind of answer it wants).
        query: what was searched (the question, completed from the conversation if needed).
        r: the query's retrieval (its passages, query vector and tokens).
        index: the index the passages come from.
        passages: how many top passages to read sentences from.
        reranker: the sentence reranker, or None (its logit is then 0).
        asked: for each source, the names the question gives (less its subject).
        subjects: for each source, its subject ("nissan"): a sentence sharing only that
            word with the question shares nothing that tells it apart.
    """
    top = r.passages[:passages]
    if not top:
        return []
    owners = [p for p in top for _ in p.chunk.sentences]
    spans = [sp for p in top for sp in p.chunk.sentences]
    rows = [index.sentence_rows[p.chunk.id] + j for p in top for j in range(len(p.chunk.sentences))]
    texts = [p.chunk.text[s - p.chunk.start : e - p.chunk.start] for p, (s, e) in zip(owners, spans, strict=True)]
    raw = {"cosine": np.asarray(index.sentence_vectors[rows]) @ r.vector,
           "context": np.asarray(index.context_vectors[rows]) @ r.vector,
           "bm25": index.bm25_sentences.scores(r.tokens)[rows],
           "context_bm25": index.bm25_contexts.scores(r.tokens)[rows],
           "passage": np.array([p.score for p in owners])}
    z = {name: standardise(np.asarray(v, dtype=np.float64)) for name, v in raw.items()}
    probs = (np.clip(reranker.score([query] * len(texts), texts), 1e-4, 1 - 1e-4) if reranker is not None
             else np.full(len(texts), 0.5))
    kind = answer_kind(question)
    holders = {src: role_holders(question, names) for src, names in asked.items()}  # once per source
    # the query's own words, not what was searched for them ("CEO chief executive" is added
    # to a person asked for as "the boss"), less the words asking for a kind of answer
    topic = topic_tokens(query)
    shared = np.zeros(len(rows), dtype=bool)
    for src in {p.chunk.source for p in top}:
        words = [t for t in topic if t not in word_tokens((subjects or {}).get(src, ""))]
        scores = index.bm25_sentences.scores(words)[rows] if words else np.zeros(len(rows))
        shared |= (scores > 0) & np.array([p.chunk.source == src for p in owners])  # BM25 > 0: a word shared
    out = []
    for i, (p, span, text) in enumerate(zip(owners, spans, texts, strict=True)):
        wanted = asked.get(p.chunk.source, [])
        who, surnamed = _people_read(index, p.chunk, span, text)
        read = f"{who}: {text}" if who else text  # (a surname alone is read for the bold answer only)
        x = {name: float(v[i]) for name, v in z.items()} | {
            "rerank_logit": float(np.log(probs[i] / (1 - probs[i]))),
            "closeness": float(max(raw["cosine"][i], raw["context"][i])),  # the level the z-scores leave out
            # what the conversation asked counts too: "by how much?" after "better gas mileage?"
            "kind": float(bool(kind) and has_kind(kind, [read], f"{question} {query}")),
            "names": sum(mentions(n, text) for n in wanted) / len(wanted) if wanted else 1.0,
            "supports": float(supports(question, query, read, wanted)),
            "shares_words": float(bool(shared[i])),
            "holds_roles": float(holds_roles(holders.get(p.chunk.source, []), text)),
            # a body it names beside people ("tech supplier Foxconn", "Honda"): "who" may ask for one
            "body": float(kind == PERSON and _names_a_body(text, (subjects or {}).get(p.chunk.source, "")))}
        out.append(Candidate(p, span, text, x, speaker=who, surnamed=surnamed))
    return out


def signals(question: str, r: Retrieval, index: Index) -> dict[str, float]:
    """Question-level signals for the answerability model (all but the best sentence's).

    Args:
        question: the question as searched.
        r: its retrieval; its tokens stand in when the question has no content word.
        index: the index searched, for the words and names the corpus knows.
    """
    terms = set(tokenize([question])[0]) or set(r.tokens)
    known = set(index.bm25_passages.known(list(terms)))
    return {
        "passage_cosine": r.passages[0].dense if r.passages else 0.0,
        "known_terms": len(known) / len(terms) if terms else 0.0,
        "unknown_name": float(bool(unknown_names(question, index))),
    }


def unknown_word(word: str, index: Index) -> bool:
    """Whether the corpus never uses ``word`` (a stop word, with no tokens, is no unknown word)."""
    tokens = sorted(word_tokens(word))
    return bool(tokens) and not index.bm25_passages.known(tokens)


def unknown_names(question: str, index: Index) -> list[str]:
    """The names the question gives that the corpus never mentions ("Toyota"), and whoever it
    asks the view of in words the corpus never uses ("what do analysts think": ``viewers``). A
    name is known when the corpus has it, or the place its demonym comes from ("American");
    acronyms ("BEVs", "EMs") are terms rather than names, and titles are not names."""
    # a model's code typed in lower case is a name too ("and the qx50?") when the corpus has
    # codes of the same series (QX60, QX65): "gen3", "mk3" or "epower3" are no model's name
    codes = [w for w in re.findall(r"\b[a-z]{2,}\d[a-z\d]*\b", question)
             if _series(w) in _code_series(index) and not _same_year(w, index)]
    return [w for w in capitalised_words(question) + codes
            if word_tokens(w) and not re.fullmatch(r"[A-Z]{2,}s?", w) and not is_title(w)
            and not index.bm25_passages.known(sorted(set().union(*(word_tokens(f) for f in name_forms(w)))))] + \
        [w for w in viewers(question) if unknown_word(w, index)]


def _series(code: str) -> str:
    """The letters a code opens with ("qx" of "qx50", "fy" of "FY26"), lower-cased."""
    return re.sub(r"[^A-Za-z].*", "", code).lower()


def _code_series(index: Index) -> frozenset[str]:
    """The series of the codes the corpus writes ("QX60", "FY26": "qx", "fy"), read once per index."""
    return _once_per_index(index, "code series", lambda index: frozenset(
        _series(c) for chunk in index.chunks for c in re.findall(r"\b[A-Za-z]{2,}\d+[A-Za-z\d]*\b", chunk.text)))


def _same_year(code: str, index: Index) -> bool:
    """Whether a code with a four-digit year is one the corpus writes with two ("fy2026": FY26)."""
    m = re.fullmatch(r"([a-z]+)\d\d(\d\d)", code)
    return m is not None and bool(index.bm25_passages.known([m.group(1) + m.group(2)]))


def _kind_missing(kind: str, cands: list[Candidate], ap: AnswerParams, constrained: bool = False) -> bool:
    """Whether the ranked candidates lack the kind of answer asked for.

    A person asked for with a title, side or company ("Who is Honda's CEO?") is missing when
    no top sentence names one that fits, whoever the best sentence names; so is a person the
    question speaks of by title ("What did Honda's CEO say?") when no top sentence names
    that title with that company. A job title asked for is missing when no top sentence
    gives one the question does not already hold: the person's title often stands in
    another sentence than the one that best matches the question's other words.

    Otherwise what is asked (a person, a date, a figure) is missing when the best sentence
    holds none and no sentence quoted beside it on its own merit (within ``ap.keep_ratio`` of
    the best, among the first ``ap.max_sentences``) offers one under the question's
    constraints and shares a word with the question beyond the article's subject and the
    words asking for the kind. ``choose`` also quotes the first sentence offering one below
    that bar; it does not count here: counted, "How much horsepower does the new e-POWER
    system produce?" was answered on the strength of "greater than 10 new ... fashions"
    ("when does Espinosa start": the best sentence speaks of his approach; the one quoted
    next gives April 1st. "How many jobs are cut?" is not met by "The 2 corporations ...").
    """
    if not cands:
        return True
    best = cands[0]
    supported = any(c.x["supports"] for c in cands)
    if kind == TITLE:
        return not supported
    quoted = [c for c in cands[: ap.max_sentences] if c.prob >= ap.keep_ratio * best.prob]
    offered = any(c.x["supports"] and c.x["shares_words"] for c in quoted)
    if kind == PERSON:
        # a person asked for by title or side ("whos leaving nissan") is offered by a sentence
        # naming one of that title or side ("outgoing CEO ..."), whatever words it shares
        offered = offered or constrained and any(c.x["supports"] for c in quoted)
        if not constrained and best.x.get("body") and best.x["names"] == 1.0:
            return False  # "who has expressed interest in working with Nissan?": a company answers
        return not supported or not best.x["kind"] and not offered
    return not best.x["kind"] and not offered


def ranked(a: Analysis, selection: calib.Logistic, ap: AnswerParams) -> tuple[list[Candidate], dict[str, float]]:
    """The candidates best first by the selection model, and the answerability features.

    Args:
        a: one analysed reading of the question.
        selection: the fitted sentence selection model.
        ap: the answer stage's values: what will be quoted may hold the date or figure
            asked for when the best sentence does not.
    """
    cands = sorted((replace(c, prob=selection.probability(c.x)) for c in a.candidates), key=lambda c: -c.prob)
    best = cands[0] if cands else None
    constrained = a.kind == PERSON and (constrains_person(a.question) or asks_who_said(a.question))
    missing = (bool(a.kind) and _kind_missing(a.kind, cands, ap, constrained)
               or not any(c.x["holds_roles"] for c in cands))
    return cands, a.signals | {"best": best.prob if best else 0.0, "best_cosine": best.x["closeness"] if best else 0.0,
                               "kind_missing": float(missing),
                               "names_missing": 1.0 - best.x["names"] if best else 1.0}


def choose(cands: list[Candidate], keep_ratio: float, limit: int) -> list[Candidate]:
    """The best sentence, the next ones whose probability is close to it, and the best one
    holding the kind of answer asked for (a date, a name...), if any may be quoted.

    Args:
        cands: the ranked candidates, best first, with their probabilities.
        keep_ratio: a further sentence is kept when its probability is at least this share
            of the best one's.
        limit: the most sentences returned.
    """
    if not cands:
        return []
    bar = keep_ratio * cands[0].prob
    chosen = [cands[0]] + [c for c in cands[1:limit] if c.prob > 0 and c.prob >= bar]
    # A name, date or amount asked for is quoted when one of the sentences that may be quoted
    # offers it under the question's constraints (its title, side, names), or failing that
    # holds one, even if its probability is not close to the best one's.
    holder = next((c for c in cands[:limit] if c.x["supports"]), None) or next(
        (c for c in cands[:limit] if c.x["kind"]), None)
    if holder is not None and holder not in chosen:
        chosen = chosen[: limit - 1] + [holder]
    return chosen
