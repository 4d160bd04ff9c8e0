"""answer() takes any string and returns an Answer; the contract's fields hold."""

from __future__ import annotations

import threading

import pytest

from assistant.extract import lead_answer
from assistant.records import Answer

from .conftest import ARTICLE

ODD = [
    "",
    "   \n\t  ",
    "?!?",
    "x" * 100_000,
    "Who is the CEO? " * 10_000,
    "Who\x00 is\x07 the\x1b[31m CEO\u200b?",
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script> What about Honda?",
    "🚗🔋⚡ Nissan LEAF?",
    "日産の新しいCEOは誰ですか？",
    "¿Quién es el nuevo director de Nissan?",
    "\ud800 lone surrogate",
    "'; DROP TABLE chunks; --",
]


@pytest.mark.parametrize("question", ODD, ids=range(len(ODD)))
def test_any_string_gets_an_answer_never_an_exception(fake_assistant, question):
    a = fake_assistant.answer(question)
    assert isinstance(a, Answer) and a.text
    assert len(a.query) <= fake_assistant.settings.max_question_chars * 2
    text = ARTICLE.read_text(encoding="utf-8")
    for c in a.citations + a.closest:
        assert text[c.start:c.end] == c.text


def test_empty_question_says_what_to_do(fake_assistant):
    a = fake_assistant.answer("  ")
    assert not a.answerable and "question" in a.text.lower() and a.citations == []


def test_huge_question_is_cut_with_a_notice(fake_assistant):
    a = fake_assistant.answer("Who is the CEO of Nissan? " * 5000)
    assert "characters" in a.notice and len(a.query) <= 2000


@pytest.mark.parametrize("bad", [None, 42, b"bytes", ["list"], {"q": 1}])
def test_a_non_string_raises_type_error(fake_assistant, bad):
    with pytest.raises(TypeError):
        fake_assistant.answer(bad)


def test_markers_point_at_citations_in_order_of_first_use(fake_assistant):
    import re

    a = fake_assistant.answer("Which models launch in North America by FY26?")
    markers = [int(m) for m in re.findall(r"\[(\d+)\]", a.text)]
    assert a.status == "answered"  # the words of the question are the article's: even a hashing embedder finds it
    assert markers and set(markers) == set(range(1, len(a.citations) + 1))
    firsts = list(dict.fromkeys(markers))
    assert firsts == sorted(firsts)
    text = ARTICLE.read_text(encoding="utf-8")
    for c in a.citations:
        assert c.sentences and all(c.start <= s < e <= c.end for s, e in c.sentences)
        for s, e in c.sentences:
            assert text[s:e] in a.text  # quoted verbatim


def test_not_covered_cites_nothing_and_offers_the_closest(fake_assistant):
    a = fake_assistant.answer("What is the weather like in Paris tomorrow?")
    assert a.status in ("not_covered", "partial")
    if a.status == "not_covered":
        assert a.citations == [] and a.closest and "[" not in a.text


def test_a_missing_corpus_is_an_answer_with_an_error_not_an_exception(tmp_path):
    from assistant.answering import Assistant
    from assistant.config import Settings

    from .conftest import HashingEmbedder

    a = Assistant(Settings(corpus_dir=tmp_path / "nope", index_dir=tmp_path / "i"), embedder=HashingEmbedder())
    ans = a.answer("Who is the CEO?")
    assert not ans.answerable and ans.error and "does not exist" in ans.error


def test_safe_to_call_from_several_threads(fake_assistant):
    questions = ["Who is the CEO?", "What about Honda?", "e-POWER fuel economy", "NACS port", ""] * 8
    results: dict[int, Answer] = {}

    def ask(i: int, q: str) -> None:
        results[i] = fake_assistant.answer(q)

    threads = [threading.Thread(target=ask, args=(i, q)) for i, q in enumerate(questions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == len(questions)
    serial = [fake_assistant.answer(q).text for q in questions]
    assert [results[i].text for i in range(len(questions))] == serial


def test_a_name_written_with_a_non_breaking_space_still_leads(tmp_path):
    from assistant.answering import Assistant
    from assistant.config import Settings

    from .conftest import HashingEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Board News\nThe incoming chair is Maria\u00a0Lopez, the board said.\n")
    a = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "i"), embedder=HashingEmbedder())
    ans = a.answer("Who is the incoming chair?")
    assert isinstance(ans.text, str) and not ans.error  # it used to raise StopIteration
    # and the name, written with a non-breaking space, is what a short answer leads with
    sentence = "The incoming chair is Maria\u00a0Lopez, the board said."
    assert lead_answer("Who is the incoming chair?", "q", sentence, None, []) == "Maria Lopez"


def test_an_unexpected_failure_inside_becomes_an_error_answer(fake_assistant, monkeypatch, caplog):
    from assistant import answering

    def broken(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(answering, "retrieve", broken)
    ans = fake_assistant.answer("Who is the CEO?")
    assert not ans.answerable and "disk on fire" in ans.error and "cannot answer" in ans.text
    assert "answer() failed" in caplog.text  # the trace goes to the log, not to the reader


def test_bad_settings_in_the_environment_are_an_error_answer(monkeypatch):
    from assistant import answer, answering

    monkeypatch.setattr(answering, "_default", None)
    monkeypatch.setenv("ASSISTANT_TOP_K", "five")
    ans = answer("Who is the CEO?")
    assert not ans.answerable and "ASSISTANT_TOP_K" in ans.error
    with pytest.raises(TypeError):
        answer(None)
