"""The question as asked -> the standalone query used for retrieval.

Cleans any string into something safe to search (control characters out, length capped)
and resolves follow-ups: a question that leans on the conversation (a pronoun with
nothing to point to, an elliptical "what about ...?", a bare "why?") is searched
together with the previous user question.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from .extract import DATE, KIND_WORDS, MONEY, NUMBER, PERCENT, PERSON, TITLE, answer_kind
from .lexical import tokenize
from .roles import LEADER_WORDS, is_title

# Words that point back to something said before.
_ANAPHORA = re.compile(
    r"\b(he|him|his|she|her|hers|it|its|they|them|their|theirs|this|that|these|those|"
    r"there|then|the same|such|former|latter|one|ones|other)\b",
    re.IGNORECASE,
)
_ELLIPSIS = re.compile(
    r"^\s*(and|also|but|so|or|what about|how about|and what|what else|anything else|"
    r"who else|any others?|more)\b",
    re.IGNORECASE,
)
# A bare question word points back only on its own or nearly ("why?", "when exactly?",
# "which ones?"): "when does the new guy start" asks all it needs.
_BARE_ASKING = re.compile(r"^\W*(?:why|how come|which ones?|when|where)\b\W*(?:[\w’'-]+\W*){0,2}$", re.IGNORECASE)
# "What about X?": the previous question asked again, of X instead.
# "and in india?": the phrase it opens with takes the place of the one the last question
# opened with the same word ("in north america")
_SUBSTITUTED = re.compile(r"^\W*(?:(?:and|or|but|also)\s+|(?:what|how)\s+about\s+)(in|for|at|on|from|with|to)\b",
                          re.IGNORECASE)
# "and its range?": the fragment asks of what was talked of, not of something else
_OWNER = re.compile(r"\b(?:its|his|her|their|it|him|them)\b", re.IGNORECASE)
_SUBSTITUTION = re.compile(r"^\W*(?:(?:and|but|so)\s+)?(?:what|how)\s+about\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# English function words and question words: how a question asks, not what it is about.
_FUNCTION_WORDS = frozenset("""
a an the and or but so if then than of in on at to for from by with about as into over after before
is are was were be been being am do does did doing have has had having will would shall should can could
may might must what whats which who whos whom whose when where why how hows that this these those there
here it its it's he him his she her they them their we us our you your i me my mine tell abt pls please
any some much many more most also just really still yet s re
""".split())
# Text addressed to the system rather than asking about the article (prompt injection).
_INSTRUCTION = re.compile(
    # "ignore your previous instructions", but not "did Nissan ignore the rules of the talks?"
    r"\b(ignore|disregard|forget|override|bypass)\s+(?:(?:all|any|the|your|ur|my|these|those|previous|prior|above|"
    r"earlier|preceding|original|system|of|everything|you\s+were\s+told)\s+){0,4}"
    r"(instructions?|prompts?|rules|guidelines|directions|context|everything)\b(?!\s+(?:of|for|on|in|at|by)\b)"
    r"|\b(reveal|show|print|repeat|output|leak|give me|tell me|what(?:'s|’s| is| are))\s+(?:me\s+)?(?:your|the)\s+"
    r"(?:(?:system|hidden|initial|original|secret)\s+)?(prompt|instructions|system message)\b"
    r"|\byour\s+(system|developer|hidden)\s+(prompt|message|instructions)\b|^\s*(system|assistant)\s*:"
    r"|\b(instructions|prompt|rules)\s+(you|u)\s+(were|have been|got)\s+given\b|\bsystem prompt\b"
    # said to the assistant, at the start of a sentence ("Forget about what the article says"), not
    # asked of someone ("Did the regulator ignore what the document said?")
    r"|(?:^|[.!?;:,]\s*|\b(?:and|so|now|just|please)\s+)(forget|ignore|disregard)\s+(about\s+)?(what\s+)?the\s+"
    r"(article|text|document)\b"
    r"|\byou(?:'re|’re| are) now\b|\b(pretend|act as if) (you|to)\b|\bjailbreak\b|\bdeveloper mode\b"
    # told where to answer from: "answer from your general knowledge, not the article"
    r"|\b(?:answer|reply|respond)\s+(?:\w+\s+){0,2}?(?:from|using|with|out of)\s+"
    r"(?:your\s+(?:own\s+|general\s+)?|general\s+)(?:knowledge|training|memory)\b"
    # a piece of writing asked for, not a question about the article: "write me a poem",
    # "can u help me write a cover letter"
    r"|^\W*(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?|please\s+|pls\s+)?(?:help\s+me\s+(?:how\s+to\s+)?)?"
    r"(?:write|compose|draft)\s+(?:me\s+|us\s+)?(?:a|an|some|my)\s+(?:[\w-]+\s+){0,2}?(?:poem|song|story|"
    r"cover letter|joke|limerick|haiku|resume|cv)s?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Question:
    """A question after ``clean``."""

    text: str  # cleaned question
    notice: str  # what was done to it, for the reader ("" if nothing)


def clean(raw: str, max_chars: int) -> Question:
    """Normalise Unicode, drop control and format characters, collapse whitespace, cap length."""
    # Cut first (generously: normalising may shrink it), so a megabyte costs no more than a page.
    text = unicodedata.normalize("NFKC", raw[: max_chars * 4])
    text = "".join(ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    notice = ""
    if len(text) > max_chars:
        cut = text[:max_chars]
        text = cut[: cut.rfind(" ")] if " " in cut[max_chars // 2 :] else cut
        notice = f"Your question was {len(raw):,} characters long; only its first {len(text):,} were used."
    return Question(text, notice)


# What a question may open with before it asks: fillers ("ok,", "so", "quick question:") and
# a change of topic said outright ("switching topics -", "different question:", "unrelated,
# but", "on another note,"). Not "and", "also" or "but": they lean on what was said.
_TOPIC_CHANGE = (r"(?:new|different|diff|separate|unrelated|another|other)\s+(?:question|topic|q|subject)"
                 r"|switch(?:ing)?\s+(?:topics?|gears|subjects?)|chang(?:e|ing)\s+(?:the\s+)?(?:subject|topics?)"
                 r"|on\s+(?:another|a\s+different|an\s+unrelated|a\s+separate)\s+(?:note|matter|topic|subject)"
                 r"|unrelated(?:\s*,?\s*but)?")
_FILLER = r"ok(?:ay)?|so|alright|hm+|well|by\s+the\s+way|btw|quick\s+(?:question|q)|one\s+more\s+(?:thing|question)"
_OPENING_WORDS = re.compile(rf"^\W*(?:(?:{_FILLER}|{_TOPIC_CHANGE})\b[\s,:;.!?–—-]*)+", re.IGNORECASE)


def opening(question: str) -> tuple[str, bool]:
    """``question`` without the fillers and topic-change words it opens with (``_OPENING_WORDS``),
    and whether it said outright that the topic changes: "ok, switching topics - how many NA
    models by FY26?" asks "how many NA models by FY26?", of no earlier turn. A question that is
    nothing else is kept as it is."""
    m = _OPENING_WORDS.match(question)
    if not m or not has_words(question[m.end():]):
        return question, False
    return question[m.end():], bool(re.search(_TOPIC_CHANGE, question[: m.end()], re.IGNORECASE))


# Advice or a verdict asked for: "should I buy Nissan shares now?", "would you recommend the
# new Leaf?", "is it worth buying one?", "do you think the new boss will succeed?", "is the
# leaf any good", "is nissan gonna be ok". An article reports; what the reader should do, and
# what to make of it, are theirs to decide.
_ADVICE = re.compile(r"\bshould\s+(?:i|we|u)\s+(?:buy|sell|invest|get|purchase|lease|wait|hold|choose|pick)\b|"
                     r"\b(?:do|would|can|could)\s+(?:you|u)\s+recommend\b|"
                     r"\bis\s+(?:it|this|that|now)\s+(?:a\s+)?(?:good|smart|wise|worth|the\s+right)\b"
                     r"(?:\s+(?:idea|time|move))?\s+(?:to\s+)?(?:buy|sell|invest|get)\w*|"
                     # not "do you think the article says ...": that asks what it says
                     r"\b(?:do|would)\s+(?:you|u)\s+(?:think|reckon|expect|believe)\b"
                     r"(?!\s+(?:the\s+)?(?:article|piece|story|author|writer|text)\b)|\b(?:you|u)\s+reckon\b|"
                     r"\byour\s+(?:opinion|take|view|verdict|guess|thoughts)\b|"
                     r"\bany\s+good\s*(?:now|at\s+all|really)?\s*(?:[?.!]|$)|"  # not "any good news"
                     r"\b(?:gonna|going\s+to)\s+be\s+(?:ok|okay|alright|all\s+right|fine)\b",
                     re.IGNORECASE)


# The whole article asked for in brief: "summarize the article", "tl;dr", "what is this
# article about", "main points?", "key takeaways", "give me the gist".
_OVERVIEW = re.compile(r"\bsumm?ar(?:y|ies|i[sz]e\w*)\b|\btl\W?;?\W?dr\b|\bsum\s+(?:it|this|that)\s+up\b|"
                       r"\bgist\b|\boverview\b|\brecap\b|\bin\s+a\s+nutshell\b|"
                       r"\b(?:main|key)\s+(?:points?|takeaways?|ideas?|messages?)\b|\btakeaways?\b|"
                       r"\bwhat(?:[’']?s|\s+is)\s+(?:this|the)\s+(?:article|piece|story|text|post)\s+(?:about|saying)\b",
                       re.IGNORECASE)
# The words of such a request, which say nothing of a topic ("summarize the article pls").
_OVERVIEW_WORDS = frozenset("""
summary summaries summarize summarise summarized summarised tldr tl dr sum up gist overview recap nutshell main
key points point takeaway takeaways ideas idea messages message article piece story text post about saying give
quick short brief pls plz please thanks thx me us entire whole all provide write share tell
""".split())


def asks_overview(text: str) -> bool:
    """Whether ``text`` asks for the whole article in brief, about no topic of its own
    ("summarize the article"; not "summarize what Espinosa said", a topic's question)."""
    if not _OVERVIEW.search(text):
        return False
    return not [w for w in topic_words(text).lower().replace(";", " ").split()
                if w.strip("?.!,:;'’\"") not in _OVERVIEW_WORDS]


def asks_advice(text: str) -> bool:
    """Whether the question asks what the reader should do, or for a verdict (``_ADVICE``)."""
    return bool(_ADVICE.search(text))


def is_instruction(text: str) -> bool:
    """Does the text try to instruct the assistant instead of asking about the article?"""
    return bool(_INSTRUCTION.search(text))


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` begins ``text`` or a sentence in it ("... at one point?
    Whatever came of that?"): a capital there says nothing about a name."""
    return not text[:start].strip() or text[:start].rstrip()[-1] in ".?!"


def capitalised_words(text: str) -> list[str]:
    """Capitalised words that open no sentence, as names are written ("Toyota", "Paris")."""
    return [m.group() for m in re.finditer(r"[^\W\d_][\w'’-]*", text)
            if m.group()[0].isupper() and not m.group().isupper() and not _opens_sentence(text, m.start())]


def _function_word(word: str) -> bool:
    """A capitalised function word ("Who" opening a second sentence, "I") is no name; an
    acronym spelt like one ("US") is."""
    return word.lower() in _FUNCTION_WORDS and not (word.isupper() and len(word) > 1)


def names(text: str, known: frozenset[str] = frozenset()) -> list[str]:
    """The names a question gives: capitalised words that open no sentence ("Honda", "Tesla"), codes
    or acronyms ("QX65", "INFINITI"), and any word that is a name in the corpus (``known``,
    lower-cased) however it was typed ("hondas ceo"); without a possessive ending."""
    out = []
    for m in re.finditer(r"[^\W_][\w’'-]*", text):
        w = m.group()
        bare = re.sub(r"[’']s$", "", w)
        low = bare.lower()
        in_corpus = low if low in known else low[:-1] if low.endswith("s") and low[:-1] in known else ""
        if in_corpus:
            out.append(bare[: len(in_corpus)])
        elif (any(ch.isdigit() for ch in w) and any(ch.isalpha() for ch in w) and m.start()
              or w[0].isupper() and not _function_word(w) and not _opens_sentence(text, m.start())):
            out.append(bare)
    return out


def has_words(text: str) -> bool:
    """Whether ``text`` holds at least one word."""
    return bool(_WORD.search(text))


def needs_context(question: str) -> bool:
    """Does the question lean on what was said before (a pronoun, "what about...", a fragment)?"""
    return bool(points_back(question) or len(_WORD.findall(question)) <= 3)


def points_back(question: str) -> bool:
    """Whether the question's words point back (a pronoun, "and ...", "what about ..."), as
    opposed to its being merely short ("whats e-power" may well be a new topic)."""
    return bool(_ANAPHORA.search(question) or _ELLIPSIS.match(question) or _BARE_ASKING.match(question))


def user_questions(history: list[dict] | None) -> Iterator[tuple[str, list[dict]]]:
    """The user's messages of ``history`` (messages format) that hold words, latest first,
    each with its turn and the reply after it."""
    turns = [t for t in history or [] if isinstance(t, dict)]
    for i in range(len(turns) - 1, -1, -1):
        content = turns[i].get("content")
        if turns[i].get("role") == "user" and isinstance(content, str) and has_words(content):
            yield content, turns[i : i + 2]


def last_lead(history: list[dict] | None) -> str:
    """The direct answer the assistant led its last reply with ("Ivan Espinosa"), if any:
    what "he", "it" or "that" in a follow-up most often points at."""
    for turn in reversed(history or []):
        if isinstance(turn, dict) and turn.get("role") == "assistant":
            content = turn.get("content")
            first = content.strip().splitlines()[0] if isinstance(content, str) and content.strip() else ""
            lead = re.sub(r"\s*\[\d+\]", "", first).strip()
            # A quote, a caveat or a message is not a lead; a lead is short.
            return lead if lead and not lead.startswith((">", "The article", "Sorry", "I only", "Please")) \
                and len(lead) <= 80 else ""
        if isinstance(turn, dict) and turn.get("role") == "user":
            return ""
    return ""


def last_quotes(history: list[dict] | None, n: int = 2) -> tuple[str, ...]:
    """The first ``n`` sentences the assistant's last reply quoted ("> sentence [1]" lines),
    without their citation marks: what "who said that?" points at."""
    for turn in reversed(history or []):
        if isinstance(turn, dict) and turn.get("role") == "assistant":
            content = turn.get("content")
            lines = content.splitlines() if isinstance(content, str) else []
            return tuple(re.sub(r"\s*\[\d+\]\s*$", "", line[2:]).strip() for line in lines
                         if line.startswith("> "))[:n]
        if isinstance(turn, dict) and turn.get("role") == "user":
            return ()
    return ()


def topic_words(text: str) -> str:
    """The content words of a question: what it is about, without how it asks."""
    words = re.findall(r"[\w’'-]+", text)
    return " ".join(w for w in words if w.lower().replace("’", "").replace("'", "") not in _FUNCTION_WORDS)


@functools.lru_cache(maxsize=1024)
def word_tokens(text: str) -> frozenset[str]:
    """``tokenize``'s tokens of a short text asked for again and again (a source's subject,
    a name in a question)."""
    return frozenset(tokenize([text])[0])


def topic_tokens(text: str) -> list[str]:
    """What ``text`` is about, as ``tokenize`` writes it: its words less function words, the
    words asking for a kind of answer ("when", "how many") and light verbs ("take")."""
    return [t for t in word_tokens(text) if t not in _function_tokens() | _kind_tokens() | _light_tokens()]


@functools.lru_cache(maxsize=1)
def _function_tokens() -> frozenset[str]:
    """English function and question words as ``tokenize`` writes them ("what", "how")."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(t for toks in tokenize(sorted(STOPWORDS_EN_PLUS)) for t in toks)


@functools.lru_cache(maxsize=1)
def _kind_tokens() -> frozenset[str]:
    """The words asking for a kind of answer (``extract.KIND_WORDS``) as ``tokenize`` writes them."""
    return frozenset(t for toks in tokenize(sorted(KIND_WORDS)) for t in toks)


@functools.lru_cache(maxsize=1)
def _light_tokens() -> frozenset[str]:
    """Light verbs, which carry a phrase's meaning in its other words ("take place", "take
    over", "make a deal"), and reporting verbs, which say that someone spoke, not of what
    ("who said that?"): sharing one says nothing of the topic."""
    return frozenset(t for toks in tokenize(["take took taken taking make made get got go went come came "
                                             "happen happened put give gave say says said tell tells told"])
                     for t in toks)


# A company's leader in everyday words ("the new boss", "who's in charge", "the top job"),
# where business text says "CEO" or "chief executive". Lower-case only ("Hugo Boss" is a
# name); "running" is as often "running out of money", and "who runs it" finds the CEO.
_LEADER = re.compile(rf"\b(?:{LEADER_WORDS})\b")
_TITLED = re.compile(r"\b(ceo|chief|executive|president|chair\w*|director)\b", re.IGNORECASE)


def searched(query: str) -> str:
    """What to search for a question asking *who* leads: the query, and the usual title when
    it speaks of the leader in everyday words ("who's the new boss" also searches "CEO chief
    executive"). The caller decides that a person is asked for; only retrieval reads it."""
    return f"{query} CEO chief executive" if _LEADER.search(query) and not _TITLED.search(query) else query


# How a person's name is asked for: "what's the name of", "the new ceo's name", "is called
# what". Those words are the asking, which no passage holding the name shares.
_NAME_ASKED = re.compile(r"^\W*(?:(?:what|whats|what[’']s)(?:\s+(?:is|was|are|were))?\s+|(?:tell|give)\s+me\s+)?"
                         r"(?:the\s+)?(?:real\s+|full\s+)?name\s+of\s+|"
                         r"(?:[’']s|(?<![\Ws])(?<!\bhi)s)?\s+(?:real\s+|full\s+)?names?\b|"
                         r"\s+(?:is\s+|was\s+)?called(?:\s+what)?\b", re.IGNORECASE)
_OPENING = re.compile(r"^\W*(?:(?:what|whats|what[’']s)(?:\s+(?:is|was|are|were))?|(?:tell|give)\s+me)\s+",
                      re.IGNORECASE)


def as_who(query: str) -> str:
    """A question asking for a person's name, asked with "who": "what's the name of the new
    ceo?" -> "who is the new ceo?", "the new ceo is called what" -> "who is the new ceo".
    Other questions are returned as they are. The caller decides that a person is asked for."""
    if not _NAME_ASKED.search(query):
        return query
    rest = re.sub(r"\s+", " ", _OPENING.sub("", _NAME_ASKED.sub(" ", query))).strip()
    if not has_words(re.sub(r"\b(?:his|her|their|its)\b", " ", rest, flags=re.IGNORECASE)):
        return query  # "whats his name": whose is the conversation's to say, not "who is his"
    return "who is " + rest


# A second question asked in the same breath: "who is the new CEO and when does he start",
# "who fits best, and why?", "... some French outfit? What's that group called?". The second
# part opens with a question word or an auxiliary after "?", a comma, "and" or a dash.
_ASKING = (r"(?:who|whos|who[’']s|whom|what|whats|what[’']s|when|whens|where|why|how|which|is|are|was|were|does|do|"
           r"did|can|could|will|would|has|have|had|should)")
_SECOND_PART = re.compile(rf"(?:\?\s+|[,;]\s+(?:and\s+)?|\s+and\s+|\s+[-–—]+\s+)(?={_ASKING}\b)", re.IGNORECASE)
# The first part must ask something too: "Even without a merger, are they ..." is one question.
_ASKS = re.compile(r"\b(?:who|whos|who[’']s|what|whats|what[’']s|when|whens|where|why|how|which)\b|"
                   r"^\W*(?:is|are|was|were|does|do|did|can|could|will|would|has|have|had|should|"
                   r"isn[’']t|aren[’']t|doesn[’']t|don[’']t|didn[’']t|won[’']t|can[’']t)\b", re.IGNORECASE)


# Where no second question opens: a relative clause (", which surprised analysts", ", who
# starts in April"), and after a clause setting the scene ("When Roe takes over, what
# changes?", "If the talks fail, ..."): "when" or "where" with no question word after it.
_RELATIVE = re.compile(r",\s*(?:which|who|whom|whose)\b", re.IGNORECASE)
_SCENE = re.compile(rf"^\W*(?:(?:when|where)\b(?!.*\b{_ASKING}\b)|"
                    r"(?:if|once|while|since|because|as|after|before|given)\b)", re.IGNORECASE)


# A clause that sets the scene before the question proper: "With Acme's talks back on, when
# does its new CEO start?" asks nothing of Acme's talks. Three words at least: "With Acme,
# who is the CEO?" asks of Acme.
_SCENE_CLAUSE = re.compile(rf"^\W*(?:with|now that|given|since|as|after|while|if|once|because|though|although|"
                           rf"despite|considering|when(?![^,;?]*\b{_ASKING}\b))(?:\s+[^\s,;?]+){{3,}}\s*[,;]\s*",
                           re.IGNORECASE)


def asked_clause(question: str) -> str:
    """``question`` less a clause that sets the scene before it (``_SCENE_CLAUSE``), when what
    follows asks something: the names there are background, not what is asked of."""
    m = _SCENE_CLAUSE.match(question)
    return question[m.end():] if m and _ASKS.search(question[m.end():]) else question


def parts(question: str) -> list[str]:
    """The two questions of one asked in the same breath, or ``[question]``: split where a
    second question opens (``_SECOND_PART``), once the part before it asks something, not at
    a relative clause nor after a clause that sets the scene (``_RELATIVE``, ``_SCENE``)."""
    for m in _SECOND_PART.finditer(question):
        first, second = question[: m.start()].strip(" ,;-–—"), question[m.end():].strip()
        if _RELATIVE.match(question, m.start()) or _SCENE.match(first):
            continue
        if _ASKS.search(first) and has_words(second):
            return [first if first.endswith("?") else first + "?", second]
    return [question]


# A fragment opening with "and" or "what about", asking nothing of its own ("and on the
# freeway?", "what about the outgoing one?"), not a new question ("and why?", "and is it ...",
# "and for the luxury brand, what models are coming?").
_FRAGMENT = re.compile(r"^\W*(?:and|or|but|also|what\s+about|how\s+about)\b", re.IGNORECASE)
_ASKS_ITSELF = re.compile(r"^\W*(?:is|are|was|were|do|does|did|can|could|will|would|has|have|had|should)\b|"
                          r"\b(?:what|whats|which|who|whos|whom|whose|when|where|why|how)\b", re.IGNORECASE)


def is_fragment(question: str) -> bool:
    """Whether ``question`` opens with "and" or "what about" and asks nothing of its own after."""
    m = _FRAGMENT.match(question)
    return m is not None and not _ASKS_ITSELF.search(question[m.end():])


# Words asking for each kind of answer, each read back by ``extract.answer_kind`` as that kind.
_ASKING_FOR = {PERSON: "who", DATE: "when", NUMBER: "how many", PERCENT: "what percent", MONEY: "what price",
               TITLE: "what job title"}


def asked_again(question: str, history: list[dict] | None) -> str:
    """Words asking for what the previous question asked for, when ``question`` is a fragment
    asking it again of something else ("and on the freeway?" after "how much better is the
    mileage in the city?" asks for a share); "" otherwise. They complete the question, not
    the search: the kind of answer is how a question asks, not what it is about."""
    if not is_fragment(question) or answer_kind(question):
        return ""
    for content, _ in user_questions(history):  # through earlier fragments, which asked it again too
        if kind := answer_kind(content):
            return _ASKING_FOR.get(kind, "")
        if not is_fragment(content):
            return ""
    return ""


def resolve(question: str, history: list[dict] | None, max_chars: int,
            people: frozenset[str] = frozenset()) -> list[str]:
    """The queries worth searching for ``question``, most literal first.

    A question that stands on its own is searched as it is. One that leans on the
    conversation is also searched completed with what it can refer to: the topic words of
    the previous question and the previous direct answer, never the whole previous
    question (so a new topic is not outweighed by the old one). The caller keeps the
    reading the article answers best. ``people`` (the corpus's, lower-cased full names) tell
    who "he" is when the last reply led with no name.
    """
    turns = _thread(history)
    if not turns or not needs_context(question):
        return [question]
    asked = [clean(q, max_chars // 2).text for q, _ in turns]
    substitution = (_SUBSTITUTION.match(question) or is_fragment(question) and not _OWNER.search(question)) \
        and topic_words(question)
    if substitution and (m := _SUBSTITUTED.match(question)):
        # "and in india?" after "what is nissan launching in north america": in India instead
        asked = [re.sub(rf"\b{m.group(1)}\b[^,;:?!.]*", " ", a, flags=re.IGNORECASE) for a in asked]
    topic = " ".join(dict.fromkeys(w for a in asked for w in topic_words(a).split()))
    if substitution:
        # "What about emerging markets?" ("and in india?") after "What's the North America
        # launch plan?" asks the same thing of something else: keep what was asked ("launch
        # plan"), not whom or what it was asked of (the names, and the last direct answer).
        context = " ".join(w for w in topic.split() if not w[0].isupper() or is_title(w))
    else:
        lead = next((lead for _, lead in turns if lead), "") or _quoted_person(question, history, people)
        context = " ".join(x for x in (lead, topic) if x)
    return [question, f"{question} {context}"] if context else [question]


_HE = re.compile(r"\b(?:he|him|his|she|her)\b", re.IGNORECASE)


def _quoted_person(question: str, history: list[dict] | None, known: frozenset[str]) -> str:
    """Who "he" or "she" is when the last reply led with no name: the one person of
    ``known`` (the corpus's people, lower-cased full names) its first quote names, in full
    or by one of their names ("what did he say" after a reply quoting Pandikuthira first;
    none after "Espinosa seems more flexible than outgoing CEO Makoto Uchida")."""
    if not _HE.search(question) or not known:
        return ""
    low = " ".join(last_quotes(history, 1)).lower()
    named = [p for p in known if any(re.search(rf"\b{re.escape(part)}\b", low) for part in p.split())]
    return named[0].title() if len(named) == 1 else ""


# How far back a run of bare follow-ups is read: a bound, not a tuned value (no gold
# follow-up runs past two turns).
THREAD_TURNS = 3


def _thread(history: list[dict] | None) -> list[tuple[str, str]]:
    """The user's last questions, latest first, each with the direct answer that led its
    reply ("" for none): the last one, and, while the one taken is about nothing of its own
    (``topic_tokens``), the one before it, at most ``THREAD_TURNS``. After "nissan still
    talking to honda?" / "who said that?" / "where did he say it?", "when?" asks of the
    talks and of Cartier, named two and three turns back."""
    out: list[tuple[str, str]] = []
    for content, turn in user_questions(history):
        asked, changed = opening(content)  # "ok and price": the "ok" says nothing of the topic
        out.append((asked, last_lead(turn)))  # its reply's lead
        if len(out) == THREAD_TURNS or topic_tokens(asked) or changed:
            break  # a question about something is where what the later ones point to is
    return out
