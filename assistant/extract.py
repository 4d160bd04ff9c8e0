"""Short answers read off a cited sentence: a name, date, number, percentage or amount.

The question's wording says which kind it wants ("who", "when", "how many", "what
percentage", "how much does it cost"); a candidate of that kind is taken from the
sentence only if it is not already in the question.
"""

from __future__ import annotations

import re

from .lexical import tokenize  # light: bm25s and the stemmer load on first use

PERSON, DATE, NUMBER, PERCENT, MONEY = "person", "date", "number", "percent", "money"

_KIND_CUES: list[tuple[str, re.Pattern[str]]] = [  # first match wins
    (PERCENT, re.compile(r"\b(percent(age)?)\b|%", re.I)),  # said outright, it beats "how much did"
    (MONEY, re.compile(r"\b(price[ds]?|cost[s]?|how much (money|does|do|did|will|is|are)|revenue|profit|"
                       r"earn(ed|ings)?|worth|valuation|salary|pay|spend|spent|invest(ed|ment)?|budget|loss(es)?)\b", re.I)),
    (PERCENT, re.compile(r"\bhow much (better|more|less|higher|lower|worse|improve\w*)", re.I)),
    (NUMBER, re.compile(r"\b(how many|number of|how much)\b", re.I)),  # after money and percent
    (DATE, re.compile(r"\b(when|what (date|day|year|month)|which (date|day|year|month)|by what (date|year))\b", re.I)),
    (PERSON, re.compile(r"\b(who|whom|whose)\b", re.I)),
]

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
_QUALIFIER = r"(?:(?:more|greater|fewer|less) than|up to|as (?:much|many) as|over|about|around|nearly|almost|at least|roughly)\s+"
_PATTERNS = {
    DATE: re.compile(
        rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?"
        rf"|{_MONTH}\s+\d{{4}}|(?:FY|CY|Q[1-4]\s*)'?\d{{2,4}}|(?:19|20)\d{{2}})\b"
    ),
    PERCENT: re.compile(rf"(?:{_QUALIFIER})?\d+(?:\.\d+)?\s?(?:%|percent\b|per cent\b)", re.I),
    MONEY: re.compile(
        r"(?:[$€£¥]\s?\d[\d,.]*(?:\s?(?:million|billion|trillion|[mbk]n?))?|\d[\d,.]*\s?(?:million|billion|trillion)?\s?"
        r"(?:dollars|euros|yen|pounds|USD|EUR|JPY))\b",
        re.I,
    ),
    NUMBER: re.compile(rf"(?:{_QUALIFIER})?\b\d[\d,]*(?:\.\d+)?\b(?!\s?%)", re.I),
}
# A run of capitalised words; all-caps acronyms and the sentence's first word break it.
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?)+\b")


def answer_kind(question: str) -> str:
    """The kind of short answer the question asks for, or "" for none."""
    for kind, cue in _KIND_CUES:
        if cue.search(question):
            return kind
    return ""


def _fresh(candidate: str, question: str) -> bool:
    return candidate.lower().strip() not in question.lower()


def _people(sentence: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each name; titles come before a name ("Chief Planning
    Officer Jane Doe"), so a name is the last two words of a capitalised run."""
    return [(m.start(), m.end(), " ".join(m.group().split()[-2:])) for m in _NAME.finditer(sentence)]


CONTEXT_WORDS = 6  # words either side of a candidate that may echo the question
# Interrogatives say what kind of answer is wanted, not what it is about ("who" would
# otherwise match every relative clause).
_INTERROGATIVES = {"who", "whom", "whose", "what", "when", "where", "which", "why", "how", "much", "mani"}


def _context_score(question_terms: set[str], sentence: str, start: int, end: int) -> int:
    """How many of the question's content words stand within a few words of a candidate:
    "incoming CEO Ivan Espinosa" answers "Who is the incoming CEO?", "outgoing CEO Makoto
    Uchida" less so."""
    left = sentence[:start].split()[-CONTEXT_WORDS:]
    right = sentence[end:].split()[:CONTEXT_WORDS]
    return len(question_terms & set(tokenize([" ".join(left + right)])[0]))


def find_short_answer(question: str, sentences: list[str], kind: str | None = None) -> tuple[str, int, int]:
    """The best candidate of the asked-for kind that the question does not already contain.

    Returns (candidate, index of its sentence, context score); ("", -1, 0) when there is
    none. Candidates are ranked by how many question words surround them, then by the
    order of the sentences (best first) and their place in the sentence.
    """
    kind = answer_kind(question) if kind is None else kind
    if not kind:
        return "", -1, 0
    terms = set(tokenize([question])[0]) - _INTERROGATIVES
    best: tuple[int, int, int, str] | None = None  # (-score, sentence, position, text)
    for i, sentence in enumerate(sentences):
        if kind == PERSON:
            found = _people(sentence)
        else:
            found = [(m.start(), m.end(), m.group().strip()) for m in _PATTERNS[kind].finditer(sentence)]
        for start, end, cand in found:
            if _fresh(cand, question):
                key = (-_context_score(terms - set(tokenize([cand])[0]), sentence, start, end), i, start, cand)
                best = key if best is None or key < best else best
    if best is None:
        return "", -1, 0
    return best[3], best[1], -best[0]


def lead_answer(question: str, sentences: list[str]) -> tuple[str, int, bool]:
    """What to lead the answer with: (candidate, its sentence's index, anchored), where
    anchored means the question's words surround it. An unanchored candidate leads only
    from the best (first) sentence; otherwise ("", -1, False)."""
    cand, i, score = find_short_answer(question, sentences)
    if cand and (score > 0 or i == 0):
        return cand, i, score > 0
    return "", -1, False


def short_answer(question: str, sentences: list[str]) -> str:
    """The short answer ``lead_answer`` would lead with, or ""."""
    return lead_answer(question, sentences)[0]


def has_kind(kind: str, sentences: list[str]) -> bool:
    """Whether any sentence holds something of ``kind`` (any kind counts when none is asked)."""
    if not kind:
        return True
    if kind == PERSON:
        return any(_people(s) for s in sentences)
    return any(_PATTERNS[kind].search(s) for s in sentences)
