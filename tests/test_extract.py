"""Short answers: the asked-for kind, anchored by the question's own words."""

from __future__ import annotations

import pytest

from assistant.extract import answer_kind, find_short_answer, short_answer

SENTENCES = [
    "The board thanked departing chairman Alan Brooks, who led the firm for a decade.",
    "Incoming chairman Maria Lopez starts on March 3rd, 2027, with a budget of $4.5 billion.",
    "Sales rose by as much as 12% in Europe, and more than 40 stores will open by FY27.",
]


@pytest.mark.parametrize("question, kind", [
    ("Who will lead the company?", "person"),
    ("When does she start?", "date"),
    ("How many stores will open?", "number"),
    ("How much did sales rise in percent?", "percent"),
    ("How much does the plan cost?", "money"),
    ("How much horsepower does it have?", "number"),
    ("Why did the talks stop?", ""),
])
def test_the_question_says_which_kind_it_wants(question, kind):
    assert answer_kind(question) == kind


def test_the_name_the_question_points_at_wins_over_the_first_name():
    assert find_short_answer("Who is the incoming chairman?", SENTENCES)[:2] == ("Maria Lopez", 1)
    assert find_short_answer("Who is the departing chairman?", SENTENCES)[:2] == ("Alan Brooks", 0)


@pytest.mark.parametrize("question, expected", [
    ("When does the incoming chairman start?", "March 3rd, 2027"),
    ("How many stores will open?", "more than 40"),
    ("By how many percent did sales rise?", "as much as 12%"),
    ("What budget in dollars does the plan cost?", "$4.5 billion"),
])
def test_each_kind_is_read_off_the_sentence(question, expected):
    assert short_answer(question, SENTENCES) == expected


def test_nothing_the_question_already_says_and_nothing_of_a_missing_kind():
    assert short_answer("Who is Maria Lopez?", SENTENCES[1:2]) == ""
    assert short_answer("How much does it cost?", SENTENCES[:1]) == ""
    assert short_answer("Why did sales rise?", SENTENCES) == ""
