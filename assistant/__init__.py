"""Cited question answering over a news article on Nissan's strategy.

    >>> from assistant import answer
    >>> a = answer("Who is taking over as Nissan's CEO?")
    >>> a.citations[0].source
    'nissan-strategy-honda-talks.txt'

Importing the package is light: torch and the model load on the first answer().
"""

from __future__ import annotations

from .records import Answer, Chunk, Citation, Passage

__all__ = ["Answer", "Chunk", "Citation", "Passage", "answer"]


def answer(question: str, history: list[dict] | None = None, **options) -> Answer:
    """Answer a question about the article, citing the sentences it rests on.

    Args:
        question: the question, any string (never raises for a str).
        history: earlier turns as ``[{"role": ..., "content": ...}]`` for follow-ups.
        **options: ``mode`` ("hybrid", "dense", "lexical") or ``k`` for this call.

    Returns:
        An Answer; ``[n]`` in ``answer.text`` is ``answer.citations[n-1]``.
    """
    from .answering import default_assistant
    from .errors import AssistantError

    if not isinstance(question, str):
        raise TypeError(f"question must be a str, not {type(question).__name__}")
    try:
        assistant = default_assistant()
    except AssistantError as e:  # e.g. ASSISTANT_TOP_K=five
        return Answer(f"Sorry, the assistant cannot answer right now: {e}", False, "", error=str(e))
    return assistant.answer(question, history, **options)
