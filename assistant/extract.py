"""Short answers read off a cited sentence: a name, date, number, percentage or amount.

The question's wording says which kind it wants ("who", "when", "how many", "what
percentage", "how much does it cost", or a person's job title); a candidate of that kind
is taken from the sentence only if it is not already in the question. A job title is a
kind a sentence must hold, never a short answer: it is quoted with the name it belongs to.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

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


# Words of job titles: a title is a constraint on the person named beside it (``roles_met``),
# not a name every answering sentence must repeat ("chief executive" is written "CEO" too).
_TITLE_WORDS = frozenset("""
ceo cfo coo cto cio cmo chief executive executives officer officers president vice chair chairman chairwoman
chairperson director directors head manager managers founder cofounder co-founder boss leader
spokesman spokeswoman spokesperson
""".split())


def _bare(word: str) -> str:
    """``word`` lower-cased, less a possessive or plural ending ("Officer's" -> "officer")."""
    return re.sub(r"(?:[’']s|s)$", "", word.lower())


def is_title(word: str) -> bool:
    """Whether ``word`` is a word of a job title ("Chief", "CEO's", "officers"), not a name."""
    return word.lower() in _TITLE_WORDS or _bare(word) in _TITLE_WORDS


# "Who is Jane Roe?": a name already given asks who that person is (a role, a description),
# not for a name. The words after "who is" are then few, and none is a function word, a
# title word or a verb form ("who is leading", "who was named").
_WHO_IS = re.compile(r"^\W*who(?:\s+(?:is|was|are|were)|[’']s)\s+(?P<rest>[^?]+?)\W*$", re.I)


def _asks_about_a_named_person(question: str) -> bool:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    m = _WHO_IS.match(question)
    words = re.findall(r"[\w’'-]+", m.group("rest")) if m else []
    return 0 < len(words) <= 3 and not any(w.lower() in STOPWORDS_EN_PLUS or is_title(w) or re.search(r"[’']s$", w)
                                           or re.search(r"\w{3}(?:ing|ed)$", w.lower()) for w in words)


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


def _fresh_title(word: str, question: str) -> bool:
    """A title word the question does not already hold, in any of its forms: "What did she do
    before she became chief executive?" is not answered by "incoming CEO"."""
    low, w = question.lower(), _bare(word)
    return (w not in {_bare(x) for x in re.findall(r"[\w’'-]+", low)}
            and not any(re.search(held, w) and re.search(asked, low) for _, asked, held in _ROLES))


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
                if is_title(m.group()) and _fresh_title(m.group(), question)]
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


def name_forms(name: str) -> list[str]:
    """``name`` lower-cased, and the places a demonym may come from ("american" -> "america";
    "canadian" -> "canada")."""
    n = name.lower()
    places = [n[:-1]] if n.endswith("n") and len(n) >= 6 else []  # American, Korean, Indian, Australian
    places += [n[:-3] + "a"] if n.endswith("ian") and len(n) >= 7 else []  # Canadian
    return [n] + places


def mentions(name: str, text: str) -> bool:
    """Whether ``text`` names ``name``, also as the place a demonym comes from ("American" is
    said by "North America", "Canadian" by "Canada")."""
    low = text.lower()
    n, *places = name_forms(name)
    return n in low or bool(places) and not set(places).isdisjoint(re.findall(r"\w+", low))


def names_met(question_names: list[str], sentence: str) -> bool:
    """Every name the question gives (a company, a model, a region) is in the sentence: a
    short answer about "Honda's CEO" must not come from a sentence about another company."""
    return all(mentions(n, sentence) for n in question_names)


# Job titles, each with the forms it is written in: a "who is the CEO" answer must be named
# next to that title, not next to another one ("Chief Planning Officer Jane Roe").
_TITLES = [
    ("ceo", r"\bceo\b|chief executive"), ("cfo", r"\bcfo\b|chief financial"), ("coo", r"\bcoo\b|chief operating"),
    ("cto", r"\bcto\b|chief technology"), ("chair", r"\bchair(?:man|woman|person)?\b"),
    ("president", r"\bpresident\b"), ("founder", r"\bfounder\b"),
    ("spokesperson", r"\bspokes(?:man|woman|person|people|men|women)\b"),
]
# A company's leader in everyday words ("the new boss", "who's in charge", "the top job").
LEADER_WORDS = r"boss(?:es)?|in charge|top (?:job|exec\w*|man|woman|guy|dog)|head (?:honcho|man|woman|guy)|at the helm"
# Each role: (what it is called in a question, what a sentence must write by the person).
# Asked for in everyday words ("who runs Honda?"), the leader is written as one of the top
# titles; Nissan's Chief Efficiency Officer does not run Honda.
_LEADER_HELD = r"\bceo\b|chief executive|\bpresident\b|\bchair(?:man|woman|person)?\b"
_ROLES = [(key, pattern, pattern) for key, pattern in _TITLES] + [
    ("leader", rf"\b(?:{LEADER_WORDS})\b|\bwho(?:[’']?s)?\s+(?:(?:is|was|will be|has been)\s+)?"
               r"(?:runs|running|ran|leads|leading|led|heads|heading|headed)\b"
               r"|\bthe\s+head\s+of\b",
     _LEADER_HELD),
]
# A title naming what its holder leads: "Chief Planning Officer", "head of design".
_FUNCTION_TITLE = re.compile(r"\bchief\s+((?:[a-z]+\s+){1,2})officer\b|\bhead\s+of\s+([a-z]+(?:\s+[a-z]+)?)")
# What a question asks who leads, named right after the verb: "who heads planning", "who is
# in charge of product planning", "who runs planning", "the head of design". Not a word that
# names the whole ("who runs Acme's business" asks who runs the company, not for its Chief
# Business Officer).
# The phrase runs to a preposition or a clause mark ("in charge of Acme's North America
# planning" asks of planning); a possessive or a name the question gives is whose function
# it is, not the function.
_FUNCTION_ASKED = re.compile(r"\b(?P<verb>heads?|heading|headed|leads?|leading|runs?|running|ran|in\s+charge\s+of|"
                             r"head\s+of)\s+(?:the\s+)?(?P<what>(?:(?!(?:at|in|of|for|on|with|from|to|by|and|or|now|today)\b)"
                             r"[\w’'-]+\s*){1,4})")


def _stems(text: str) -> frozenset[str]:
    """``text``'s content words, stemmed as the lexical index stems them ("planning" -> "plan")."""
    from .lexical import tokenize

    return frozenset(tokenize([text])[0])


# What "runs" a whole, not a function: "who runs Acme's business" asks for Acme's leader.
_WHOLE = frozenset("business company firm group show things everything it".split())


def _asked_functions(question: str) -> frozenset[str]:
    """The stems of what the question asks who leads (``_FUNCTION_ASKED``), if it asks; no
    possessive ("acme's") counts."""
    phrases = [" ".join(w for w in m.group("what").split() if not re.search(r"[’']s?$", w)
                        and not (m.group("verb").startswith(("run", "ran")) and w in _WHOLE))
               for m in _FUNCTION_ASKED.finditer(question.lower())]
    return frozenset().union(*(_stems(p) for p in phrases))


def _heads_what_is_asked(question: str, window_text: str, names: Sequence[str] = ()) -> bool:
    """Whether the window's title names what the question asks who leads: "who heads
    planning?" or "who's in charge of planning?" is met by "Chief Planning Officer", where
    "who runs Honda?" is not met by "Chief Efficiency Officer" (both lower-cased). A name
    the question gives (``names``) is whom it asks of: the head of "Acme North America" is
    not its Chief North America Planning Officer."""
    asked = _asked_functions(question) - _stems(" ".join(names))
    return bool(asked) and any(asked & _stems(" ".join(g for g in m.groups() if g))
                               for m in _FUNCTION_TITLE.finditer(window_text))


# Whether a role is being taken up or left: "the new CEO" is not "the outgoing CEO".
_INCOMING = re.compile(r"\b(new|next|incoming|future|successor|tak\w* over|tak\w* the reins|"
                       r"appointed|named|start\w*|join\w*)\b", re.I)
_OUTGOING = re.compile(r"\b(old|former|outgoing|previous|predecessor|depart\w*|leaving|left|resign\w*|"
                       r"step\w* down|retir\w*|ex-|before|quit\w*|oust\w*|exit\w*|fired|sacked)\b", re.I)
# A clause mark: a side word before it speaks of something else ("Before that, Jo Roe
# spoke"), unless a title stands right before it ("outgoing CEO, Max Poe, said").
_CLAUSE = re.compile(r"[,;:()\"“”—–]|\s-\s")


def _role_phrase(window_text: str) -> str:
    """The part of a title window (``TITLE_WORDS`` before a name, and the name) that speaks
    of the person's role: from the last clause mark on, or from the clause before it when
    that one ends with a title set off by a comma."""
    parts = _CLAUSE.split(window_text)
    words = re.findall(r"[\w’'-]+", parts[-2]) if len(parts) > 1 else []
    return " ".join(parts[-2:]) if words and is_title(words[-1]) else parts[-1]


_HOLDER_WORDS = r"(?:new|current|former|incoming|outgoing|next|own)"  # "Acme's own boss" is Acme's boss


# Whose role a question asks of, however it is typed: "toyota's ceo", "whos toyotas ceo"
# (the "s" then taken off), "the ceo of toyota".
_HELD_TITLE = r"ceo|cfo|coo|cto|chair\w*|president|boss|head|founder"
_HOLDER = [re.compile(rf"\b(?P<word>[a-z][\w-]*?)(?P<mark>['’]s|(?<=[a-z])s)\s+(?:{_HOLDER_WORDS}\s+)?"
                      rf"(?:{_HELD_TITLE}|chief\s+(?:executive|\w+\s+officer))\b"),
           re.compile(rf"\b(?:{_HELD_TITLE}|chief executive)\s+(?:of|at)\s+(?:the\s+)?(?P<word>[a-z][\w-]*)")]
# Words that hold a role without naming whose it is ("the company's CEO", "its boss").
_NO_HOLDER = frozenset("""
company companies firm firms carmaker carmakers automaker automakers maker makers brand brands group business
manufacturer manufacturers partner partners rival rivals competitor competitors supplier suppliers startup team
board country government side one new current former incoming outgoing next own top the a an its their his her
our your my this that these those whose who which what
moment present now time times day today whole combined merged joint world industry operation
""".split())


def holder_words(question: str) -> list[str]:
    """The words a question ties a job title to, as typed ("toyota" of "who is toyota's
    ceo"), less words that name no one ("the company's CEO") and function words."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    found = [(m.group("word"), m.group("word") + ("s" if m.groupdict().get("mark") == "s" else ""))
             for pattern in _HOLDER for m in pattern.finditer(question.lower())]
    return list(dict.fromkeys(w for w, typed in found if len(w) > 2 and not is_title(w)
                              and not {w, typed} & _NO_HOLDER and typed not in STOPWORDS_EN_PLUS))


# Whose view or reaction a question asks ("what do analysts think", "how did the stock
# react"): the word before the verb. Not the text itself, nor whoever it is about in general
# words ("what does the company say"), nor a pronoun: those ask the article.
_VIEW = re.compile(r"\b(?:what|how)\s+(?:do|does|did|will|would|have|has)\s+(?:the\s+|most\s+|some\s+|other\s+|"
                   r"[a-z]+[’']s\s+|[a-z]+\s+(?=[a-z]+\s+(?:react|respond)))?(?P<word>[a-z]+)\s+"
                   r"(?:think|thought|say|said|predict|reckon|make\s+of|believe|react|respond)\b")
_NOT_VIEWER = frozenset("""
companies firms corporations automakers carmakers makers brands executives execs sides
""".split())


def viewers(question: str) -> list[str]:
    """The words for a group whose view or reaction a question asks (``_VIEW``), less those
    that ask the article itself (``_NOT_VIEWER``), titles and function words: "analysts" of
    "what do analysts think of the plan?"."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    found = (m.group("word") for m in _VIEW.finditer(question.lower()))
    # a group, in the plural ("analysts", "dealers"): a singular word there is as often a
    # misspelt name or a thing ("what did espinoza say", "what does epower feel like")
    return list(dict.fromkeys(w for w in found if len(w) > 3 and re.search(r"[^s]s$", w) and w not in _NOT_VIEWER
                              and not is_title(w) and w not in STOPWORDS_EN_PLUS))


def role_holders(question: str, names: list[str]) -> list[tuple[str, str]]:
    """The people the question names by a job title tied to a name: ("honda", CEO pattern)
    for "Honda's CEO", "hondas ceo", "the Honda CEO", "the CEO of Honda" or "Honda's boss"
    (the pattern is what a sentence must write).

    Args:
        question: the question.
        names: the names it gives that count (less the article's own subject).
    """
    q = question.lower()
    titles = [(asked, held) for _, asked, held in _ROLES if re.search(asked, q)]  # most questions name none
    out = []
    for name in names:
        n = re.escape(name.lower())
        for asked, held in titles:
            if (re.search(rf"\b{n}(?:['’‘]?s)?\s+(?:{_HOLDER_WORDS}\s+)?(?:{asked})", q)
                    or re.search(rf"(?:{asked})\s+(?:of|at)\s+{n}\b", q)):
                if held == _LEADER_HELD and _stems(name) & _asked_functions(q):
                    # "in charge of Design": a function the corpus capitalises, led by whoever
                    # is titled for it ("Chief Design Officer", "head of design")
                    f = re.escape(name.lower())
                    held = rf"{held}|\bchief\s+(?:[a-z]+\s+)?{f}\w*\s+(?:[a-z]+\s+)?officer\b|\bhead\s+of\s+{f}"
                out.append((name.lower(), held))
    return out


def holds_roles(holders: list[tuple[str, str]], sentence: str) -> bool:
    """Whether ``sentence`` holds each title (as ``role_holders`` writes its pattern: a
    function asked after "in charge of" is held by the title naming it) and the name it is
    tied to. Coarse: both anywhere in the sentence count, tied or not; a sentence with
    neither is what this rules out ("What did Honda's CEO say?" against a quote by Nissan's
    officer)."""
    low = sentence.lower()
    return all(name in low and re.search(pattern, low) for name, pattern in holders)


# "Who replaced the old CEO?" asks for the new one, whatever "old" says; "Who did she replace?"
# and "Who is he replacing?" ask for the old one.
_REPLACE = r"(?:replac\w*|succeed\w*|follow\w* (?:on )?from|took over from|tak\w* over from|tak\w* the place of)"
_REPLACER = re.compile(rf"\bwho(?:'s|’s|s)?\s+(?:(?:will|would|is|was|has|had|have|could|might|did)\s+)?"
                       rf"(?:be\s+)?{_REPLACE}")
_REPLACED = re.compile(rf"\bwho(?:m)?\s+(?:will|would|is|was|does|did|has|had|could|might)\s+\w+(?:\s+\w+)?\s+"
                       rf"(?:be\s+)?{_REPLACE}")
# The verb with its object: "who is the guy replacing uchida" asks for the one coming in,
# where "who is she replacing?" and "who did she replace as chair?" ask for the one going.
# The object is a person spoken of ("the", "his", "him", ...) or a name the question gives
# (``_side``'s ``names``): "who is she replacing exactly?" has none. The "who" asks of the
# replacing only within its clause: "who said Roe is replacing Poe?" asks for the speaker.
_REPLACING_SOMEONE = re.compile(rf"\bwho(?:[’']?s|m)?\b(?:(?!\b(?:said|says|say|told|tells|think\w*|reported)\b)"
                                rf"[^,;:])*?\b{_REPLACE}\s+(?P<object>[\w’'-]+)")
_SOMEONE = frozenset("the his her him them their its a an this that mr ms mrs dr".split())


def _replacing_someone(question: str, names: Sequence[str] = ()) -> re.Match | None:
    """``_REPLACING_SOMEONE``'s match in the lower-cased question, if the verb's object is a
    person spoken of or one of ``names``."""
    m = _REPLACING_SOMEONE.search(question)
    if m is None:
        return None
    obj = m.group("object")
    if obj in _SOMEONE or any(obj == w for n in names for w in re.findall(r"[\w’'-]+", n.lower())):
        return m
    return None


_DATED_BY_LEAVING = re.compile(r"\b(?:after|following|upon|since|with)\s+(?:(?:the|his|her|their)\s+)?"
                               r"(?:[\w-]+[’']s\s+)?(?:depart\w*|resign\w*|exit\w*|retire\w*|leaving)\b")


def _side(question: str, names: Sequence[str] = ()) -> tuple[bool, bool]:
    """Whether the (lower-cased) question asks for whoever is coming into a role, and
    whoever is leaving it; ``names`` are the names it gives."""
    if _REPLACER.search(question) or _replacing_someone(question, names):
        return True, False
    if _REPLACED.search(question):
        return False, True
    # "who ran it before this new fellow": what follows "before" is whom, not who; and a
    # leaving that dates the question is no side ("who takes over after the ceo's departure")
    dated = _DATED_BY_LEAVING.sub(" ", question)
    return bool(_INCOMING.search(re.split(r"\bbefore\b", question)[0])), bool(_OUTGOING.search(dated))


def _side_unasked(question: str, window_text: str, names: Sequence[str] = ()) -> bool:
    """Whether the person is said to be coming into a role or leaving it ("outgoing CEO
    Makoto Uchida", "incoming CEO Ivan Espinosa") while the question takes no side ("who is
    Nissan's CEO?", "who is in charge?"): the quote tells the handover; a name in bold would
    answer for one moment of it that the question did not pick."""
    wants_in, wants_out = _side(question.lower(), names)
    w = _role_phrase(window_text).lower()
    return not wants_in and not wants_out and bool(_OUTGOING.search(w) or _INCOMING.search(w))


def roles_met(question: str, window_text: str, names: Sequence[str] = ()) -> bool:
    """The job title the question asks about stands by the person, and when the question
    asks who is coming (or leaving), the person is said to be coming (or leaving);
    ``names`` are the names the question gives."""
    q, w = question.lower(), window_text.lower()
    for m in _FUNCTION_TITLE.finditer(q):
        # a "chief planning officer" asked for is one titled for planning, not any chief officer
        # (a top title, "chief executive officer", is checked as the role it is, below; "head of
        # X" may name a company or a place, and is the leader's check)
        asked_function = _stems(m.group(1) or "")
        if asked_function and not any(re.search(pattern, m.group()) for _, pattern in _TITLES) \
                and not any(asked_function & _stems(" ".join(g for g in t.groups() if g))
                            for t in _FUNCTION_TITLE.finditer(w)):
            return False
    for key, asked, held in _ROLES:
        if re.search(asked, q) and not re.search(held, w) \
                and not (key == "leader" and _heads_what_is_asked(q, w, names)):
            return False
    wants_in, wants_out = _side(q, names)
    if wants_in != wants_out:  # the question takes a side: the name must be said to be on it
        return bool((_INCOMING if wants_in else _OUTGOING).search(_role_phrase(w)))
    return True


def constrains_person(question: str, names: Sequence[str] = ()) -> bool:
    """Whether a "who" question says anything a person must fit: a job title or a leader
    word, a side (coming or leaving), or a name besides the article's subject ("who are
    they working with?" says none of these)."""
    q = question.lower()
    return bool(names) or any(re.search(asked, q) for _, asked, _ in _ROLES) or any(_side(q, names))


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
            or not names_met(_less_the_replaced(question, names), sentence)):
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
             or roles_met(question, titled[a], names) and not _side_unasked(question, titled[a], names)]
    if not found:
        return ""
    if reranker is None:  # no reranker to weigh them: only an unambiguous candidate leads
        return found[0][0] if len(found) == 1 else ""
    probs = reranker.score([query] * len(found), [w for _, w in found])
    best = int(probs.argmax())
    return found[best][0] if probs[best] >= SUPPORTED else ""


def _less_the_replaced(question: str, names: list[str]) -> list[str]:
    """``names`` without the person a "who replaced X?" question names as replaced (or names
    before "who replaces him?"): the one who came in is often named in a sentence that does
    not repeat X ("incoming CEO Jo Roe takes the reins on April 1st")."""
    low = question.lower()
    m = _REPLACER.search(low) or _replacing_someone(low, names)
    end = (m.start("object") if "object" in m.groupdict() else m.end()) if m else -1
    # the verb's object only: "who replaced brooks as corvane's chair" still asks of Corvane
    cut = r"[,;:?!]|\b(?:as|at|in|of|for|on|with|and|when|after|before)\b"
    replaced = re.split(cut, low[end:])[0] if m else ""
    if m and re.match(r"\s*(?:him|her|them)\b", replaced):
        replaced = low[:m.start()]  # "roe is out, who replaces him": the one named before
    return [n for n in names if not re.search(rf"\b{re.escape(n.lower())}\b", replaced)]


def replaced_names(question: str, names: list[str]) -> list[str]:
    """The names a "who replaced X?" question gives as the one replaced (``_less_the_replaced``)."""
    kept = _less_the_replaced(question, names)
    return [n for n in names if n not in kept]


def said_to_leave(name: str, sentence: str) -> bool:
    """Whether ``sentence`` names ``name`` and says someone leaves ("outgoing CEO Jo Roe",
    "with Roe's resignation")."""
    return mentions(name, sentence) and bool(_OUTGOING.search(sentence))


def supports(question: str, query: str, sentence: str, names: list[str]) -> bool:
    """Whether ``sentence`` offers something of the kind the question asks for that meets
    its constraints: every name it gives (``names``), and for a person the job title and
    side asked about; not something already in the question. False when no kind is asked.
    ("Who is the CEO of Honda?": a sentence naming Nissan's outgoing CEO does not.)"""
    kind = answer_kind(question)
    if not kind or not names_met(_less_the_replaced(question, names), sentence):
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
