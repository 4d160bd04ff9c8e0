"""Who a question asks about, and whether a sentence's person fits: names and the places a
demonym comes from, job titles and the functions they head, the side asked of (incoming
or outgoing), whose role it is ("Honda's CEO"), and who replaced whom.

``extract`` reads a short answer off a sentence with these checks; ``answering`` and
``selection`` use them to tell a sentence naming the right person from one naming another.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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


def fresh_title(word: str, question: str) -> bool:
    """A title word the question does not already hold, in any of its forms: "What did she do
    before she became chief executive?" is not answered by "incoming CEO"."""
    low, w = question.lower(), _bare(word)
    return (w not in {_bare(x) for x in re.findall(r"[\w’'-]+", low)}
            and not any(re.search(held, w) and re.search(asked, low) for _, asked, held in _ROLES))


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
    low = text.lower().replace("’", "'")  # "I’ve" in the text is "I've" typed
    n, *places = name_forms(name.replace("’", "'"))
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
_REPLACED = re.compile(rf"\bwho(?:m?\s+(?:will|would|is|was|does|did|has|had|could|might)|[’']?s)\s+\w+(?:\s+\w+)?\s+"
                       rf"(?:be\s+)?{_REPLACE}")  # "who is she replacing?", typed "whos she replacing"
# The verb with its object: "who is the guy replacing uchida" asks for the one coming in,
# where "who is she replacing?" and "who did she replace as chair?" ask for the one going.
# The object is a person spoken of ("the", "his", "him", ...) or a name the question gives
# (``_side``'s ``names``): "who is she replacing exactly?" has none. The "who" asks of the
# replacing only within its clause: "who said Roe is replacing Poe?" asks for the speaker.
_REPLACING_SOMEONE = re.compile(rf"\bwho(?:[’']?s|m)?\b(?:(?!\b(?:said|says|say|told|tells|think\w*|reported)\b)"
                                rf"[^,;:])*?\b{_REPLACE}\s+(?P<object>[\w’'-]+)")
_SOMEONE = frozenset("the his her him them their its a an this that mr ms mrs dr".split())
# "uchida's successor", "the replacement for uchida": the one named is the one replaced
_SUCCESSOR_OF = re.compile(r"(?P<object>[\w-]+?)(?:[’']s|(?<=[a-z])s)\s+(?:successor|replacement)\b|"
                           r"\b(?:successor|replacement)\s+(?:to|for|of)\s+(?P<object2>[\w-]+)")


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


def _asked_part(question: str) -> str:
    """The question less a comparison's standard: in "who is less flexible than the new
    boss?", the new boss is whom the one asked for is compared with, not who is asked for."""
    return re.split(r"\bthan\b", question, maxsplit=1, flags=re.IGNORECASE)[0]


def _side(question: str, names: Sequence[str] = ()) -> tuple[bool, bool]:
    """Whether the (lower-cased) question asks for whoever is coming into a role, and
    whoever is leaving it; ``names`` are the names it gives."""
    question = _asked_part(question)
    if _REPLACER.search(question) or _replacing_someone(question, names):
        return True, False
    if _REPLACED.search(question):
        return False, True
    # "who ran it before this new fellow": what follows "before" is whom, not who; and a
    # leaving that dates the question is no side ("who takes over after the ceo's departure")
    dated = _DATED_BY_LEAVING.sub(" ", question)
    return bool(_INCOMING.search(re.split(r"\bbefore\b", question)[0])), bool(_OUTGOING.search(dated))


def side_unasked(question: str, window_text: str, names: Sequence[str] = ()) -> bool:
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
    q, w = _asked_part(question).lower(), window_text.lower()
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
    q = _asked_part(question).lower()
    return bool(names) or any(re.search(asked, q) for _, asked, _ in _ROLES) or any(_side(q, names))


def less_the_replaced(question: str, names: list[str]) -> list[str]:
    """``names`` without the person a "who replaced X?" question names as replaced (or names
    before "who replaces him?"): the one who came in is often named in a sentence that does
    not repeat X ("incoming CEO Jo Roe takes the reins on April 1st")."""
    low = question.lower()
    if (s := _SUCCESSOR_OF.search(low)) is not None:  # "who is uchida's successor?"
        replaced = s.group("object") or s.group("object2")
        return [n for n in names if not re.search(rf"\b{re.escape(n.lower())}\b", replaced)]
    m = _REPLACER.search(low) or _replacing_someone(low, names)
    end = (m.start("object") if "object" in m.groupdict() else m.end()) if m else -1
    # the verb's object only: "who replaced brooks as corvane's chair" still asks of Corvane
    cut = r"[,;:?!]|\b(?:as|at|in|of|for|on|with|and|when|after|before)\b"
    replaced = re.split(cut, low[end:])[0] if m else ""
    if m and re.match(r"\s*(?:him|her|them)\b", replaced):
        replaced = low[:m.start()]  # "roe is out, who replaces him": the one named before
    return [n for n in names if not re.search(rf"\b{re.escape(n.lower())}\b", replaced)]


def replaced_names(question: str, names: list[str]) -> list[str]:
    """The names a "who replaced X?" question gives as the one replaced (``less_the_replaced``)."""
    kept = less_the_replaced(question, names)
    return [n for n in names if n not in kept]


def said_to_leave(name: str, sentence: str) -> bool:
    """Whether ``sentence`` names ``name`` and says someone leaves ("outgoing CEO Jo Roe",
    "with Roe's resignation")."""
    return mentions(name, sentence) and bool(_OUTGOING.search(sentence))
