"""The answer stage's rules on made-up candidates: no model, no article."""

from __future__ import annotations

from assistant.calibration import Logistic
from assistant.extract import DATE, NUMBER, PERSON
from assistant.params import AnswerParams
from assistant.quoting import _quote_ends, first_quoted
from assistant.selection import Analysis, Candidate, ranked

SELECT = Logistic(("cosine",), (1.0,), 0.0)  # ranks by the 'cosine' signal alone


def cand(cosine: float, kind: float = 0.0, supports: float = 0.0, shares: float = 1.0) -> Candidate:
    x = {"cosine": cosine, "kind": kind, "supports": supports, "shares_words": shares, "holds_roles": 1.0,
         "names": 1.0, "closeness": 0.5}
    return Candidate(None, (0, 1), "a sentence", x)


def missing(kind: str, cands: list[Candidate], ap: AnswerParams | None = None) -> float:
    return ranked(Analysis("q", "q", None, cands, kind, {}), SELECT, ap or AnswerParams())[1]["kind_missing"]


def test_a_date_the_best_sentence_holds_is_there():
    assert missing(DATE, [cand(2.0, kind=1), cand(1.0)]) == 0.0


def test_a_date_offered_by_a_sentence_that_will_be_quoted_is_there():
    # the best sentence (probability 0.88) holds no date; the next (0.73, above 0.4 x 0.88) offers one
    assert missing(DATE, [cand(2.0), cand(1.0, kind=1, supports=1)]) == 0.0


def test_a_date_below_the_quoting_bar_is_missing():
    # 0.05 < 0.4 x 0.88: ``choose`` would quote it, but a sentence rated that far below the
    # best does not make the question answered
    assert missing(DATE, [cand(2.0), cand(-3.0, kind=1, supports=1)]) == 1.0


def test_a_date_past_the_last_quoted_sentence_is_missing():
    assert missing(DATE, [cand(2.0), cand(1.9, kind=1, supports=1)], AnswerParams(max_sentences=1)) == 1.0


def test_a_date_that_does_not_meet_the_question_is_missing():
    assert missing(DATE, [cand(2.0), cand(1.9, kind=1, supports=0)]) == 1.0


def test_a_figure_in_a_sentence_sharing_no_word_with_the_question_is_missing():
    # "how many jobs are being cut?" beside "The 2 corporations are actively collaborating"
    assert missing(NUMBER, [cand(2.0), cand(1.9, kind=1, supports=1, shares=0)]) == 1.0


def test_a_person_named_who_fits_in_a_sentence_that_will_be_quoted_is_there():
    assert missing(PERSON, [cand(2.0), cand(1.9, kind=1, supports=1)]) == 0.0


def test_a_person_is_missing_when_none_named_fits_the_question():
    # "Who is Honda's CEO?": the best sentence names Nissan's outgoing CEO, no sentence fits
    assert missing(PERSON, [cand(2.0, kind=1), cand(1.9, kind=1)]) == 1.0
    assert missing(PERSON, [cand(2.0), cand(1.9, kind=1, supports=1, shares=0)]) == 1.0


def _shares(tmp_path, question: str) -> dict[str, float]:
    """Each sentence's 'shares_words' signal for ``question`` over a made-up two-story corpus."""
    from assistant.answering import Assistant
    from assistant.config import Settings
    from tests.conftest import HashingEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "acme.txt").write_text(
        "Acme Plans\nAcme and Corvane work together on a number of fronts. Acme will cut 300 jobs.\n"
        "Acme CEO Max Poe spoke on Monday. The year ahead holds many new bikes.\n")
    a = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=HashingEmbedder())
    return {c.text: c.x["shares_words"] for c in a.analyse(question, question).candidates}


def test_words_asking_for_a_kind_of_answer_share_no_topic(tmp_path):
    # "how many jobs are cut?" was met by "... on a number of fronts": "many", "number" and
    # "year" ask what kind of answer is wanted, not what it is about
    shares = _shares(tmp_path, "How many jobs are cut this year?")
    assert shares["Acme will cut 300 jobs."] == 1.0
    assert shares["Acme and Corvane work together on a number of fronts."] == 0.0
    assert shares["The year ahead holds many new bikes."] == 0.0


def test_only_the_questions_own_words_are_shared_not_what_was_searched_for_them(tmp_path):
    # a person asked for as "the boss" is searched as "... CEO chief executive" too; a sentence
    # sharing only those added words shares nothing the reader said
    shares = _shares(tmp_path, "Who is the boss of the bike business?")
    assert shares["Acme CEO Max Poe spoke on Monday."] == 0.0
    assert shares["The year ahead holds many new bikes."] == 1.0


def test_a_quotation_cut_at_a_sentence_end_is_seen_from_either_half():
    # whole_quotes quotes the other half: "you're doubling that." / "It helps ... control."
    assert _quote_ends("“For x,” said Roe, “you double it.") == (True, False)
    assert _quote_ends("It helps keep costs down.”") == (False, True)
    assert _quote_ends('"For x," said Roe, "you double it.') == (True, False)
    assert _quote_ends('It helps keep costs down."') == (False, True)
    assert _quote_ends("“All of it,” she said.") == (False, False)
    assert _quote_ends("No quotation here.") == (False, False)


def test_a_part_of_a_two_part_answer_never_halves_a_quotation():
    # each part of a two-part question keeps its first half of max_sentences: a cut after
    # a quote's opening sentence dropped the end whole_quotes had brought in
    from types import SimpleNamespace as S
    chosen = [S(text="Costs matter."), S(text="“For x,” said Roe, “you double it."),
              S(text="It helps keep costs down.”"), S(text="Another thing.")]
    assert [c.text for c in first_quoted(chosen, 2)] == [c.text for c in chosen[:3]]  # type: ignore[arg-type]
    assert first_quoted(chosen, 1) == chosen[:1]  # type: ignore[arg-type]
    assert first_quoted(chosen, 3) == chosen[:3]  # type: ignore[arg-type]


def _tiny(tmp_path, text: str):
    """An Assistant over one made-up file, with the hashing embedder (no model loaded)."""
    from assistant.answering import Assistant
    from assistant.config import Settings
    from tests.conftest import HashingEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "acme.txt").write_text(text)
    return Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=HashingEmbedder())


def test_a_body_read_as_a_name_is_never_a_person_in_bold(tmp_path):
    # "the Corvane Bike Alliance" ends in two capitalised words, as a name does: it was the
    # bold answer to "who gives Acme a base?". A person in bold is one the corpus names
    # with a job title somewhere ("Acme CEO Max Poe")
    a = _tiny(tmp_path, "Acme Plans\nAcme is already part of the Corvane Bike Alliance, which gives it a "
                        "base to build from. Acme CEO Max Poe spoke on Monday about bikes.\n")
    assert a.answer("Who gives Acme a base to build from?").short_answer == ""
    assert a.answer("Who spoke on Monday?").short_answer == "Max Poe"


def _speakers(tmp_path, text: str) -> dict[str, str]:
    from assistant.selection import speaker

    index = _tiny(tmp_path, text).index
    out = {}
    for chunk in index.chunks:
        for s, e in chunk.sentences:
            sentence = chunk.text[s - chunk.start : e - chunk.start]
            out[sentence] = speaker(index, chunk, (s, e), sentence)
    return out


def test_he_is_the_one_person_the_sentence_before_names(tmp_path):
    # "who said no taboo?" was not covered: “I’ve a no-taboo approach,” he said, names no one
    said = _speakers(tmp_path, "Acme Plans\nIncoming CEO Max Poe starts in May. The board met on Monday.\n\n"
                               "Bikes\nPoe has made his plans clear. “We will sell bikes,” he said. "
                               "“For riders,” said Acme chief Jo Roe, “bikes are all.\nIt helps keep costs down.”\n"
                               "Poe and Roe met. He left.\n")
    assert said["“We will sell bikes,” he said."] == "Max Poe"  # by surname, written in full elsewhere
    assert said["It helps keep costs down.”"] == "Jo Roe"  # a quotation opened in the sentence before
    assert said["He left."] == ""  # two people named before: no one to tell
    assert said["The board met on Monday."] == ""  # no "he", no quotation ended
    assert said["Incoming CEO Max Poe starts in May."] == ""  # names someone itself


def test_a_person_named_by_surname_alone_is_the_one_written_in_full_elsewhere(tmp_path):
    from assistant.selection import named_by_surname

    index = _tiny(tmp_path, "Acme Plans\nIncoming CEO Max Poe starts in May. Acme chief Jo Roe spoke.\n"
                            "With Poe's arrival, the board waits. Poe and Roe met. Nobody came.\n").index
    assert named_by_surname(index, "acme.txt", "With Poe's arrival, the board waits.") == "Max Poe"
    assert named_by_surname(index, "acme.txt", "Poe and Roe met.") == ""  # two people
    assert named_by_surname(index, "acme.txt", "Incoming CEO Max Poe starts in May.") == ""  # named in full
    assert named_by_surname(index, "acme.txt", "Nobody came.") == ""


def test_a_body_named_beside_no_person_is_told_from_a_person_a_title_and_the_subject():
    from assistant.selection import _names_a_body

    assert _names_a_body("Some eyes are on tech supplier Corvane, who wants to work with Acme.", "acme")
    assert not _names_a_body("Acme will build more SUVs and EVs with AI.", "acme")  # the subject, acronyms
    assert not _names_a_body("Acme CEO Max Poe spoke.", "acme")  # a person and a title
    assert not _names_a_body("Despite talks between Acme and Corvane fizzling, both kept talking.", "acme")
    assert not _names_a_body("A full-scale Acme-Corvane merger is speculative.", "acme")


def test_the_sentence_naming_who_he_is_goes_before_it_within_the_limit(tmp_path):
    from assistant.quoting import whole_quotes
    from assistant.retrieval import retrieve
    from assistant.selection import candidates

    a = _tiny(tmp_path, "Acme Plans\nIncoming CEO Max Poe starts in May. Poe has made his plans clear. "
                        "“We will sell bikes,” he said.\n")
    r = retrieve("who will sell bikes", a.index, a.query_embedder, 3)
    cands = candidates("who will sell bikes", "who will sell bikes", r, a.index, 3, None, {})
    said = next(c for c in cands if c.speaker)
    assert said.speaker == "Max Poe"
    for limit in (1, 2, 6):  # never past the limit, never an error; the speaker's sentence first when room
        out = whole_quotes([said], cands, a.index, limit, lead=True)
        assert len(out) <= max(limit, 1) and said in out
        if limit > 1:
            assert out[0].text == "Poe has made his plans clear."
