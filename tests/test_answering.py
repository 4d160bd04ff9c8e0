"""The answer stage's rules on made-up candidates: no model, no article."""

from __future__ import annotations

from assistant.answering import Analysis, Candidate, ranked
from assistant.calibration import Logistic
from assistant.extract import DATE, NUMBER, PERSON
from assistant.params import AnswerParams

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
    assert missing(DATE, [cand(2.0), cand(-3.0, kind=1, supports=1)]) == 1.0  # 0.05 < 0.4 x 0.88


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
