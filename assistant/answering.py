"""Passages -> Answer: verbatim sentences with [n] markers, a short answer, or "not covered".

Extractive by design: every word of an answer's evidence is the article's own, every
citation is read from stored offsets, and nothing leaves the machine.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np

from . import calibration as calib
from .config import Settings
from .embedding import Embedder, SentenceTransformerEmbedder
from .errors import AssistantError
from .extract import answer_kind, has_kind, lead_answer
from .index import Index
from .lexical import tokenize
from .live import LiveIndex
from .query import capitalised_words, clean, has_words, is_instruction, standalone
from . import records
from .records import Answer, Citation, Passage, Span
from .retrieval import Retrieval, normalise, retrieve

log = logging.getLogger(__name__)

# Sentence score = cosine with the query, BM25 of the sentence, and its passage's rank.
W_COSINE, W_LEXICAL, W_PASSAGE = 0.6, 0.2, 0.2
SENTENCE_PASSAGES = 3  # sentences are picked from this many top passages
MAX_SENTENCES = 3
KEEP_RATIO = 0.85  # further sentences must score at least this share of the best one
NEIGHBOUR_RATIO = 0.8  # ... or this share, in the best sentence's own passage (they continue it)
KIND_RATIO = 0.6  # a sentence holding the asked-for kind may be added down to this share
CLOSEST = 3

EMPTY = "Please type a question about the article, for example: Who is Nissan's incoming CEO?"
NOT_COVERED = "The article does not cover this."
INSTRUCTION = ("I only answer questions about the article, quoting it; instructions inside a question "
               "are not followed. Ask about what the article says, for example: What is e-POWER?")


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    span: Span
    text: str
    score: float
    cosine: float


def candidates(r: Retrieval, index: Index) -> list[Candidate]:
    """Every sentence of the top passages, scored for the query, best first."""
    if not r.passages:
        return []
    sent_lex = normalise(index.bm25_sentences.scores(r.tokens))
    top = max(r.passages[0].score, 1e-9)
    out = []
    for p in r.passages[:SENTENCE_PASSAGES]:
        row0 = index.sentence_rows[p.chunk.id]
        cosines = np.asarray(index.sentence_vectors[row0 : row0 + len(p.chunk.sentences)]) @ r.vector
        for j, (s, e) in enumerate(p.chunk.sentences):
            cos = float(cosines[j])
            score = W_COSINE * cos + W_LEXICAL * float(sent_lex[row0 + j]) + W_PASSAGE * p.score / top
            text = p.chunk.text[s - p.chunk.start : e - p.chunk.start]
            out.append(Candidate(p, (s, e), text, score, cos))
    out.sort(key=lambda c: -c.score)
    return out


def choose(cands: list[Candidate], kind: str) -> list[Candidate]:
    """The best sentence, those close to it, and one holding the asked-for kind if needed."""
    if not cands:
        return []
    best = cands[0].score
    home = cands[0].passage.chunk.id
    chosen = [c for c in cands if c.score >= (NEIGHBOUR_RATIO if c.passage.chunk.id == home else KEEP_RATIO) * best]
    chosen = chosen[:MAX_SENTENCES]
    if kind and not has_kind(kind, [c.text for c in chosen]):
        extra = next((c for c in cands if c not in chosen and c.score >= KIND_RATIO * best
                      and has_kind(kind, [c.text])), None)
        if extra is not None:
            chosen = chosen[: MAX_SENTENCES - 1] + [extra]
    return chosen


def features(question: str, r: Retrieval, chosen: list[Candidate], index: Index, kind: str) -> dict[str, float]:
    """The signals the calibrated model reads to decide whether the article answers."""
    terms = set(tokenize([question])[0]) or set(r.tokens)
    known = set(index.bm25_passages.known(list(terms)))
    chosen_terms = set(tokenize([" ".join(c.text for c in chosen)])[0]) if chosen else set()
    names = {t for toks in tokenize(capitalised_words(question)) for t in toks}
    return {
        "sentence_cosine": max((c.cosine for c in chosen), default=0.0),
        "passage_cosine": r.passages[0].dense if r.passages else 0.0,
        "known_terms": len(known) / len(terms) if terms else 0.0,
        "covered_terms": len(terms & chosen_terms) / len(terms) if terms else 0.0,
        "kind_found": float(has_kind(kind, [c.text for c in chosen])),
        "unknown_name": float(bool(names - set(index.bm25_passages.known(list(names))))),
    }


def _citation(p: Passage, sentences: list[Span]) -> Citation:
    c = p.chunk
    return Citation(c.text, c.source, c.start, c.end, c.section, round(p.score, 4), sorted(sentences))


def compose(question: str, chosen: list[Candidate]) -> tuple[str, str, list[Citation]]:
    """Answer text with [n] markers numbered by first use, the short answer, the citations."""
    short, i, anchored = lead_answer(question, [c.text for c in chosen])
    lead = chosen[i] if short else None
    if anchored:  # the question's words point at it: its sentence alone answers
        chosen = [lead]
    order: dict[int, int] = {}  # chunk id -> citation number
    used: dict[int, list[Span]] = {}
    for c in chosen:
        cid = c.passage.chunk.id
        order.setdefault(cid, len(order) + 1)
        used.setdefault(cid, []).append(c.span)
    passages = {c.passage.chunk.id: c.passage for c in chosen}
    citations = [_citation(passages[cid], used[cid]) for cid in order]
    lines = []
    if lead is not None:
        lines += [f"{short} [{order[lead.passage.chunk.id]}]", ""]
    lines += [f"> {c.text} [{order[c.passage.chunk.id]}]" for c in chosen]
    return "\n".join(lines), short, citations


class Assistant:
    """Loads the model and index once, then answers from any thread."""

    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        calibration: calib.Calibration | None = None,
        *,
        refresh: bool = True,
    ) -> None:
        """Args:
            settings: folders, model and retrieval settings (default: from the environment).
            embedder: the passage embedder (default: the settings' sentence-transformers model).
            calibration: the answerability model (default: the one shipped with the package;
                a missing one is an error, never silent made-up weights).
            refresh: re-index in the background when the corpus changes (False: answer from
                the last good index and say it is stale, as ``assistant ask`` does).
        """
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or SentenceTransformerEmbedder(self.settings.model)
        self.calibration = calibration or calib.load_shipped()
        self.live = LiveIndex(self.settings, self.embedder, background=refresh)
        self._query_embedder: Embedder | None = None
        self._lock = threading.Lock()

    @property
    def index(self) -> Index:
        """The index answers come from: the last good one, swapped for a fresh one when the
        corpus changes (``self.live.stale`` says why it is behind, if it is)."""
        return self.live.get()

    @property
    def query_embedder(self) -> Embedder:
        """The ONNX runner when the index carries an intact export, else the torch embedder."""
        if self._query_embedder is None:
            index = self.index
            with self._lock:
                if self._query_embedder is None:
                    self._query_embedder = _query_embedder(index, self.embedder, self.settings.onnx)
        return self._query_embedder

    def warm_up(self) -> None:
        """Load the index and the query model before the first question (a torch fallback
        or a stale index is reported then, as a warning)."""
        self.query_embedder.embed(["warm up"])

    def answer(
        self,
        question: str,
        history: list[dict] | None = None,
        *,
        mode: str | None = None,
        k: int | None = None,
    ) -> Answer:
        """Answer ``question`` from the article.

        Args:
            question: any string; an empty, huge or odd one gets an Answer saying so.
            history: earlier turns, ``[{"role": "user"|"assistant", "content": str}, ...]``;
                a follow-up question is searched together with the previous user question.
            mode: retrieval mode for this call (default: the settings').
            k: passages to retrieve (default: the settings').

        Raises:
            TypeError: ``question`` is not a string.
        """
        if not isinstance(question, str):
            raise TypeError(f"question must be a str, not {type(question).__name__}")
        t0 = time.perf_counter()
        q = clean(question, self.settings.max_question_chars)
        if not has_words(q.text):
            return Answer(EMPTY, False, "", notice=q.notice, timings_ms=_elapsed(t0), status=records.EMPTY)
        if is_instruction(q.text):
            return Answer(INSTRUCTION, False, "", notice=q.notice, timings_ms=_elapsed(t0),
                          status=records.REFUSED)  # nothing searched
        query = standalone(q.text, history if isinstance(history, list) else None,
                           self.settings.max_question_chars)
        try:
            return self._answer(q, query, mode, k, t0)
        except AssistantError as e:
            log.debug("cannot answer: %s", e)  # the edges (CLI, web) report it
            error = str(e)
        except Exception as e:  # a str never raises: the reader gets a message, the log the trace
            log.exception("answer() failed")
            error = f"{type(e).__name__}: {e}"
        return Answer(f"Sorry, the assistant cannot answer right now: {error}", False, query,
                      notice=q.notice, error=error, timings_ms=_elapsed(t0))

    def _analyse(self, question: str, query: str, mode: str | None, k: int | None):
        """Retrieval, sentence choice and calibration features: shared by answer() and the
        calibration, so the model is fitted on exactly what it will be asked to judge."""
        index = self.index
        r = retrieve(query, index, self.query_embedder, k or self.settings.top_k, mode or self.settings.mode)
        kind = answer_kind(question)
        chosen = choose(candidates(r, index), kind)
        return r, chosen, features(question, r, chosen, index, kind)

    def _answer(self, q, query: str, mode: str | None, k: int | None, t0: float) -> Answer:
        r, chosen, feats = self._analyse(q.text, query, mode, k)
        conf = self.calibration.confidence(feats)
        timings = {"retrieval_ms": round((time.perf_counter() - t0) * 1000, 2)}
        if conf < self.calibration.threshold or not chosen:
            closest = [_citation(p, []) for p in r.passages[:CLOSEST]]
            text = NOT_COVERED + (" The closest passages are listed, but they do not answer the question." if closest else "")
            return Answer(text, False, query, closest=closest, confidence=round(conf, 4),
                          notice=q.notice, timings_ms=timings | _elapsed(t0))
        text, short, citations = compose(q.text, chosen)
        return Answer(text, True, query, citations, short_answer=short, confidence=round(conf, 4),
                      notice=q.notice, timings_ms=timings | _elapsed(t0))

    def features(self, question: str, history: list[dict] | None = None) -> dict[str, float] | None:
        """The calibration features of one question; None for the questions answer() turns
        away before retrieving (empty, or instructions to the assistant)."""
        q = clean(question, self.settings.max_question_chars)
        if not has_words(q.text) or is_instruction(q.text):
            return None
        query = standalone(q.text, history, self.settings.max_question_chars)
        return self._analyse(q.text, query, None, None)[2]


def _query_embedder(index: Index, embedder: Embedder, use_onnx: bool) -> Embedder:
    entry = index.manifest.get("onnx") or {}
    if not use_onnx:
        log.info("queries use torch: ONNX is off")
        return embedder
    slow = "queries will use torch (slower start, more memory)"
    if index.onnx_damaged or "probe_vector" not in entry:
        why = (f"the ONNX export is damaged ({', '.join(index.onnx_damaged[:2])})" if index.onnx_damaged
               else f"the index has no ONNX export ({entry.get('error', 'built without one')})")
        log.warning("%s: %s; `assistant index` repairs it", slow, why)
        return embedder
    try:
        from .onnx_embedding import MIN_COSINE, PROBES, OnnxEmbedder

        assert index.folder is not None
        runner = OnnxEmbedder(index.folder / entry["folder"], embedder.name)
        cosine = float(runner.embed(PROBES[:1])[0] @ np.asarray(entry["probe_vector"], dtype=np.float32))
        if cosine < MIN_COSINE:
            raise ValueError(f"it no longer embeds like the reference (probe cosine {cosine:.4f})")
        return runner
    except Exception as e:  # noqa: BLE001 - a damaged export or a missing onnxruntime: fall back, say so once
        log.warning("%s: the ONNX export could not be used (%s); `assistant index` repairs it", slow, e)
        return embedder


def _elapsed(t0: float) -> dict[str, float]:
    return {"total_ms": round((time.perf_counter() - t0) * 1000, 2)}  # no retrieval was done


def _load_calibration() -> calib.Calibration:
    try:
        return calib.load()
    except (OSError, ValueError, KeyError) as e:
        log.warning("calibration unusable (%s); using neutral defaults", e)
        return calib.Calibration(weights=(4.0, 4.0, 2.0, 2.0, 1.0, -2.0), bias=-7.0)


_default: Assistant | None = None
_default_lock = threading.Lock()


def default_assistant() -> Assistant:
    """The process-wide Assistant built from the environment's settings."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Assistant()
    return _default
