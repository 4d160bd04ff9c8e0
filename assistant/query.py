"""The question as asked -> the standalone query used for retrieval.

Cleans any string into something safe to search (control characters out, length capped)
and resolves follow-ups: a question that leans on the conversation (a pronoun with
nothing to point to, an elliptical "what about ...?", a bare "why?") is searched
together with the previous user question.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Words that point back to something said before.
_ANAPHORA = re.compile(
    r"\b(he|him|his|she|her|hers|it|its|they|them|their|theirs|this|that|these|those|"
    r"there|then|the same|such|former|latter|one|ones|other)\b",
    re.IGNORECASE,
)
_ELLIPSIS = re.compile(
    r"^\s*(and|also|but|so|or|what about|how about|and what|what else|anything else|"
    r"why|how come|which ones?|when|where|who else|any others?|more)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Text addressed to the system rather than asking about the article (prompt injection).
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|guidelines|context)\b"
    r"|\b(system|developer)\s*(prompt|message)\b|^\s*(system|assistant)\s*:"
    r"|\byou are now\b|\b(pretend|act as if) (you|to)\b|\breveal (your|the) (prompt|instructions)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Question:
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


def is_instruction(text: str) -> bool:
    """Does the text try to instruct the assistant instead of asking about the article?"""
    return bool(_INSTRUCTION.search(text))


def capitalised_words(text: str) -> list[str]:
    """Capitalised words past the first, as names are written ("Toyota", "Paris")."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    return [w for w in words[1:] if w[0].isupper() and not w.isupper()]


def has_words(text: str) -> bool:
    return bool(_WORD.search(text))


def needs_context(question: str) -> bool:
    """Does the question only make sense with what was said before?"""
    words = _WORD.findall(question)
    return bool(_ANAPHORA.search(question) or _ELLIPSIS.match(question) or len(words) <= 2)


def last_user_question(history: list[dict] | None) -> str:
    for turn in reversed(history or []):
        if isinstance(turn, dict) and turn.get("role") == "user":
            content = turn.get("content")
            if isinstance(content, str) and has_words(content):
                return content
    return ""


def standalone(question: str, history: list[dict] | None, max_chars: int) -> str:
    """The query to search: the question, joined to the previous one when it needs it."""
    prev = last_user_question(history)
    if prev and needs_context(question):
        prev = clean(prev, max_chars // 2).text
        return f"{prev} {question}"
    return question
