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
# An event's direction: something starting or coming (taking the reins, a launch) or ending
# or going (stepping down, a cut). "When does the new CEO step down?" is not answered by the
# date she takes the reins, nor "how many models are cut" by how many launch.
_EVENTS = (re.compile(r"\b(?:tak\w*\s+(?:the\s+reins|over|charge|the\s+helm)|start\w*|begin\w*|began|begun|"
                      r"join\w*|launch\w*|introduc\w*|roll\w*\s+out|rollout|debut\w*|arriv\w*|open\w*)\b", re.I),
           re.compile(r"\b(?:step\w*\s+(?:down|aside)|stepped\s+(?:down|aside)|retir\w*|leav\w*|left|last\s+day|"
                      r"depart\w*|resign\w*|exit\w*|quit\w*|cut\w*|drop\w*|discontinu\w*|axe[sd]?|axing|kill\w*|"
                      r"clos\w*|end(?:s|ed|ing)?|scrap\w*|cancel\w*)\b", re.I))


# A change's direction: "how much worse" is not answered by "up to 15% better".
_DIRECTIONS = (re.compile(r"\b(?:better|higher|more|greater|increas\w*|improv\w*|gain\w*|boost\w*|ris(?:e|es|ing|en)|"
                          r"rose|grow\w*|grew|up)\b", re.I),
               re.compile(r"\b(?:worse|lower|less|fewer|smaller|decreas\w*|declin\w*|drop\w*|fall\w*|fell|"
                          r"reduc\w*|shrink\w*|shrank|down)\b", re.I))


def differs_in_case(question: str, sentence: str) -> bool:
    """Whether the question and the sentence name different cases of one class: a generation,
    driving conditions, a change's direction ("worse" against "better"), an event's
    direction (starting or ending: "step down" against "taking the reins"), or the whole
    (world, emerging markets) against one named place."""
    asked = {_ORDINALS[m.group(1).lower()] for m in _GENERATION.finditer(question)}
    told = {_ORDINALS[m.group(1).lower()] for m in _GENERATION.finditer(sentence)}
    if asked and told and not asked & told:
        return True
    q_cond = {i for i, c in enumerate(_CONDITIONS) if c.search(question)}
    s_cond = {i for i, c in enumerate(_CONDITIONS) if c.search(sentence)}
    if q_cond and s_cond and not q_cond & s_cond:  # "in town or on the highway?" is met by either
        return True
    q_way = {i for i, d in enumerate(_DIRECTIONS) if d.search(question)}
    s_way = {i for i, d in enumerate(_DIRECTIONS) if d.search(sentence)}
    if len(q_way) == 1 and s_way and not q_way & s_way:
        return True
    q_event = {i for i, e in enumerate(_EVENTS) if e.search(question)}
    s_event = {i for i, e in enumerate(_EVENTS) if e.search(sentence)}
    if len(q_event) == 1 and s_event and not q_event & s_event:
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
