"""The case a figure, date or name is of, named in general words: which generation, which
driving conditions, which scope or place. A question naming one case and a sentence naming
another of the same class ask and tell of different things, so the sentence's value is no
answer to the question (``answering`` withholds it from the bold answer).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# The case a figure, date or name is of, named in general words: which generation, under which
# driving conditions, over what scope. A question naming one and a sentence naming another of
# the same class ask and tell of different things ("second-generation" / "third-generation",
# "in city driving" / "at freeway speeds", "how many globally" / "in North America alone").
_ORDINALS = {"first": "1", "1st": "1", "second": "2", "2nd": "2", "third": "3", "3rd": "3",
             "fourth": "4", "4th": "4", "fifth": "5", "5th": "5"}
_GENERATION = re.compile(rf"\b({'|'.join(_ORDINALS)})[\s-]*gen(?:eration)?\b", re.I)
_CONDITIONS = (re.compile(r"\b(?:city|cities|urban|town|stop[\s-]and[\s-]go|traffic)\b", re.I),
               re.compile(r"\b(?:highways?|hwy|freeways?|motorways?|expressways?|interstates?)\b", re.I))
_WHOLE_SCOPE = re.compile(r"\b(?:global(?:ly)?|worldwide|world|international(?:ly)?|overseas|everywhere|"
                          r"emerging|developing)\b", re.I)
_LOCAL = re.compile(r"\b[Ii]n\s+(?:the\s+)?[A-Z]")  # "In North America alone", "in the US"


def differs_in_case(question: str, sentence: str) -> bool:
    """Whether the question and the sentence name different cases of one class: a generation,
    driving conditions, or the whole (world, emerging markets) against one named place."""
    asked = {_ORDINALS[m.group(1).lower()] for m in _GENERATION.finditer(question)}
    told = {_ORDINALS[m.group(1).lower()] for m in _GENERATION.finditer(sentence)}
    if asked and told and not asked & told:
        return True
    q_cond = {i for i, c in enumerate(_CONDITIONS) if c.search(question)}
    s_cond = {i for i, c in enumerate(_CONDITIONS) if c.search(sentence)}
    if q_cond and s_cond and not q_cond & s_cond:  # "in town or on the highway?" is met by either
        return True
    return bool(_WHOLE_SCOPE.search(question)) and not _WHOLE_SCOPE.search(sentence) \
        and bool(_LOCAL.search(sentence)) and not _names_a_told_place(question, sentence)


# A place asked of ("in europe", "for japan") and the places a sentence gives its figure for
# ("In North America alone").
_PLACE_ASKED = re.compile(r"\b(?:in|for)\s+(?:the\s+)?([A-Za-z][A-Za-z-]+)\b")
_PLACE_TOLD = re.compile(r"\b[Ii]n\s+(?:the\s+)?((?:[A-Z][\w-]*\s+)*[A-Z][\w-]*)")


def another_place(question: str, sentence: str, unknown: Callable[[str], bool]) -> bool:
    """Whether the question asks of a place the corpus never writes (``unknown``: "how many
    models in europe") while the sentence gives its figure for a named one ("In North
    America alone"), which the question's word is neither part of nor the initials of ("in
    na" is North America)."""
    told = _PLACE_TOLD.findall(sentence)
    asked = [w.lower() for w in _PLACE_ASKED.findall(question) if unknown(w)]
    if not told or not asked or _names_a_told_place(question, sentence):
        return False  # "how many models for customers in north america": the place is asked
    # the place in full and its initials are not in the question (above): one of its words may be
    words = {w.lower() for t in told for w in t.split()}
    return not any(w in words for w in asked)


def _names_a_told_place(question: str, sentence: str) -> bool:
    """Whether the question names a place the sentence gives its figure for, in full or by
    its initials ("north america", "na")."""
    low = question.lower()
    for told in _PLACE_TOLD.findall(sentence):
        words = told.lower().split()
        if re.search(rf"\b{re.escape(' '.join(words))}\b", low) or (
                len(words) > 1 and re.search(rf"\b{''.join(w[0] for w in words)}\b", low)):
            return True
    return False
