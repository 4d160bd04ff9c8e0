"""Short answers read off a cited sentence: a name, date, number, percentage or amount.

The question's wording says which kind it wants ("who", "when", "how many", "what
percentage", "how much does it cost", or a person's job title); a candidate of that kind
is taken from the sentence only if it is not already in the question. A job title is a
kind a sentence must hold, never a short answer: it is quoted with the name it belongs to.
"""

from __future__ import annotations

import functools
import re

from .roles import fresh_title, is_title, less_the_replaced, names_met, roles_met, side_unasked

PERSON, DATE, NUMBER, PERCENT, MONEY, TITLE = "person", "date", "number", "percent", "money", "title"

# The words a yes/no question opens with.
_AUX_WORDS = r"is|are|was|were|do|does|did|can|could|will|would|has|have|had|should|shall"
# Measures a figure answers, by name.
_MEASURE = (r"(?:range|horsepower|hp|torque|top speed|battery (?:size|capacity)|charging (?:time|speed)|"
            r"charge (?:time|speed)|"
            r"towing capacity)")
# Words for a person, as asked for: a job title, or "guy", "exec", "fellow".
_PERSON_NOUN = (r"(?:ceo|cfo|coo|cto|chief|boss|head\s+(?:man|honcho)|president|chair(?:man|woman|person)?|officer|"
                r"director|manager|founder|execs?|executives?|guy|fellow|gentleman|spokes(?:man|woman|person))")
_KIND_CUES: list[tuple[str, re.Pattern[str]]] = [  # first match wins
    (PERCENT, re.compile(r"\b(percent(age)?)\b|%", re.I)),  # said outright, it beats "how much did"
    # an amount of money: "how much does it cost", "what's the price", "whats it gonna cost";
    # not "which costs" or "what kind of costs" (a type of cost, not an amount)
    (MONEY, re.compile(r"\b(price[ds]?|pricing|priced|how much money|revenue|profit|earn(ed|ings)?|valuation|"
                       r"salary|budget|dollars?|yen|euros?|market cap(?:s|itali[sz]ation)?|market value|"
                       r"share price|stock price)\b|"
                       r"\bhow (much|expensive|cheap)\b.{0,60}"
                       r"\b(cost|costs|pay|paid|spend\w*|spent|invest\w*|worth|lose|lost|earn\w*)\b|"
                       r"\bwhat (does|do|did|will|would)\b.{0,40}\b(cost|pay)\b|"
                       r"\b(gonna|going to|will it|would it)\s+cost\b|"
                       # "what will it set me back", "how pricey", "the sticker", "msrp", "what are
                       # they paying her"
                       r"\bset\s+(?:me|you|us|them|him|her|buyers?|people|customers?)\s+back\b|"
                       r"\bhow\s+(?:pricey|costly)\b|\bsticker\b|\bmsrp\b|"
                       r"\bwhat\s+(?:are|is|do|does|did|will|would)\b.{0,30}\bpa(?:y|ying|id)\s+(?!off\b|for\b|attention\b|heed\b|back\b|tribute\b|respects?\b)\w+",
                       re.I)),
    # "how much does it improve / how much better": a share, not an amount of money
    (PERCENT, re.compile(r"\bhow much\b.{0,60}\b(better|more|less|higher|lower|worse|improv\w*|increas\w*|"
                         r"gain\w*|boost\w*|sav\w*|efficien\w*)", re.I)),
    # a share held or won: "renault's stake in it", "nissan's market share" (not "what's at stake")
    (PERCENT, re.compile(r"\b(?:what(?:[’']?s| is| was| are)?|how much)\s+(?:[\w’'-]+\s+){0,3}?market\s+shares?\b|"
                         r"(?:[’']s|\bits|\btheir)\s+stake\s+in\b", re.I)),
    (NUMBER, re.compile(r"\b(how many|number of|how much)\b", re.I)),  # after money and percent
    # an age or a length of time: "espinosa's age?", "how long has she been CEO" (not "how
    # long until ...": a date)
    (NUMBER, re.compile(r"(?<!\btoday)(?:[’']s|\bhis|\bher|\btheir)\s+age\b|"
                        r"\bhow\s+long\s+(?:has|have|had|did|does|do|will|would)\b", re.I)),
    # a size or distance asked for outright ("how big is the battery", "what size stake",
    # "how far can it go", a figure in kWh or miles), not "how big a deal" or "how far along"
    (NUMBER, re.compile(r"\bwhat size\b|\bhow (big|large|heavy|old) (is|are|was|were|will)\b|"
                        r"\bhow (big|large) (?:of )?an? (?!deal\b)|"
                        r"\bhow far (can|could|does|do|will|would)\b|\b(kwh|kw|mpg|mph)\b|"
                        r"\bin (miles|km|kilomet(er|re)s)\b",
                        re.I)),
    # a measure asked for by its name ("what's the range of the new Roe 5", "its top speed",
    # "how much horsepower", or the bare "roe 5 range?"), not a variety ("a wide range of
    # models", "the range of engines", "the product range", "what kind of range gains"), nor
    # a yes/no question ("is the range better?")
    (NUMBER, re.compile(rf"(?:\b(?:what(?:[’']?s| is| was| will be| would be)?|how much|how many)\s+"
                        rf"(?!kinds?\b|sorts?\b|types?\b)(?:the\s+|its\s+|their\s+)?(?:[\w’'-]+\s+){{0,3}}?"
                        rf"|^\W*(?!(?:{_AUX_WORDS})\b)(?:the\s+|its\s+)?(?:[\w’'-]+\s+){{0,3}}?(?={_MEASURE}\b"
                        rf"(?:\s+of\b[^?]*)?(?:\W+(?:pls|plz|please|thx|thanks))?\W*$))"
                        rf"(?<!product )(?<!model )(?<!vehicle )(?<!lineup )"
                        rf"{_MEASURE}\b(?!\s+of\s+(?!the\b|its\b|their\b)(?:[\w-]+\s+){{0,2}}[\w-]+s\b)",
                        re.I)),
    # "whens", "whos": how hurried typists write "when's" and "who's"
    # "when" asks a date where a question opens with it or it leads a question ("when does",
    # "and when is", "starting when?", "any idea when ..."), not in a clause ("does it save
    # much when you're out on the highway?")
    (DATE, re.compile(r"\b(whens|what (date|day|year|month)|which (date|day|year|month)|by what (date|year)|"
                      r"(by|since|until|till) when)\b|"
                      # "the launch date", "release date?", "the timeline", "how soon", "how long
                      # until"; not "up to date", "out of date"
                      r"(?<!to )(?<!of )(?<!-)\b(?:dates?|timeline|time\s*frame)\b|\bhow\s+soon\b|"
                      r"\bhow\s+long\s+(?:until|till|til|before)\b|"
                      # not a clause setting the scene for another question: "When Roe takes over, what changes?"
                      r"^\W*(?:(?:and|but|so|ok|okay)\W+)?when\b(?![^,;?]*[,;]\s*(?:what|whats|who|whos|how|why|which|where)\b)|"
                      r"\bwhen\W*$|"
                      r"\b(know|idea|tell me|wonder\w*|sure|say|ask\w*)\s+when\b|"
                      r"\bwhen(?:['’]s)?\s+(?:does|do|did|is|are|was|were|will|would|can|could|should|has|have|had|"
                      r"might|must|exactly|roughly|approximately)\b", re.I)),
    # "what is the title of the exec who said ...": a title asked of someone named by a clause
    (TITLE, re.compile(r"\b(?:what|which)(?:[’']?s|\s+is|\s+was|\s+are|\s+were)?\s+(?:the\s+)?(?:job\s+)?"
                       r"(?:title|position|role)s?\s+of\b", re.I)),
    (PERSON, re.compile(r"\b(who|whos|whom|whose)\b", re.I)),
    # a person asked for by name: "whats the new ceos name", "name of the guy replacing her?",
    # "the new boss is called what"; not "the name of the alliance", "what's the name of the
    # platform the ceo mentioned" (another noun first), "what's his name" (of whom? the
    # conversation says: it is completed from it)
    (PERSON, re.compile(rf"\b{_PERSON_NOUN}(?:[’']?s)?\s+(?:real\s+|full\s+)?name\b|"
                        rf"\bname\s+of\s+(?:the\s+|that\s+|this\s+|[\w-]+[’']?s\s+)?"
                        rf"(?:(?!the\b|a\b|an\b|of\b)[\w-]+\s+){{0,2}}?{_PERSON_NOUN}\b|"
                        rf"\b{_PERSON_NOUN}\s+(?:is\s+|was\s+)?called\b", re.I)),
    # a person's job title: "Cartier's title?", "whats his job title", "what's her job", "what
    # job did she have", "his role before he became CEO", "what did roe do before" (one word
    # for the person: "what did the bank do before" asks no job); not "the job of the engine",
    # "the top job", "what title did the club win", "the bank's position on rates" or "what
    # role does the museum play"
    (TITLE, re.compile(r"\bjob\s+title\b|(?:[’']s|\bhis|\bher|\btheir)\s+(?:title|job)\b|"
                       r"\b(?:what|which)\s+job\s+(?:did|does|do|has|had|is|was)\b|"
                       r"\b(?:job|role|position|post)\b[^?.]{0,60}\b(?:before|previously|prior)\b|"
                       r"\bwhat\s+did\s+(?!the\b|a\b|an\b|it\b|they\b)[\w’'-]+\s+do\s+(?:before|previously|prior)\b",
                       re.I)),
]

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?")
_QUALIFIER = (r"(?:(?:more|greater|fewer|less) than|up to|as (?:much|many) as|over|about|around|nearly|almost"
              r"|at least|roughly)\s+")
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
    # a figure, not the front of a decimal or a share ("2" of "2.5%", "15" of "15 percent")
    NUMBER: re.compile(rf"(?:{_QUALIFIER})?\b\d[\d,]*(?:\.\d+)?\b(?!\.\d|\s?%|\s?per\s?cent\b)", re.I),
}
# A figure asked for as a change ("the mpg gain", "how big a drop", "how much have fares
# risen") may be given as a share ("up to 15% better"); a figure asked for as such ("how
# much cash") may not. Lower-case words only: "Savings Bank" names something.
_CHANGE = re.compile(r"\b(gain(ed|s)?|improv\w*|increas\w*|boost\w*|better|worse|ris(e|es|en|ing)|rose|"
                     r"grow\w*|grew|sav(e|es|ed|ing|ings)|jump\w*|uplift|drop\w*|fall\w*|fell|declin\w*|"
                     r"cut|cuts|reduc\w*|decreas\w*|lower|fewer|less|shrink\w*|shrank)\b")


# The words a question asks for a kind of answer with ("how many", "what year", "whos"):
# they say what is wanted, not what it is about, so a sentence sharing only them with the
# question ("... on many fronts" for "how many jobs are cut?") shares nothing of its topic.
KIND_WORDS = frozenset("""
how many much number numbers percent percentage per cent date day days month months year years when whens who whos
whom whose price prices priced pricing cost costs size amount figure
""".split())


def _met_by(kind: str, question: str) -> tuple[str, ...]:
    """The kinds a sentence may answer ``kind`` with, for this question."""
    return (NUMBER, PERCENT) if kind == NUMBER and _CHANGE.search(question) else (kind,)


# A run of capitalised words; all-caps acronyms and the sentence's first word break it.
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?(?:\s+[A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?)+\b")


# "Who is Jane Roe?": a name already given asks who that person is (a role, a description),
# not for a name. The words after "who is" are then few, and none is a function word, a
# title word or a verb form ("who is leading", "who was named").
_WHO_IS = re.compile(r"^\W*who(?:\s+(?:is|was|are|were)|[’']s)\s+(?P<rest>[^?]+?)\W*$", re.I)


def _asks_about_a_named_person(question: str) -> bool:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    m = _WHO_IS.match(question)
    words = re.findall(r"[\w’'-]+", m.group("rest")) if m else []
    return 0 < len(words) <= 3 and not any(w.lower() in STOPWORDS_EN_PLUS or is_title(w) or re.search(r"[’']s$", w)
                                           or re.search(r"\w{3}(?:ing|ed)$", w.lower())
                                           # someone named by a relation: "who is uchidas successor"
                                           or re.fullmatch(r"(?:successor|predecessor|replacement|deputy)s?", w.lower())
                                           for w in words)


# A question word, or a verb: what a fragment like "new nissan ceo?" lacks.
_QUESTION_WORD = re.compile(r"\b(what|whats|which|why|how|where|is|are|was|were|do|does|did|can|could|will|would|"
                            r"has|have|had|should|tell|explain|describe|list|name)\b", re.I)


_OPENS_WHO_WHEN = re.compile(r"^\W*(?:who|whom|whose|when)(?:[’']?s)?\b", re.I)


# Question words as hurried typists write them: "wat day", "hw many", "wen does he start",
# "who takes over frm her"; lower case only ("Wen" may be a name).
_TYPED = [(re.compile(rf"\b(?:{typed})\b"), word) for typed, word in (
    (r"wat|wut|wht|waht|whta", "what"), (r"wats|wuts|whts|wahts", "whats"), (r"wen|whn|wehn", "when"),
    (r"hw|hwo|hou", "how"), (r"frm", "from"), (r"abt", "about"))]


def as_meant(question: str) -> str:
    """``question`` with the question words a hurried typist misspells spelt out (``_TYPED``)."""
    for typed, word in _TYPED:
        question = typed.sub(word, question)
    return question


@functools.lru_cache(maxsize=1024)  # asked of the same question for each of its candidate sentences
def answer_kind(question: str) -> str:
    """The kind of short answer the question asks for, or "" for none."""
    for kind, cue in _KIND_CUES:
        if kind == MONEY and _OPENS_WHO_WHEN.search(question):
            continue  # "Who said the stock price fell?", "When is the price out?": a money word is their topic
        if cue.search(question):
            # "Was it Jane Roe or John Doe who ...?", "who's the best partner, Acme or Corvane?":
            # the question offers the people to choose from, so no new name answers it
            return "" if kind == PERSON and (_asks_about_a_named_person(question) or offers_choice(question)) else kind
    # A bare title ("new nissan ceo?", "Honda's chairman?") asks who holds it.
    words = re.findall(r"[\w’'-]+", question)
    if words and len(words) <= 5 and is_title(words[-1]) and not _QUESTION_WORD.search(question):
        return PERSON
    return ""


# The people or parties to choose from, given by the question: "was it A or B who ...",
# "who's the better partner, A or B?" (not "who is the chair or CEO?": titles are no choice).
_OPTION = r"[\w’'-]+(?:\s+[\w’'-]+){0,2}?"
_CHOICE = re.compile(rf"^\W*(?:was|is|were|are)\s+it\s+(?P<a>{_OPTION})\s+or\s+(?P<b>{_OPTION})\s+who\b|"
                     r",\s*(?P<c>[\w’'-]+)\s+or\s+(?P<d>[\w’'-]+)\W*$", re.I)


def offers_choice(question: str) -> bool:
    """Whether the question names the people to choose from (``_CHOICE``), none a title."""
    m = _CHOICE.search(question)
    return m is not None and not any(is_title(w) for x in m.groupdict().values() if x for w in x.split())


def _fresh(candidate: str, question: str) -> bool:
    """Not already in the question, nor its figure ("as much as 15%" for "is that 15% ...?")."""
    low = question.lower()
    figures = re.findall(r"\d[\d,.]*", candidate)
    return candidate.lower().strip() not in low and not any(f in low for f in figures)


# "Is it ...?", "Does it ...?": a yes/no question is answered by the quote, not by a figure.
# A yes/no or either-or question; also a last clause asking one of what was just named
# ("mpg gain - is that city or highway?", "the gain, is it over 10%?"), not an aside
# ("Who, as of April, is the CEO?").
_AUX = r"(is|are|was|were|do|does|did|can|could|will|would|has|have|had|should|shall)"
_YES_NO = re.compile(rf"^\W*{_AUX}\b|(?:[,;:]|\s*[-–—]+)\s*{_AUX}\s+(it|that|this|these|those|they|there|he|she)\b"
                     r"[^,;:]*$", re.I)


# "who said ...", "who thinks ...": asking who spoke, not who does a thing
_SAID_BY = re.compile(r"\bwho(?:[’']?s)?\s+(?:(?:has|had|was|is|did)\s+)?(?:said|says|say|saying|claim\w*|think\w*|"
                      r"thought|believ\w*|call\w*|describ\w*|wrote|writes|argu\w*|told|tells|stated?|mention\w*|"
                      r"quoted)\b", re.IGNORECASE)


def asks_who_said(question: str) -> bool:
    """Whether ``question`` asks who said or thinks something ("who said Honda fits best?")."""
    return bool(_SAID_BY.search(question))


def people(sentence: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each name; titles come before a name ("Chief Planning
    Officer Jane Doe"), so a name is the last two words of a capitalised run. A capitalised
    common word ("With Uchida's resignation", at a sentence's start) is no part of a name,
    nor is a possessive ending."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    out = []
    for m in _NAME.finditer(sentence):
        words = [re.sub(r"[’']s$", "", w) for w in m.group().split()]
        while words and words[0].lower() in STOPWORDS_EN_PLUS:
            words.pop(0)
        if len(words) >= 2:
            out.append((m.start(), m.end(), " ".join(words[-2:])))
    return out


WINDOW_WORDS = 8  # words either side of a candidate that the reranker reads with it
TITLE_WORDS = 3  # words before a name where its title stands ("incoming Chief Executive Jane Roe")
SUPPORTED = 0.5  # the reranker's even-odds point: the window must more likely answer than not


def candidates(question: str, sentence: str, kind: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each candidate of ``kind`` in ``sentence`` that the question
    does not already contain (none when no kind is asked)."""
    if not kind:
        return []
    if kind == PERSON:
        found = people(sentence)
    elif kind == TITLE:
        return [(m.start(), m.end(), m.group()) for m in re.finditer(r"[\w’'-]+", sentence)
                if is_title(m.group()) and fresh_title(m.group(), question)]
    else:
        found = _longest(sorted((m.start(), m.end(), m.group().strip()) for k in _met_by(kind, question)
                                for m in _PATTERNS[k].finditer(sentence)))
        if kind == DATE and _YEAR_ASKED.search(question):
            found = [(s, e, c) for s, e, c in found if _YEAR.search(c)]
    return [(s, e, c) for s, e, c in found if _fresh(c, question)]


# "What year does she start?" asks for a year: "April 1st" is a date that gives none.
_YEAR_ASKED = re.compile(r"\b(?:what|which)\s+(?:calendar\s+|fiscal\s+)?(?:year|yr)\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b|\b(?:FY|CY)\s?'?\d{2,4}\b")


def _longest(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Of overlapping candidates (in start order), the longest: "as much as 15%", not "15"."""
    out: list[tuple[int, int, str]] = []
    for s, e, c in found:
        if out and s < out[-1][1]:
            if e - s > out[-1][1] - out[-1][0]:
                out[-1] = (s, e, c)
            continue
        out.append((s, e, c))
    return out


def window(sentence: str, start: int, end: int, before: int = WINDOW_WORDS, after: int = WINDOW_WORDS) -> str:
    """The candidate with a few words either side, as the sentence writes them: what the
    reranker judges it by (and, narrower, where its title stands)."""
    lefts = [m.start() for m in re.finditer(r"\S+", sentence[:start])][-before:] if before else []
    rights = [m.end() for m in re.finditer(r"\S+", sentence[end:])][:after] if after else []
    return sentence[lefts[0] if lefts else start : end + rights[-1] if rights else end].strip()


# Kinds that answer the same question word ("how much": an amount, a share or a count).
_FAMILY = {PERCENT: NUMBER, MONEY: NUMBER}



# "not just", "not simply", "not only" a few words before a candidate: the sentence goes
# past that figure ("not simply 200,000 units: double that") or adds another beside it
# ("not only 300 paintings but also 50 sculptures"); which one answers is the reader's call.
_NOT_JUST = re.compile(r"\bnot\s+(?:just|simply|only|merely)\s+(?:[\w’'-]+\s+){0,2}$", re.I)


_ELSE = re.compile(r"\b(?:who|anyone|anybody|someone|somebody)\s+else\b|\bother\s+(?:people|person|execs?|executives?|"
                   r"speakers?|officials?)\b", re.I)


def lead_answer(question: str, query: str, sentence: str, reranker, names: list[str]) -> str:
    """What to lead the answer with: a candidate of the asked-for kind from the best
    sentence, or "".

    A short answer is a claim in bold, so every check must pass: the question asks for one
    kind only ("who ... and when ..." gets the quote alone) and is no yes/no question; the sentence holds every name
    the question gives (``names``, less the document's own subject); the job title and the
    side (incoming or outgoing) the question asks about stand by the candidate; and the
    reranker finds the candidate's window more likely to answer the query than not. Of
    several candidates, the best-supported one wins.
    """
    kind = answer_kind(question)
    families = {_FAMILY.get(k, k) for k, cue in _KIND_CUES if cue.search(question)} or {kind}
    if (not kind or kind == TITLE or len(families) != 1 or _YES_NO.search(question)
            or not names_met(less_the_replaced(question, names), sentence)):
        return ""  # a title is quoted with the name it belongs to, never pulled out alone
    # Nothing already said counts: not in the question, nor in what it was completed with.
    offered = candidates(f"{question} {query}", sentence, kind)
    if kind == PERSON:  # nor a person it names in part, in bold ("Who is Roe replacing?": not Jo Roe),
        # nor, asked for someone else, one the conversation named ("who else spoke there?")
        low = f"{question} {query}".lower() if _ELSE.search(question) else question.lower()
        offered = [(a, b, c) for a, b, c in offered
                   if not any(re.search(rf"\b{re.escape(w)}\b", low) for w in c.lower().split())]
    if any(_NOT_JUST.search(sentence[:a]) for a, _, _ in offered):
        return ""  # "not just 200,000 units: double that", "not only 300 paintings but 50 sculptures"
    titled = {a: window(sentence, a, b, TITLE_WORDS, 0) for a, b, _ in offered} if kind == PERSON else {}
    found = [(c, window(sentence, a, b)) for a, b, c in offered
             if kind != PERSON
             or roles_met(question, titled[a], names) and not side_unasked(question, titled[a], names)]
    if not found:
        return ""
    if reranker is None:  # no reranker to weigh them: only an unambiguous candidate leads
        return found[0][0] if len(found) == 1 else ""
    probs = reranker.score([query] * len(found), [w for _, w in found])
    best = int(probs.argmax())
    return found[best][0] if probs[best] >= SUPPORTED else ""


def supports(question: str, query: str, sentence: str, names: list[str]) -> bool:
    """Whether ``sentence`` offers something of the kind the question asks for that meets
    its constraints: every name it gives (``names``), and for a person the job title and
    side asked about; not something already in the question. False when no kind is asked.
    ("Who is the CEO of Honda?": a sentence naming Nissan's outgoing CEO does not.)"""
    kind = answer_kind(question)
    if not kind or not names_met(less_the_replaced(question, names), sentence):
        return False
    return any(kind != PERSON or roles_met(question, window(sentence, a, b, TITLE_WORDS, 0), names)
               for a, b, _ in candidates(f"{question} {query}", sentence, kind))


def has_kind(kind: str, sentences: list[str], question: str = "") -> bool:
    """Whether any sentence holds something of ``kind`` (any kind counts when none is asked);
    a share meets a figure when ``question`` asks for a change ("the mpg gain")."""
    if not kind:
        return True
    if kind == PERSON:
        return any(people(s) for s in sentences)
    if kind == TITLE:
        return any(candidates(question, s, TITLE) for s in sentences)
    if kind == DATE and _YEAR_ASKED.search(question):
        return any(_YEAR.search(m.group()) for s in sentences for m in _PATTERNS[DATE].finditer(s))
    return any(_PATTERNS[k].search(s) for k in _met_by(kind, question) for s in sentences)
