"""Passages -> Answer: the direct answer, verbatim sentences with [n] markers, a status.

Extractive by design: every word of an answer's evidence is the article's own, every
citation is read from stored offsets, and nothing leaves the machine.

The stages of one answer:
  1. the question is cleaned and, when it leans on the conversation, completed from it
     (``query.resolve``);
  2. passages are retrieved (``retrieval.retrieve``), and every sentence of the top ones gets
     its signals (``selection.candidates``): its cosine and BM25 with the query, read alone
     and in its context, and its passage's score, each as a z-score among the candidates,
     plus whether it holds the kind of answer and the names asked for;
  3. a fitted selection model (``calibration``) ranks them (``selection.ranked``);
  4. a calibrated model over a few signals says whether the article answers (``answered``),
     touches on it (``partial``) or does not cover it;
  5. the answer quotes the best sentence and any close ones (``quoting``), and leads with a
     short answer (a name, date, number...) only when the question's own constraints are
     met around it (``extract.lead_answer``).
"""

from __future__ import annotations

import difflib
import functools
import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from . import calibration as calib
from . import records
from .cases import another_place, differs_in_case
from .config import Settings
from .embedding import Embedder, SentenceTransformerEmbedder
from .errors import AssistantError
from .extract import PERSON, TITLE_WORDS, answer_kind, as_meant, asks_who_said, lead_answer, window
from .extract import people as extract_people
from .index import Index, sentence_texts
from .live import LiveIndex
from .params import Params
from .query import (
    Question,
    as_who,
    asked_again,
    asked_clause,
    asks_advice,
    asks_overview,
    clean,
    has_words,
    is_instruction,
    last_quotes,
    names,
    opening,
    parts,
    points_back,
    resolve,
    searched,
    topic_tokens,
    word_tokens,
)
from .quoting import citation_of, cite, first_quoted, whole_quotes
from .records import Answer, Passage
from .rerank import Reranker
from .retrieval import retrieve
from .roles import (
    constrains_person,
    holder_words,
    holds_roles,
    is_title,
    mentions,
    replaced_names,
    role_holders,
    said_to_leave,
)
from .selection import (
    Analysis,
    Candidate,
    candidates,
    choose,
    neighbour,
    ranked,
    signals,
    unknown_names,
    unknown_word,
)

log = logging.getLogger(__name__)
_RANK = {records.NOT_COVERED: 0, records.PARTIAL: 1, records.ANSWERED: 2}  # how much of a question is answered

EMPTY = "Please type a question about the article, for example: Who is Nissan's incoming CEO?"
NOT_COVERED = "The article does not cover this."
PARTIAL = "The article touches on this, but may not answer it exactly. The closest it comes:"
INSTRUCTION = ("I only answer questions about the article, quoting it; instructions inside a question "
               "are not followed. Ask about what the article says, for example: What is e-POWER?")
ERROR = "Sorry, the assistant cannot answer right now: {error}"


@dataclass(frozen=True)
class Decision:
    """What the answer stage decided for one reading of a question, before it is written out."""

    analysis: Analysis  # the reading answered
    confidence: float  # the answerability model's probability
    status: str  # answered, partial or not covered
    chosen: list[Candidate]  # the sentences to quote, in order (none when not covered)
    short: str  # the short answer in bold, or ""
    notice: str  # what the reader is told beside the answer


# One reading of a question with its candidates ranked, its answerability features and confidence.
Option = tuple[Analysis, list[Candidate], dict[str, float], float]


@dataclass(frozen=True)
class CorpusNames:
    """The names a corpus uses: every capitalised word past a sentence's start ("Nissan",
    "Honda", "QX65"), lower-cased, each source's subject (its most frequent one), and the
    people it names with a job title before them ("incoming CEO Jane Roe"; not "the
    president of Acme Motor", a company), lower-cased."""

    known: frozenset[str]
    subject: dict[str, str]
    people: frozenset[str] = frozenset()


def corpus_names(index: Index) -> CorpusNames:
    """The names of ``index``'s corpus (read once per index: it walks every sentence)."""
    counts: dict[str, Counter[str]] = {}
    common: set[str] = set()  # words written in lower case too: "Planning" in a title is "planning"
    for c in index.chunks:
        source = counts.setdefault(c.source, Counter())
        for s, e in c.sentences:
            words = re.findall(r"[A-Za-z][\w-]*", c.text[s - c.start : e - c.start])[1:]
            source.update(w for w in words if w[0].isupper() and len(w) > 1)
            common.update(w for w in words if w.islower())
    people = set()
    for text in sentence_texts(index.chunks):
        for a, b, name in extract_people(text):
            # the words before the name: its title, within TITLE_WORDS of the capitalised run
            run = re.findall(r"[\w’'-]+", window(text, a, b, TITLE_WORDS, 0))
            titled = run[: len(run) - len(name.split())]
            if any(is_title(w) for w in titled) and not (titled and titled[-1].lower() in {"of", "at", "for"}):
                people.add(name.lower())
    return CorpusNames(frozenset(w.lower() for source in counts.values() for w in source if w.lower() not in common),
                       {src: source.most_common(1)[0][0].lower() for src, source in counts.items() if source},
                       frozenset(people))


def error_answer(error: str, query: str = "", notice: str = "", t0: float | None = None) -> Answer:
    """The one Answer for "the assistant itself failed"; the edges show it as it is.

    Args:
        error: why it failed, shown to the user.
        query: the question as it was to be searched.
        notice: what was done to the question (e.g. cut), if anything.
        t0: ``time.perf_counter()`` at the start, to report the time spent.
    """
    timings = _elapsed(t0) if t0 is not None else {}
    return Answer(ERROR.format(error=error), False, query, notice=notice, error=error, timings_ms=timings,
                  status=records.ERROR)


class Assistant:
    """Loads the model and index once, then answers from any thread."""

    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        calibration: calib.Calibration | None = None,
        params: Params | None = None,
        reranker: Reranker | None = None,
        *,
        refresh: bool = True,
    ) -> None:
        """Args:
            settings: folders, model and retrieval settings (default: from the environment).
            embedder: the passage embedder (default: the settings' sentence-transformers model).
            calibration: the fitted selection and answerability models (default: the ones
                shipped with the package; a missing one is an error, never made-up weights).
            params: the tuning values (default: ``Params()``, as chosen by cross-validation).
            reranker: the sentence reranker (default: loaded on first use, if
                ``params.answer.use_reranker``).
            refresh: re-index in the background when the corpus changes (False: answer from
                the last good index and say it is stale, as ``assistant ask`` does).
        """
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or SentenceTransformerEmbedder(self.settings.model)
        self.calibration = calibration or calib.load_shipped()
        self.params = params or Params()
        self._reranker = reranker
        self.live = LiveIndex(self.settings, self.embedder, background=refresh)
        self._query_embedder: Embedder | None = None
        self._names: tuple[int, CorpusNames] | None = None  # (id of the index, its names)
        self._asked: dict[tuple[int, str, str], list[str]] = {}  # asked_names, asked again per candidate
        self._lock = threading.Lock()

    def with_params(self, params: Params | None = None, calibration: calib.Calibration | None = None) -> "Assistant":
        """Another Assistant sharing this one's loaded model and index (for tuning and CV)."""
        other = Assistant(self.settings, self.embedder, calibration or self.calibration,
                          params or self.params, self._reranker)
        other.live, other._query_embedder = self.live, self.query_embedder
        return other

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

    @property
    def reranker(self) -> Reranker:
        """The sentence reranker, loaded on first use (it is off by default)."""
        if self._reranker is None:
            with self._lock:
                if self._reranker is None:
                    self._reranker = Reranker()
        return self._reranker

    def warm_up(self) -> None:
        """Load the index, the query model (and the reranker, if used) before the first
        question (a torch fallback or a stale index is reported then, as a warning)."""
        self.query_embedder.embed(["warm up"])
        if self.params.answer.use_reranker:
            self.reranker.score(["warm up"], ["warm up"])

    def answer(
        self,
        question: str,
        history: list[dict] | None = None,
        *,
        mode: str | None = None,
        k: int | None = None,
    ) -> Answer:
        """Answer ``question`` from the article. Never raises for a ``str``.

        Args:
            question: any string; an empty, huge or odd one gets an Answer saying so.
            history: earlier turns, ``[{"role": "user"|"assistant", "content": str}, ...]``;
                a follow-up is completed from what it refers to in them.
            mode: retrieval mode for this call (default: the settings').
            k: passages to retrieve (default: the settings').

        Returns:
            An Answer whose ``status`` says what kind of answer it is.

        Raises:
            TypeError: ``question`` is not a string.
        """
        if not isinstance(question, str):
            raise TypeError(f"question must be a str, not {type(question).__name__}")
        t0 = time.perf_counter()
        notice, query = "", ""
        try:
            q = clean(question, self.settings.max_question_chars)
            notice = q.notice
            if not has_words(q.text):
                return Answer(EMPTY, False, "", notice=notice, timings_ms=_elapsed(t0), status=records.EMPTY)
            q, history = _opened(q, history if isinstance(history, list) else None)
            if is_instruction(q.text):  # after what it opens with: "ok, write me a poem"
                return Answer(INSTRUCTION, False, "", notice=notice, timings_ms=_elapsed(t0),
                              status=records.REFUSED)  # nothing searched
            if asks_overview(q.text):  # "summarize the article", "tl;dr", "main points?"
                return self._overview(q.text, notice, t0)
            readings = self.readings(q.text, history, mode, k)
            query = readings[0].query
            if self.live.stale:  # answered from the last good index while the corpus changed
                notice = _noted(notice, f"Note: {self.live.stale}.")
            whole = self._decide(readings, notice)
            if whole.status != records.ANSWERED and len(asked := parts(q.text)) == 2:
                # two questions in one breath ("who is the new CEO and when does he start?"),
                # which the whole does not answer: each part is answered, the second read as
                # a follow-up of the first, and the two are quoted together
                both = self._in_parts(asked, history, mode, k, notice, t0)
                if both is not None and _RANK[both.status] > _RANK[whole.status]:
                    return both
            return self._render(whole, t0)
        except AssistantError as e:
            log.debug("cannot answer: %s", e)  # the edges (CLI, web) report it
            return error_answer(str(e), query, notice, t0)
        except Exception as e:  # a str never raises: the reader gets a message, the log the trace
            log.exception("answer() failed")
            return error_answer(f"{type(e).__name__}: {e}", query, notice, t0)

    def _overview(self, question: str, notice: str, t0: float) -> Answer:
        """The whole article in brief: the opening sentence of each section, in order (a
        lead-based extractive summary), at most ``AnswerParams.overview`` of them."""
        index, chosen, seen = self.index, [], set()
        for chunk in index.chunks:
            if (chunk.source, chunk.section) in seen or not chunk.sentences:
                continue
            seen.add((chunk.source, chunk.section))
            s, e = chunk.sentences[0]
            chosen.append(Candidate(Passage(chunk, 0.0), (s, e), chunk.text[s - chunk.start : e - chunk.start], {}))
            if len(chosen) == self.params.answer.overview:
                break
        if not chosen:
            return Answer(NOT_COVERED, False, question, notice=notice, timings_ms=_elapsed(t0),
                          status=records.NOT_COVERED)
        lines, citations = cite(chosen)
        if self.live.stale:  # from the last good index while the corpus changed
            notice = _noted(notice, f"Note: {self.live.stale}.")
        note = _noted(notice, "An overview: the opening sentence of each section. Ask about any part for more.")
        return Answer("\n".join(lines), True, question, citations, confidence=1.0, notice=note,
                      timings_ms=_elapsed(t0), status=records.ANSWERED)

    def analyse(self, question: str, query: str, mode: str | None = None, k: int | None = None) -> Analysis:
        """Retrieval and every signal of one reading of a (cleaned) question; no fitted model
        is applied, so fitting and answering read exactly the same thing."""
        index, ap = self.index, self.params.answer
        t0 = time.perf_counter()
        k = max(k or self.settings.top_k, ap.sentence_passages)
        kind = answer_kind(question)
        # a person's name asked for is asked with "who", and a person asked for as "the new
        # boss" is also searched by title; the rest reads the query
        if kind == PERSON:
            question, query = as_who(question), as_who(query)
        search = searched(query) if kind == PERSON else query
        r = retrieve(search, index, self.query_embedder, k, mode or self.settings.mode, params=self.params.retrieval)
        t1 = time.perf_counter()
        sources = {p.chunk.source for p in r.passages}
        asked = {src: self.asked_names(question, src) for src in sources}
        subjects = {src: self._corpus_names().subject.get(src, "") for src in sources}
        cands = candidates(question, query, r, index, ap.sentence_passages,
                           self.reranker if ap.use_reranker else None, asked, subjects)
        t2 = time.perf_counter()
        return Analysis(question, query, r, cands, kind, signals(question, r, index),
                        {"retrieval_ms": round((t1 - t0) * 1000, 2), "rerank_ms": round((t2 - t1) * 1000, 2)})

    def readings(self, question: str, history: list[dict] | None, mode: str | None = None,
                 k: int | None = None) -> list[Analysis]:
        """The analyses of each reading of ``question``: alone, and completed from the
        conversation when it leans on it (``query.resolve``)."""
        queries = resolve(question, history, self.settings.max_question_chars, self._corpus_names().people)
        # completed from the conversation, a fragment also asks what the last question asked
        # ("and on the freeway?" after "how much better is it in the city?": a share)
        again = asked_again(question, history)
        recent = last_quotes(history)
        return [replace(self.analyse(f"{question} {again}" if i and again else question, q, mode, k), recent=recent)
                for i, q in enumerate(queries)]

    def choose_reading(self, readings: list[Analysis]) -> Option:
        """The reading to answer, ranked (``_choose``)."""
        return self._choose(self._options(readings))

    def _options(self, readings: list[Analysis]) -> list[Option]:
        """Each reading with its candidates ranked, its answerability features and confidence."""
        options = []
        for a in readings:
            cands, feats = ranked(a, self.calibration.selection, self.params.answer)
            options.append((a, cands, feats, round(self.calibration.confidence(feats), 4)))
        return options

    def _choose(self, options: list[Option]) -> Option:
        """The reading to answer: a question pointing back, completed, whenever that reading
        is answered; a short question's own words whenever they answer it; otherwise the
        reading the article answers most confidently."""
        readings = [o[0] for o in options]
        if len(options) > 1 and not topic_tokens(readings[0].question):
            # "when?", "why not?", "who is he again": the question's own words are about
            # nothing, so whatever they find is a guess (the new CEO's April 1st for "when?"
            # after a question on the merger talks); what they point to decides
            return options[1]
        if len(options) > 1 and not points_back(readings[0].question) \
                and self.calibration.status(options[0][3]) == records.ANSWERED:
            # completed only for being short ("whats e-power" after a question on new
            # models): a question its own words answer is a new topic, whatever the old
            # topic's words would add
            return options[0]
        if len(options) > 1 and points_back(readings[0].question) \
                and self.calibration.status(options[1][3]) == records.ANSWERED \
                and (not options[1][1] or options[1][1][0].x["names"] == 1.0):
            # words that point back ("what is it planning to sell over there?") are read with
            # what they point to whenever that reading is answered: alone, "it" and "there"
            # may find a confident answer about something else. Not when its best sentence
            # lacks a name the question itself gives: "What about in India?" after a question
            # on North America asks of India, whatever the old words find
            return options[1]
        return max(options, key=lambda o: o[3])  # the first (the question's own words) on a tie

    def _in_parts(self, asked: list[str], history: list[dict] | None, mode: str | None, k: int | None,
                  notice: str, t0: float) -> Answer | None:
        """One answer to a question asked in two parts (``query.parts``), or None when the
        article covers neither: answered when both parts are, partial when one is.

        The second is read as a follow-up of the first. When the first is not covered, the
        second counts only if its best sentence holds the people the first names by title
        (``role_holders``): "Who is Honda's CEO and when does he start?" is no question of
        when Nissan's CEO starts.
        Each part quotes at most half of ``AnswerParams.max_sentences``, its best first.
        """
        first = self._decide(self.readings(asked[0], history, mode, k), notice)
        turn = [{"role": "user", "content": asked[0]}, {"role": "assistant", "content": self._render(first, t0).text}]
        second = self._decide(self.readings(asked[1], (history or []) + turn, mode, k), notice)
        if first.status == records.NOT_COVERED and second.chosen:
            src = second.chosen[0].passage.chunk.source
            if not holds_roles(role_holders(asked[0], self.asked_names(asked[0], src)), second.chosen[0].text):
                return None
        decided = [d for d in (first, second) if d.status != records.NOT_COVERED]
        if not decided:
            return None
        # answered only when each part is, with a short answer that passed every check: the
        # whole was not answered, and a part's quotes alone may answer less than it asks
        # ("Which markets get third-gen e-POWER first?": the e-POWER sentence names none)
        status = records.ANSWERED if all(d.status == records.ANSWERED and d.short for d in (first, second)) \
            else records.PARTIAL
        half = max(1, self.params.answer.max_sentences // 2)
        chosen = list({(c.passage.chunk.id, c.span): c for d in decided for c in first_quoted(d.chosen, half)}.values())
        merged = Decision(first.analysis, min(first.confidence, second.confidence), status, chosen, "",
                          " ".join(dict.fromkeys(x for d in (first, second) for x in [d.notice] if x)))
        return self._render(merged, t0, query=" / ".join(d.analysis.query for d in (first, second)))

    def _decide(self, readings: list[Analysis], notice: str) -> Decision:
        """What to answer from the readings of one question: its status, the sentences to
        quote (in order) and the short answer, if any.

        A question pointing back is read with what it points to (``choose_reading``), unless
        its own words are answered with a short answer that passed every check and the
        completed reading has none: "How many models are they launching in North America?"
        after a question on the new CEO is answered by its own words, where the CEO's name
        added to them finds a quote on something else.
        """
        options = self._options(readings)
        option = self._choose(options)
        decided = self._decide_reading(option, notice)
        if len(options) > 1 and option is options[1] and not decided.short \
                and self.calibration.status(options[0][3]) == records.ANSWERED and topic_tokens(readings[0].question):
            alone = self._decide_reading(options[0], notice)  # the question's own words, ranked once
            if alone.short:
                return alone
        return decided

    def _decide_reading(self, option: Option, notice: str) -> Decision:
        """``_decide`` for one reading, ranked (``choose_reading``'s option)."""
        a, cands, feats, conf = option
        question = a.question
        ap = self.params.answer
        status = self.calibration.status(conf) if cands else records.NOT_COVERED
        if status in (records.ANSWERED, records.PARTIAL) and feats.get("unknown_name"):
            # the question names something the corpus never mentions ("Is Toyota also ..."):
            # whatever the quotes say, they do not answer it in full; the reader is told which
            status = records.PARTIAL
            missing = ", ".join(dict.fromkeys(unknown_names(question, self.index)))
            notice = _noted(notice, f"Note: the article never mentions {missing}.")
        if status == records.ANSWERED and asks_advice(question):
            # "should I buy Nissan shares now?", "do you think he will succeed?": the quotes are
            # what the article reports, not advice or a verdict
            status = records.PARTIAL
            notice = _noted(notice, "Note: the article gives no advice or verdict; these are the facts it reports.")
        if status == records.PARTIAL and not feats.get("known_terms"):
            # "touches on this" would claim a topic in common, and the article has none of its
            # words ("hi", "asdfgh qwerty"): the closest quotes are only the least far
            status = records.NOT_COVERED
        if status == records.NOT_COVERED:
            return Decision(a, conf, status, [], "", notice)
        chosen = choose(cands, ap.keep_ratio, ap.max_sentences)
        if (status == records.ANSWERED and a.kind and chosen and chosen[0].x["kind"]
                and not self._names_held(question, chosen[0])):
            # the best sentence gives a figure, date or person, but not of a name the question
            # asks it of ("How many models is Honda launching in North America by FY26?"
            # against Nissan's "greater than 10 new ... fashions ... by FY26"): it may not be
            # what was asked. Only names the article uses count: an acronym it never writes
            # ("NA", "EMs") is no name to find.
            status = records.PARTIAL
        if status == records.ANSWERED and (replaced := replaced_names(question, self.asked_names(
                question, chosen[0].passage.chunk.source) if chosen else [])) \
                and not any(said_to_leave(n, c.text) for n in replaced for c in cands):
            # "who replaced Cartier?": the answer need not name him, but some sentence must say
            # he is the one leaving, or the newcomer it names replaced someone else
            status = records.PARTIAL
        if status == records.ANSWERED and chosen and not self._people_held(question, chosen[0]):
            # the question asks of a person the article names ("What did Uchida tell
            # reporters?") and the best sentence, read with the one before it, does not name
            # them: it is someone else's (Cartier's words), not an answer
            status = records.PARTIAL
        short = ""
        if status == records.ANSWERED:
            short, chosen, of_another_case = self._lead(a, chosen)
            if of_another_case:
                status = records.PARTIAL
        if not short and a.kind and chosen and not chosen[0].x["kind"]:
            # the best sentence holds nothing of the kind asked (a date, a figure, a person),
            # one quoted beside it offers it under the question's constraints ("when does
            # Espinosa start"): that one is quoted first, with nothing in bold
            holder = next((c for c in chosen if c.x["supports"] and c.x["shares_words"]), None)
            if holder is not None:
                chosen = [holder] + [c for c in chosen if c is not holder]
        if status == records.ANSWERED and not short and a.kind not in ("", PERSON) and chosen \
                and topic_tokens(a.query) and not any(c.x["shares_words"] for c in chosen if c.x["kind"]):
            # a figure or date asked for, and the quotes holding one share no word with the
            # question, or with what it was completed with ("How many jobs will Nissan cut?":
            # the platform's 200,000 units; "how much?" after "and range?": the same)
            status = records.PARTIAL
        chosen = whole_quotes(chosen, cands, self.index, ap.max_sentences, bool(short), a.retrieval.passages)
        return Decision(a, conf, status, chosen, short, notice)

    def _lead(self, a: Analysis, chosen: list[Candidate]) -> tuple[str, list[Candidate], bool]:
        """The short answer of an answered reading, the quotes with its sentence first, and
        whether all the quotes offer is of another case than the question names (the answer
        is then partial).

        The best-ranked quoted sentence that supports a short answer leads (and is quoted
        first). A name has its title and side to check against, so the first quoted
        sentence naming one who fits may lead; a figure or a date has nothing but its
        sentence, so only the best sentence may give one. Either way, when another quoted
        sentence offers a different one ("200,000 models" beside "more than 10 new
        models"; Espinosa beside Uchida for "who is he replacing?"), the quotes disagree
        and nothing is asserted in bold.
        """
        question, query, ap = a.question, a.query, self.params.answer
        reranker = self.reranker if ap.use_reranker else None
        # one named by surname alone is read with the full name in the two best sentences only
        # ("With Uchida's resignation ..." fourth for "who wants to work with nissan besides
        # honda" gave Makoto Uchida)
        offered = [(i, c, lead_answer(question, query, c.read if c.speaker or i <= 1 else c.text, reranker,
                                      self.asked_names(question, c.passage.chunk.source)))
                   for i, c in enumerate(chosen)]
        # a name from a sentence below the best must share a word with the question
        # or fit something the question asks of a person ("who ran it before this new
        # fellow" is met by "outgoing CEO ..."); "who are they working with on that"
        # after a question on AI asks nothing a planner quoted on platforms fits
        own_words = set(topic_tokens(question))
        loose = not constrains_person(question, self.asked_names(question, chosen[0].passage.chunk.source)) \
            if chosen and a.kind == PERSON else False
        offered = [(i, c, x) for i, c, x in offered if x and (i == 0 or not loose or c.x["shares_words"])
                   # who "he" is in a sentence found for its "he" alone ("who is he"), or for
                   # words the question was completed with ("partnerships" / "with who?": a
                   # partner is asked, not who spoke of partnerships), is a guess
                   and (not c.speaker or c.x["shares_words"] and bool(own_words & word_tokens(c.text)))]
        if asks_who_said(question):
            # "who said Honda is the most natural fit?": whoever said what the best sentence
            # says, not someone named beside it (that sentence is the writer's own claim)
            offered = [(i, c, x) for i, c, x in offered if i == 0]
        if loose and not own_words and a.recent:
            # "who said that?", "who says?": asked of what the last reply quoted first, so
            # the one named is of those quotes, not of a sentence found by the topic's words
            offered = [(i, c, x) for i, c, x in offered if " ".join(c.text.split()) in a.recent]
        # and asked by a follow-up with words of its own ("who wants it?" after a question
        # on the merger), the name's sentence must share one of them: sharing only what the
        # question was completed with (Cartier's "We never stopped talking to Honda"), it
        # answers who spoke of the topic, not who does what was asked
        if loose and own_words and query != question:
            offered = [(i, c, x) for i, c, x in offered if own_words & word_tokens(c.text)]
        # What is of another case than the question names is not what was asked: a value
        # of another generation, driving condition or scope (``differs_in_case``: "in city
        # driving" against "at freeway speeds"), of another place (``another_place``: "in
        # europe" against "In North America alone"), or a date or figure from a sentence
        # sharing no word with the question while another quoted one does ("what date was
        # the media roundtable": April 1st is when the new CEO starts), or with what a bare
        # question was completed with. When that is all the quotes offer, it is partial.
        elsewhere = any(c.x["shares_words"] for c in chosen)
        unknown = functools.partial(unknown_word, index=self.index)
        another = {i for i, c, _ in offered if (a.kind == PERSON or i == 0) and (
            differs_in_case(question, c.text) or another_place(question, c.text, unknown)
            # a bare "how much?" asks of what the conversation was about ("and range?"): a
            # figure from a sentence sharing none of those words is of something else
            or a.kind != PERSON and not c.x["shares_words"] and (elsewhere or not own_words))}
        offered = [o for o in offered if o[0] not in another]
        # a person in bold is one the corpus introduces with a job title somewhere ("outgoing
        # CEO Makoto Uchida"): "the Renault-Mitsubishi Alliance" reads as a name, but is no
        # one (it still counts as a different name offered: the quotes disagree)
        if offered and (a.kind == PERSON or offered[0][0] == 0) and len({x for _, _, x in offered}) == 1 \
                and (a.kind != PERSON or offered[0][2].lower() in self._corpus_names().people):
            i, c, short = offered[0]
            if i > 0 and c.surnamed and not c.speaker:
                # a name read off a surname below the best sentence only tells the quotes
                # disagree ("Who ended the merger talks?": "With Uchida's resignation ...")
                return "", chosen, False
            return short, [c] + chosen[:i] + chosen[i + 1:], False
        return "", chosen, bool(another) and not offered

    def _render(self, d: Decision, t0: float, query: str | None = None) -> Answer:
        """The Answer for a decision: the short answer, the quotes and their citations, or
        the closest passages when the article does not cover the question."""
        query = d.analysis.query if query is None else query
        timings = d.analysis.timings_ms | _elapsed(t0)
        if d.status == records.NOT_COVERED:
            closest = [citation_of(p, []) for p in d.analysis.retrieval.passages[: self.params.answer.closest]]
            text = NOT_COVERED + (" The closest passages are listed, but they do not answer the question."
                                  if closest else "")
            return Answer(text, False, query, closest=closest, confidence=d.confidence, notice=d.notice,
                          timings_ms=timings, status=d.status)
        lines, citations = cite(d.chosen)
        if d.short:
            lines = [f"{d.short} [1]", ""] + lines
        elif d.status == records.PARTIAL:
            lines = [PARTIAL, ""] + lines
        return Answer("\n".join(lines), d.status == records.ANSWERED, query, citations, short_answer=d.short,
                      confidence=d.confidence, notice=d.notice, timings_ms=timings, status=d.status)

    def _names_held(self, question: str, c: Candidate) -> bool:
        """Whether ``c`` mentions every name the question gives that the corpus uses."""
        known = self._corpus_names().known
        return all(mentions(n, c.text) for n in self.asked_names(question, c.passage.chunk.source)
                   if n.lower() in known)

    def _people_held(self, question: str, c: Candidate) -> bool:
        """Whether ``c``, or the sentence before it in its section, names each person of the
        article the question names ("uchida", "Ivan Espinosa": any of a person's names
        will do); of people offered as a choice ("Roe or Poe?"), one."""
        people = self._corpus_names().people
        asked = {w.lower() for n in self.asked_names(question, c.passage.chunk.source) for w in n.split()}
        wanted = [p for p in sorted(people) if asked & set(p.split())]
        if not wanted:
            return True
        texts = [c.text]
        if (before := neighbour(self.index, c.passage.chunk, c.span, -1)) is not None:
            chunk, (s, e) = before
            texts.append(chunk.text[s - chunk.start : e - chunk.start])
        held = [any(mentions(w, t) for w in p.split() for t in texts) for p in wanted]
        # "Was it Roe or Poe who said ...?", "Did Roe or Poe say ...?": either is the answer
        return any(held) if len(wanted) > 1 and re.search(r"\bor\b", question, re.I) else all(held)

    def _corpus_names(self) -> CorpusNames:
        index = self.index
        if self._names is None or self._names[0] != id(index):
            self._names = (id(index), corpus_names(index))
        return self._names[1]

    def asked_names(self, question: str, source: str) -> list[str]:
        """The names ``question`` gives, less the subject of ``source`` (its most frequent
        name: "Nissan" in an article about Nissan is not a constraint on any sentence) and the
        words of job titles ("Chief", "CEO": ``roles.roles_met`` checks those by their forms),
        and those of a clause setting the scene ("With Honda talks back on, when does the new
        CEO start?": ``query.asked_clause``)."""
        corpus = self._corpus_names()
        key = (id(corpus), question, source)
        if key not in self._asked:
            if len(self._asked) > 4096:
                self._asked.clear()
            self._asked[key] = self._names_given(question, source, corpus)
        return list(self._asked[key])

    def _names_given(self, question: str, source: str, corpus: CorpusNames) -> list[str]:
        """``asked_names``, worked out."""
        main = corpus.subject.get(source, "")
        clause = asked_clause(question)
        given = names(clause, corpus.known)
        # whose role is asked, typed in lower case and unknown to the corpus ("toyota's ceo"):
        # a name too, of someone the article never mentions
        # (not a misspelt name it does know: "the ceo of nisan")
        given += [w for w in holder_words(clause) if not any(mentions(w, n) for n in given)
                  and unknown_word(w, self.index)
                  and not difflib.get_close_matches(w, corpus.known, n=1, cutoff=0.8)]
        return [n for n in given if n.lower() != main and not is_title(n)]

    def fitting_readings(self, question: str, history: list[dict] | None = None,
                         mode: str | None = None) -> list[Analysis] | None:
        """The readings of one question as answer() would analyse them in ``mode``; None for
        the questions answer() turns away before searching (empty, or instructions)."""
        q, history = _opened(clean(question, self.settings.max_question_chars), history)
        if not has_words(q.text) or is_instruction(q.text):
            return None
        return self.readings(q.text, history, mode)


def _opened(q: Question, history: list[dict] | None) -> tuple[Question, list[dict] | None]:
    """The question with its misspelt question words spelt out (``extract.as_meant``) and
    without what it opens with before asking (``query.opening``), and the history, none when
    the question says the topic changes: every stage after reads the question as meant."""
    text, changed = opening(as_meant(q.text))
    return replace(q, text=text), None if changed else history


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


def _noted(notice: str, note: str) -> str:
    """``notice`` with ``note`` added after what it already says."""
    return " ".join(x for x in (notice, note) if x)


def _elapsed(t0: float) -> dict[str, float]:
    return {"total_ms": round((time.perf_counter() - t0) * 1000, 2)}


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
