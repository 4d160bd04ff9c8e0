"""End to end on the real article with the real models: the blind-written sets, cross-validated.

Each figure is the held-out one: the calibration is fitted on four folds of the tuning pool
(the blind and fresh sets, 506 questions) and the fifth is answered, five times
(assistant/report.py); the second fresh set and the legacy set are answered with the
shipped calibration. Thresholds sit at the measured value minus a stated margin; the
issue's target is beside each, met or not.
"""

from __future__ import annotations

import re

import pytest

from assistant.evaluation import (
    FRESH2,
    FRESH3,
    FRESH4,
    FRESH5,
    FRESH6,
    LEGACY,
    conversation,
    evaluate,
    load_gold,
    load_tuning,
)
from assistant.extract import answer_kind
from assistant.report import cross_validate

from .conftest import ARTICLE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cv(real_assistant):
    return cross_validate(real_assistant, load_tuning(), "hybrid")


def test_the_answer_cites_what_retrieval_found(cv):
    pooled, worst = cv["pooled"], cv["worst"]
    assert pooled["hit@3"] >= 0.83  # measured 0.864 (0.861 at the round's start), margin 0.034
    assert pooled["cites_evidence"] >= 0.86  # measured 0.890 (0.878 in round 6), margin 0.030; target 0.92 (not met)
    assert worst["cites_evidence"] >= 0.82  # measured 0.845 (0.803), margin 0.025; target 0.92 (not met)
    assert pooled["cite_loss"] <= 0.02  # measured -0.025 (-0.017), margin 0.045; target under 0.02 (met; worst 0.000)
    assert pooled["fact_recall"] >= 0.85  # measured 0.881 (0.869), margin 0.031; target 0.88 (met, pooled only)
    assert worst["fact_recall"] >= 0.81  # measured 0.836 (0.793), margin 0.026; target 0.88 (not met)
    assert pooled["citation_validity"] == 1.0  # every offset exact, always


def test_not_covered_is_rare_on_answerable_and_unanswerable_is_not_answered(cv):
    pooled, worst = cv["pooled"], cv["worst"]
    assert pooled["not_covered_on_answerable"] <= 0.02  # measured 0.000 (0.011), margin 0.02; target 0.03
    assert pooled["unanswerable_not_answered"] >= 0.92  # measured 0.944 (84/89), margin 2 of 89; target 0.88
    assert worst["unanswerable_not_answered"] >= 0.83  # measured 16/18, margin 1 of 18; target 0.88 (met)
    assert worst["not_covered_on_answerable"] <= 0.03  # measured 0.000 (0.042), margin 0.03; target 0.03 (met)
    injections = [r for r in cv["rows"] if r["kind"] == "unanswerable" and r["category"] == "injection"]
    assert injections and all(r["status"] in ("refused", "not_covered") for r in injections)


def test_short_answers_are_claims_that_hold(cv):
    pooled = cv["pooled"]
    assert pooled["short_right"] >= 0.97  # measured 1.000 (0.972 at the start), margin 0.03; target 0.97
    assert pooled["short_on_unanswerable"] <= 1  # measured 0, margin 1; target 0
    assert pooled["shorts_given"] >= 30  # measured 36 (33 in round 6): short answers are still given where they hold


def test_followups_and_topic_changes(cv):
    pooled = cv["pooled"]
    assert pooled["followups_resolved"] >= 0.97  # measured 1.000 (0.957), margin 1 of 46; target 0.88
    # (on the blind set alone, 32 follow-ups, it measured 1.000 two rounds ago)
    assert pooled["followups_resolved"] > pooled["followups_without_history"]  # the history is used
    assert pooled["topic_changes_resolved"] >= 0.90  # measured 0.944 (17 of 18), margin 0.044: not glued on


def test_the_legacy_set_is_held_out_entirely(real_assistant):
    # The shipped calibration was fitted on the tuning pool only: the older 114 questions are
    # a fully held-out test.
    s = evaluate(real_assistant, load_gold(LEGACY), "hybrid")["summary"]
    assert s["cites_evidence"] >= 0.88  # measured 0.911 (0.848 before this session), margin 0.031
    assert s["citation_validity"] == 1.0


def test_the_second_fresh_set_never_read(real_assistant):
    # 124 questions whose misses nobody changing the code has read; the round's starting code
    # scored cites 0.787, not covered on answerable 0.087
    s = evaluate(real_assistant, load_gold(FRESH2), "hybrid")["summary"]
    assert s["cites_evidence"] >= 0.85  # measured 0.875 (0.825 before), margin 2 of 80; target 0.92 (not met)
    assert s["not_covered_on_answerable"] <= 0.08  # measured 0.050 (0.075), margin 2 of 80; target 0.03 (not met)
    assert s["short_on_unanswerable"] == 0 and s["citation_validity"] == 1.0  # measured 0 and 1.0


@pytest.mark.parametrize("path, cites, not_covered, unanswerable", [
    # 186 questions by three writers (w10 of round 7, w11 and w12 mapped in round 8):
    # measured cites 0.858 (103/120), not covered 0.033 (4/120), unanswerable not answered
    # 0.806 (29/36) when assembled; margins 3 of 120, 2 of 120, 2 of 36
    (FRESH3, 0.83, 0.05, 0.75),
    # 124 questions by two writers of round 9, first measured after 35e8e30: cites 0.854
    # (70/82), not covered 0.073 (6/82) first and 0.085 (7/82) at round 9's end,
    # unanswerable not answered 0.773 (17/22); margins 3 of 82, 2 of 82, 2 of 22
    (FRESH4, 0.81, 0.11, 0.68),
    # 124 questions by two writers of round 10, first measured at f3eacbf: cites 0.852
    # (69/81), not covered 0.086 (7/81; +2 is 9/81 = 0.111), unanswerable not answered
    # 0.826 (19/23); margins 3 of 81, 2 of 81, 2 of 23
    (FRESH5, 0.81, 0.12, 0.73),
    # 124 questions by two writers of round 11, written after its changes and first measured
    # at its end: cites 0.887 (71/80), not covered 0.025 (2/80), unanswerable not answered
    # 0.958 (23/24); round 11's start measured 0.863, 0.050 and 0.917 on it; margins 3 of
    # 80, 2 of 80, 2 of 24
    (FRESH6, 0.85, 0.05, 0.87),
], ids=["fresh3", "fresh4", "fresh5", "fresh6"])
def test_a_later_fresh_set_never_read(real_assistant, path, cites, not_covered, unanswerable):
    # no miss of these sets has been read; targets 0.92, 0.03 and 0.88: cites is met on none,
    # not covered and unanswerable not answered on fresh6 only (0.025 and 0.958)
    s = evaluate(real_assistant, load_gold(path), "hybrid")["summary"]
    assert s["cites_evidence"] >= cites
    assert s["not_covered_on_answerable"] <= not_covered
    assert s["unanswerable_not_answered"] >= unanswerable
    assert s["short_on_unanswerable"] == 0 and s["citation_validity"] == 1.0  # measured 0 and 1.0


@pytest.mark.parametrize("question", ["new nissan ceo?",
                                      "Who exactly is taking over as Nissan's chief executive?",
                                      "who's the new boss at nissan",  # was not covered: "boss" is no "CEO"
                                      "Who's the new fellow they've put in charge over at Nissan?"])
def test_the_new_ceo_is_named_however_the_question_is_typed(real_assistant, question):
    # each was answered without a name: a bare title had no kind, "whos" was no "who", and
    # "Chief" counted as a name every answering sentence had to repeat (it was not covered)
    a = real_assistant.answer(question)
    assert a.status == "answered" and a.short_answer == "Ivan Espinosa"


@pytest.mark.parametrize("question, name", [("who replaced the old CEO?", "Ivan Espinosa"),
                                            ("who replaced uchida", "Ivan Espinosa"),  # was not covered (0.04)
                                            ("who took over from uchida", "Ivan Espinosa"),
                                            # led with **Makoto Uchida**: read as "who is he replacing?"
                                            ("who is the guy replacing uchida", "Ivan Espinosa"),
                                            ("who is espinosa replacing?", "Makoto Uchida"),
                                            # not covered (0.03): "him" left Uchida a name the answer must hold
                                            ("ok so uchida out, who replaces him", "Ivan Espinosa"),
                                            # not covered (0.03) in a web UI try: "frm" was no "from"
                                            ("who takes over frm uchida", "Ivan Espinosa"),
                                            # led with **Ivan Espinosa**: a trailing word read as the one replaced
                                            ("Who is Espinosa replacing exactly?", "Makoto Uchida"),
                                            ("Who did Espinosa replace exactly?", "Makoto Uchida"),
                                            # the speaker is asked for, and the article quotes none on this
                                            ("Who said Espinosa is replacing Uchida?", ""),
                                            # not covered (0.04): the successor's sentence does not name Uchida
                                            ("Who is Uchida's successor?", "Ivan Espinosa"),
                                            ("who is uchidas successor", "Ivan Espinosa"),  # typed, no apostrophe
                                            # no bold: "whos" typed for "who is" asked of no one replaced
                                            ("whos espinosa replacing", "Makoto Uchida")])
def test_who_replaced_whom(real_assistant, question, name):
    # "who replaced the old CEO?" led with Makoto Uchida in bold: "old" was read as the side asked for
    assert real_assistant.answer(question).short_answer == name


@pytest.mark.parametrize("question", ["Who is Nissan's new CEO?", "who's the new boss at nissan"])
def test_the_new_ceo_is_never_the_outgoing_one(real_assistant, question):
    a = real_assistant.answer(question)
    assert a.short_answer in ("", "Ivan Espinosa")
    assert "Makoto Uchida" not in a.short_answer and "Pandikuthira" not in a.short_answer


@pytest.mark.parametrize("question", ["who runs honda", "whos the boss at honda"])
def test_hondas_leader_in_everyday_words_is_not_in_the_article_either(real_assistant, question):
    # "who runs honda" led with **Guillaume Cartier**, Nissan's Chief Efficiency Officer, in a
    # newcomer's try of the web UI
    a = real_assistant.answer(question)
    assert a.status != "answered" and a.short_answer == ""


def test_a_price_asked_in_passing_is_not_answered(real_assistant):
    # "whats the new leaf gonna cost" asked no amount and was answered with the LEAF's platform
    assert real_assistant.answer("whats the new leaf gonna cost").status != "answered"


def test_hondas_ceo_is_not_in_the_article(real_assistant):
    a = real_assistant.answer("Who is the CEO of Honda?")
    # No top sentence names a CEO beside Honda: measured partial (confidence 0.14).
    assert a.status in ("partial", "not_covered") and not a.answerable
    assert a.short_answer == "" and "Makoto Uchida [" not in a.text


def test_what_a_ceo_the_article_never_names_said_is_not_answered(real_assistant):
    # No top sentence names a CEO beside Honda (Cartier's "we never stopped talking to
    # Honda" is Nissan's): measured not covered (0.13); it was answered (0.68).
    a = real_assistant.answer("What did Honda's CEO say about restarting merger talks with Nissan?")
    assert a.status in ("partial", "not_covered") and a.short_answer == ""


def test_a_figure_the_sentence_goes_past_does_not_block_or_take_the_bold_answer(real_assistant):
    # The platform's "not simply 200,000 models" is quoted beside "more than 10 new models":
    # 200,000 once led in bold, then blocked any bold answer as a disagreeing figure; a figure
    # the sentence goes past offers nothing, so the count leads.
    a = real_assistant.answer("How many new models is Nissan launching in North America?")
    assert a.status == "answered" and a.short_answer == "greater than 10"
    assert "greater than 10 new and refreshed fashions" in a.text


def test_a_figure_the_quotes_agree_on_still_leads(real_assistant):
    a = real_assistant.answer("When does the new Nissan CEO take over?")
    assert a.status == "answered" and a.short_answer == "April 1st"
    assert a.text.startswith("April 1st [1]")


@pytest.mark.parametrize("question", ["when does espinosa start", "nissans new ceo, when does he start"])
def test_a_date_quoted_beside_the_best_sentence_answers_and_leads(real_assistant, question):
    # The best sentence speaks of Espinosa's approach or "a fresh face in the CEO seat" and
    # holds no date; the one quoted beside it gives April 1st. Both were not covered
    # (confidence 0.04 and 0.06), measured answered (0.81 and 0.86), April 1st quoted first.
    a = real_assistant.answer(question)
    assert a.status == "answered" and a.short_answer == ""
    assert a.text.startswith("> And now, with incoming CEO Ivan Espinosa taking the reins on April 1st")


def test_a_person_quoted_beside_the_best_sentence_answers_who(real_assistant):
    # The best sentence ("Executives confirmed ... shared platforms") names nobody; the one
    # quoted beside it names Pandikuthira: it was not covered (0.04), measured answered (0.81),
    # his sentence first. (No bold name since six sentences are quoted: one of them offers
    # "the Renault-Mitsubishi Alliance", and quotes that offer two answers assert neither.)
    a = real_assistant.answer("Who explained the benefit of the shared platform, and what is his role?")
    assert a.status == "answered" and a.short_answer in ("", "Ponz Pandikuthira")
    assert a.text.split("\n")[0 if not a.short_answer else 2].startswith("> “For those who develop a typical platform")


@pytest.mark.parametrize("question", ["who heads planning in north america",
                                      "who is in charge of planning in north america"])
def test_whoever_leads_a_function_is_the_officer_titled_for_it(real_assistant, question):
    # "heads" and "in charge" asked for a CEO; the article's Chief Planning Officer fits:
    # both were not covered (0.02), measured answered (0.73 and 0.75)
    a = real_assistant.answer(question)
    assert a.status == "answered" and a.short_answer == "Ponz Pandikuthira"


@pytest.mark.parametrize("question", ["who runs nissan", "who leads nissan", "who is nissans ceo"])
def test_the_outgoing_ceo_is_no_bold_answer_when_no_side_is_asked(real_assistant, question):
    # each led with **Makoto Uchida**, written "outgoing CEO"; the quote now speaks alone
    a = real_assistant.answer(question)
    assert a.status == "answered" and a.short_answer == "" and "outgoing CEO Makoto Uchida" in a.text


@pytest.mark.parametrize("question", ["whos running nissan now", "who is the current ceo of nissan"])
def test_a_handover_asked_of_with_no_side_is_quoted_not_settled_in_bold(real_assistant, question):
    # "now" and "current" take no side of a handover the article dates April 1st: Uchida is
    # outgoing and Espinosa incoming as it is written. "whos running nissan now" led with
    # **Ivan Espinosa** (the incoming CEO got the bold once the outgoing one was ruled out);
    # the quote that marks the handover now speaks alone
    a = real_assistant.answer(question)
    assert a.status == "answered" and a.short_answer == ""
    assert ("incoming CEO Ivan Espinosa taking the reins on April 1st" in a.text
            or "outgoing CEO Makoto Uchida" in a.text)


@pytest.mark.parametrize("question", ["what is hondas market cap", "whats nissans stock price"])
def test_a_market_value_the_article_never_gives_is_not_answered(real_assistant, question):
    # "what is hondas market cap" was answered with the merger sentences (confidence 0.7) in a
    # try of the web UI: it asked for no kind of answer; asked for an amount, none is quoted
    a = real_assistant.answer(question)
    assert a.status == "not_covered" and a.short_answer == ""


def test_a_figure_asked_of_the_wrong_company_is_not_answered_in_full(real_assistant):
    # answered (0.87) with Nissan's "greater than 10 new and refreshed fashions ... by FY26":
    # the sentence giving the figure never says Honda. Partial, the quote shown as such.
    a = real_assistant.answer("How many models is Honda launching in North America by FY26?")
    assert a.status == "partial" and a.short_answer == ""
    a = real_assistant.answer("how many new models in north america by fy26")
    assert a.status == "answered" and a.short_answer == "greater than 10"


def test_two_questions_in_one_are_answered_part_by_part(real_assistant):
    # not covered as a whole (the April 1st passage was not among the six read for both
    # halves at once; confidence 0.04): each part is answered, the second as a follow-up of
    # the first, and both quoted. No bold: one answer in bold cannot hold two.
    a = real_assistant.answer("who is nissans new ceo and when does he start")
    assert a.status == "answered" and a.short_answer == ""
    assert a.text.startswith("> And now, with incoming CEO Ivan Espinosa taking the reins on April 1st")


@pytest.mark.parametrize("question", ["who is hondas ceo and what did he say abt nissan",
                                      "Who is Honda's CEO and when does he start?"])
def test_a_trap_asked_in_two_parts_is_not_covered(real_assistant, question):
    # "who is hondas ceo": the article never names him. The second half, read as its
    # follow-up, quoted Nissan's officer on Honda, or when Nissan's new CEO starts (partial,
    # quoting April 1st): with the first not covered, a second whose best sentence does not
    # hold "Honda's CEO" answers nothing of it
    a = real_assistant.answer(question)
    assert a.status == "not_covered" and a.short_answer == "" and not a.citations


@pytest.mark.parametrize("question, name", [
    ("Who's in charge of Nissan's North America planning?", "Ponz Pandikuthira"),
    ("Who is the head of Nissan North America?", ""),  # led with him: he plans for North America, not heads it
])
def test_whoever_heads_a_function_is_told_from_whoever_heads_a_unit(real_assistant, question, name):
    assert real_assistant.answer(question).short_answer == name


@pytest.mark.parametrize("question, short", [
    ("With Honda talks back on, when does Nissan's new CEO start?", "April 1st"),  # was partial
    ("Now that Honda is talking again, who is Nissan's new CEO?", "Ivan Espinosa"),  # was not covered (0.04)
])
def test_a_name_in_a_clause_setting_the_scene_is_no_constraint(real_assistant, question, short):
    a = real_assistant.answer(question)
    assert a.status == "answered" and a.short_answer == short


@pytest.mark.parametrize("question", [
    "how old is espinosa",  # was answered (0.89) with quotes on his stance, in a newcomer's try of the web UI
    "what does nissan pay its ceo",  # was answered with the Foxconn sentence, in the last try of the web UI
])
def test_a_figure_the_article_does_not_give_is_not_answered(real_assistant, question):
    assert real_assistant.answer(question).status != "answered"


@pytest.mark.parametrize("question", [
    # each was answered (0.62-0.95) with a sentence on the topic and no figure or date: the
    # everyday ways to ask for a price, a share, a length of time or a date were no kind
    "what will the new leaf set me back", "how pricey is the leaf", "release date of the new leaf?",
    "whats nissans market share", "what's renault's stake in nissan", "how long has uchida been ceo",
    "what are they paying espinosa",
    # from a tester's 70 traps in round 9 (a helper with the fact sheet only)
    "What year does Espinosa become CEO?",  # answered (0.93) with "April 1st": no year
    "What did a Honda spokesperson say in response to Cartier?",  # answered with Cartier's quote
])
def test_a_price_share_year_or_spokesperson_the_article_does_not_give_is_not_answered(real_assistant, question):
    assert real_assistant.answer(question).status != "answered"


@pytest.mark.parametrize("question, name", [
    ("what's the name of nissan's new ceo", "Ivan Espinosa"),  # was not covered (0.10)
    ("whats the new ceos name", "Ivan Espinosa"),
    ("name of the guy replacing uchida?", "Ivan Espinosa"),  # quoted Uchida's sentence, no name
    ("what is the outgoing ceo called", "Makoto Uchida"),
])
def test_a_persons_name_asked_without_who_is_given(real_assistant, question, name):
    a = real_assistant.answer(question)
    assert a.status == "answered" and a.short_answer == name


@pytest.mark.parametrize("history_question", ["", "who is the new ceo?", "what did uchida refuse?"])
def test_whats_his_name_never_names_someone_the_conversation_did_not(real_assistant, history_question):
    # round 9's review: once "his name" asked for a person, read as "who is his", the bare
    # words went over the bar and put **Ponz Pandikuthira** or **Guillaume Cartier** in bold
    history = conversation(real_assistant, history_question) if history_question else None
    a = real_assistant.answer("whats his name", history=history)
    assert a.short_answer not in ("Ponz Pandikuthira", "Guillaume Cartier")


@pytest.mark.parametrize("question", [
    "who replaced cartier",  # led with **Ivan Espinosa**: the article says nobody replaces Cartier
    "cartier is out, who replaces him",
    "which chief said no-taboo?",  # led with **Guillaume Cartier**; Espinosa said it
    "what's the name of the platform the new ceo mentioned?",  # led with **Ivan Espinosa**
    "wut year does espinosa become ceo?",  # led with **April 1st**: no year
    "how long is the road to a merger?",  # led with **2**, of "the 2 corporations"
])
def test_the_review_s_wrong_bold_answers_are_gone(real_assistant, question):
    assert real_assistant.answer(question).short_answer == ""


@pytest.mark.parametrize("question", ["What do analysts think of Nissan's new product plan?",
                                      # partial by the model alone: it had no note saying why
                                      "what do analysts think of the product plan"])
def test_a_view_of_a_group_the_article_never_mentions_is_not_answered(real_assistant, question):
    a = real_assistant.answer(question)
    assert a.status != "answered" and "analysts" in a.notice


@pytest.mark.parametrize("question", [
    "Should I buy Nissan shares now?",  # answered (0.7) with the Foxconn and Honda sentence, round 9
    "Do you think Espinosa will succeed?",  # round 10's testers: answered in full
    "hey is nissan gonna be ok",
])
def test_advice_is_not_answered_as_if_the_article_gave_it(real_assistant, question):
    a = real_assistant.answer(question)
    assert a.status != "answered" and a.short_answer == "" and "no advice or verdict" in a.notice


def test_a_topic_change_said_outright_is_answered_on_its_own(real_assistant):
    # was partial (0.45): "ok switching topics" was searched too, and the e-POWER turn before it
    history = conversation(real_assistant, "what does e-power not need?")
    a = real_assistant.answer("ok, switching topics - how many NA models by FY26?", history=history)
    assert a.status == "answered" and "greater than 10 new" in a.text.split("\n")[0]


@pytest.mark.parametrize("question", ["how soon does espinosa take over", "how long until espinosa takes over"])
def test_how_soon_asks_for_the_date(real_assistant, question):
    # quoted the right sentence, but with no date in bold: "how soon" asked for no kind
    a = real_assistant.answer(question)
    assert a.status == "answered" and a.short_answer == "April 1st"


@pytest.mark.parametrize("question", ["hi", "asdfgh qwerty"])
def test_words_the_article_never_uses_are_not_covered(real_assistant, question):
    # were partial (0.26, over the 0.25 bar): "the article touches on this" with no word in common
    a = real_assistant.answer(question)
    assert a.status == "not_covered" and not a.citations


def test_a_body_is_no_leader(real_assistant):
    # led with **Renault-Mitsubishi Alliance**: "who is leading" was no leader word ("who's leading" was)
    assert real_assistant.answer("Who is leading Nissan's partnership push?").short_answer == ""


def test_a_when_clause_setting_the_scene_asks_no_date(real_assistant):
    # led with **April 1st** in bold: the opening "When" was read as asking a date
    a = real_assistant.answer("When Espinosa takes over, what will change?")
    assert a.short_answer == ""


def test_a_number_counting_something_else_does_not_answer_how_many(real_assistant):
    # "The 2 corporations are actively collaborating on a number of fronts" holds a number and
    # is quoted, but shares no word with the question: measured not covered (0.02).
    a = real_assistant.answer("Which factories is Nissan closing and how many jobs are being cut?")
    assert a.status != "answered" and a.short_answer == ""


def test_the_sentence_naming_the_person_who_fits_is_quoted_first(real_assistant):
    # The selection model ranks the outgoing CEO's sentence first; the short answer's own
    # sentence is moved to the top, so [1] is the sentence that says "incoming".
    a = real_assistant.answer("Who is Nissan's new CEO?")
    assert a.short_answer == "Ivan Espinosa"
    assert a.text.split("\n")[2].startswith("> And now, with incoming CEO Ivan Espinosa")


def test_the_e_power_figure_is_found(real_assistant):
    a = real_assistant.answer("How much does the third-generation e-POWER improve fuel economy?")
    assert a.status == "answered" and "15%" in a.text
    assert any("15%" in ARTICLE.read_text(encoding="utf-8")[s:e] for c in a.citations for s, e in c.sentences)


def test_a_hurried_e_power_question_is_not_declared_not_covered(real_assistant):
    # "mpg" asks a figure; the article gives it as a share ("as much as 15%"), which counts.
    a = real_assistant.answer("whats the epower mpg gain")
    assert a.status in ("answered", "partial") and "15%" in a.text
    assert "15%" in ARTICLE.read_text(encoding="utf-8")[slice(*a.citations[0].sentences[0])]


@pytest.mark.parametrize("question", ["What was Espinosa's role before he got the CEO job?",
                                      "what job did espinosa have before becoming chief executive",
                                      "what did espinosa do before becoming chief executive"])
def test_a_job_the_article_does_not_give_is_not_answered_with_the_one_it_does(real_assistant, question):
    # "incoming CEO Ivan Espinosa" gives the job the question already holds, not the one before it
    assert real_assistant.answer(question).status != "answered"


@pytest.mark.parametrize("question", ["Is Toyota also planning a platform-sharing deal for large SUVs?",
                                      "What did Volkswagen's CEO say about Nissan?"])
def test_a_company_the_article_never_names_is_never_answered_in_full(real_assistant, question):
    # "Is Toyota also planning ..." was answered (0.92) with the Nissan-Honda platform sentence
    a = real_assistant.answer(question)
    assert a.status in ("partial", "not_covered") and a.short_answer == ""
    if a.status == "partial":  # the reader is told why it is only partly covered
        assert re.search(r"never mentions (Toyota|Volkswagen)", a.notice)


def test_a_named_persons_title_is_answered(real_assistant):
    assert answer_kind("whats cartiers job title") == "title"
    a = real_assistant.answer("whats cartiers job title")
    assert a.status == "answered" and "Chief Efficiency Officer" in a.text.split("\n")[0]


def test_foxconn_is_found(real_assistant):
    a = real_assistant.answer("Which technology supplier has expressed interest in cooperating with Nissan?")
    assert a.status == "answered" and "Foxconn" in a.text


def test_the_api_contract(real_assistant):
    a = real_assistant.answer("Who is taking over as Nissan's CEO?")
    assert a.status == "answered" and a.answerable
    source = ARTICLE.read_text(encoding="utf-8")
    for n, c in enumerate(a.citations, 1):
        assert f"[{n}]" in a.text
        assert c.source == ARTICLE.name and source[c.start:c.end] == c.text
        assert isinstance(c.score, float) and c.sentences
        for s, e in c.sentences:
            assert c.start <= s < e <= c.end and source[s:e] in a.text
    assert set(int(m) for m in re.findall(r"\[(\d+)\]", a.text)) == set(range(1, len(a.citations) + 1))


def test_a_followup_is_completed_from_what_it_refers_to(real_assistant):
    history = conversation(real_assistant, "Who is Nissan's incoming CEO?")
    a = real_assistant.answer("When does he take over?", history=history)
    assert a.status == "answered" and "April 1st" in a.text
    assert a.query.startswith("When does he take over?")  # the question first, then what it refers to
    assert "Who is" not in a.query  # not the whole previous question


def test_a_followup_on_the_former_ceo_finds_why_he_held_out(real_assistant):
    # "Who ran Nissan before this new fellow?" named nobody ("ran" was no leader word), so
    # "he" in the follow-up pointed nowhere and the answer missed Uchida's reported stance
    history = conversation(real_assistant, "Who ran Nissan before this new fellow?")
    assert history[-1]["content"].startswith("Makoto Uchida")
    a = real_assistant.answer("Why wouldn't he go along with a deal with Honda?", history=history)
    assert a.status == "answered" and "proof against any deal" in a.text


def test_by_how_much_asks_the_change_the_last_question_asked(real_assistant):
    # "By how much?" asks a figure; "better gas mileage" was asked the turn before, so the
    # "as much as 15% higher" sentence holds it (it was not covered)
    history = conversation(real_assistant, "Does the new e-POWER get better gas mileage?")
    a = real_assistant.answer("By how much?", history=history)
    assert a.status == "answered" and "15%" in a.text


def test_a_followup_its_own_words_answer_keeps_them(real_assistant):
    # Read with the CEO's name added, "they" found the 200,000-units quote and lost the bold
    # answer; "What about in India?" read with "models launching" quoted North America
    history = conversation(real_assistant, "Who is Nissan's new CEO?")
    a = real_assistant.answer("How many models are they launching in North America?", history=history)
    assert a.status == "answered" and a.short_answer == "greater than 10"
    history = conversation(real_assistant, "How many models is Nissan launching in North America?")
    a = real_assistant.answer("What about in India?", history=history)
    assert a.status == "answered" and "from India and LATAM" in a.citations[0].text


def test_a_measure_the_article_gives_no_figure_for_is_not_answered(real_assistant):
    # "range" asked no kind, so "improved vary" (no figure) answered "whats the range of the
    # new leaf" (a newcomer's question) and the Rogue's electric-only range (a blind trap)
    for q in ("whats the range of the new leaf", "What is the electric-only range of the Rogue plug-in hybrid?"):
        a = real_assistant.answer(q)
        assert a.status != "answered" and a.short_answer == "", q
    # a yes/no question about range still gets the LEAF sentence
    a = real_assistant.answer("does the new leaf have better range")
    assert a.status == "answered" and "improved vary" in a.text


def test_a_person_asked_of_must_be_the_one_the_quote_is_by(real_assistant):
    # "We never stopped talking to Honda" is Cartier's: it answered a question on what Uchida
    # told reporters (a blind trap); Espinosa's "no-taboo" quote says "he", named the
    # sentence before, and still answers; of two people offered, one is enough
    a = real_assistant.answer("What did Uchida tell reporters at the media roundtable about still talking with Honda?")
    assert a.status != "answered" and a.short_answer == ""
    assert real_assistant.answer("What did Espinosa say about partnerships?").status == "answered"
    a = real_assistant.answer("Was it Cartier or Pandikuthira who talked about going from 200,000 units to double?")
    assert a.status == "answered" and "Pandikuthira" in a.text
    # review, round 8: a full name is met by the surname alone; "did A or B" offers a choice too
    for q in ("What did Ivan Espinosa say about partnerships?",
              "Did Cartier or Pandikuthira talk about doubling 200,000 units?"):
        assert real_assistant.answer(q).status == "answered", q


def test_a_company_the_article_never_mentions_typed_in_lower_case_is_not_answered(real_assistant):
    # "who is toyota's ceo" was answered (0.82): a lower-case word was no name, so no role to
    # hold; the planning officer is still found for a function the article does name
    for q in ("who is toyota's ceo", "whos the ceo of toyota", "who is toyotas ceo"):
        a = real_assistant.answer(q)
        assert a.status == "not_covered" and a.short_answer == "", q
    a = real_assistant.answer("who is the head of planning at nissan north america")
    assert a.status == "answered" and a.short_answer == "Ponz Pandikuthira"
    # review, round 8: a misspelt name the article knows, and a time, are no unknown company
    assert real_assistant.answer("who is the ceo of nisan").status == "answered"
    assert real_assistant.answer("who is the new ceo at the moment").short_answer == "Ivan Espinosa"
    a = real_assistant.answer("who runs nissan north america planning")  # was not covered
    assert a.status == "answered" and a.short_answer == "Ponz Pandikuthira"


def test_a_speakers_quotation_is_quoted_whole(real_assistant):
    # Pandikuthira's quotation runs over two sentences and two passages; "why does a common
    # platform help" quoted its first half only, without "variable costs under control"
    a = real_assistant.answer("why does a common platform help")
    lines = a.text.split("\n")
    first = next(i for i, x in enumerate(lines) if "you’re doubling that." in x)
    assert "It helps deliver variable prices beneath management.”" in lines[first + 1]
    # and it is cited by its exact offsets, like every quoted sentence
    cited = [c.text[s - c.start : e - c.start] for c in a.citations for s, e in c.sentences]
    assert "It helps deliver variable prices beneath management.”" in cited
    # completing a quotation never quotes more than the answer stage's limit
    limit = real_assistant.params.answer.max_sentences
    for q in ("who's nissan's ceo", "who runs the show at nissan", "what did pandikuthira say"):
        assert real_assistant.answer(q).text.count("\n> ") + 1 <= limit, q


def test_a_word_the_article_also_writes_in_lower_case_is_no_name(real_assistant):
    # "Planning" (in "Chief Planning Officer") counted as a name "is it planning to sell" gives
    source = real_assistant.index.chunks[0].source
    assert real_assistant.asked_names("What is it planning to sell in India?", source) == ["India"]


def test_a_new_topic_is_not_glued_to_the_last_one(real_assistant):
    history = [{"role": "user", "content": "What charging port does the new LEAF get?"},
               {"role": "assistant", "content": "> ... NACS charging port. [1]"}]
    a = real_assistant.answer("Which alliance is Nissan already a member of?", history=history)
    assert a.query == "Which alliance is Nissan already a member of?"
    assert "Renault-Mitsubishi" in a.text


def test_a_short_new_topic_its_own_words_answer_is_not_glued_either(real_assistant):
    # In a newcomer's try of the web UI, "whats e-power" after a question on new models was
    # searched as "whats e-power new models nissan launching" and missed what e-POWER is:
    # a short question may lean on the last one, but when its own words answer it, they win
    history = conversation(real_assistant, "how many new models is nissan launching")
    a = real_assistant.answer("whats e-power", history=history)
    assert a.query == "whats e-power" and a.status == "answered" and "e-POWER" in a.text.split("\n")[0]
    # a fragment whose own words answer nothing is still completed ("By how much?")
    history = conversation(real_assistant, "Does the new e-POWER get better gas mileage?")
    assert "15%" in real_assistant.answer("By how much?", history=history).text


def test_not_covered_is_said_plainly_with_closest_passages(real_assistant):
    a = real_assistant.answer("What is the price of the new LEAF in dollars?")
    assert a.status in ("not_covered", "partial") and a.short_answer == ""
    assert "$" not in a.text


def test_a_person_below_the_best_sentence_must_fit_something_the_question_asks(real_assistant):
    # round 10's tester: after a question on AI, "who are they working with on that" led
    # with **Ponz Pandikuthira**, quoted on shared platforms: the question asks nothing of a
    # person (no title, side or name) and his sentence shares none of its words
    history = conversation(real_assistant, "whats the article say about AI")
    assert real_assistant.answer("who are they working with on that", history=history).short_answer == ""
    # a sentence below the best that fits the side asked still leads
    assert real_assistant.answer("Who ran Nissan before this new fellow?").short_answer == "Makoto Uchida"


def test_a_model_code_the_article_never_names_typed_in_lower_case_is_not_answered(real_assistant):
    # round 10's tester: "and the qx50?" after the QX80 and QX60 was answered with the
    # INFINITI line-up; a code of letters and digits is a name, however it is typed
    history = conversation(real_assistant, "whats new for the qx80")
    assert real_assistant.answer("and the qx50?", history=history).status != "answered"
    assert real_assistant.answer("and the qx60?", history=history).status == "answered"


@pytest.mark.parametrize("question", [
    # round 10's bold-answer hunters (helper sessions given only the fact sheet): each led
    # with a real figure, date or name of another case, event, company or role
    "How much better is e-POWER fuel economy in urban driving?",  # **as much as 15%**: freeway
    "What percentage improvement in city fuel economy does the new e-POWER deliver?",
    "How much better is second-generation e-POWER fuel economy?",  # the 15% is the third's
    "How many new models is Nissan launching in emerging markets by FY26?",  # **greater than 10**: NA's
    "How many models globally will Nissan launch by FY26?",
    "By when will the emerging-market models launch?",  # **FY26**: NA's
    "Who is Honda's chief planning officer?",  # **Guillaume Cartier**, Nissan's efficiency officer
    "According to reports, whose departure was the exact condition Honda had been waiting for?",  # Cartier
    "what date was the media roundtable",  # **April 1st**: the new CEO's start
])
def test_a_bold_answer_of_another_case_event_or_role_is_withheld(real_assistant, question):
    assert real_assistant.answer(question).short_answer == ""


def test_a_figure_the_question_s_topic_is_elsewhere_for_is_withheld_in_a_follow_up(real_assistant):
    history = conversation(real_assistant, "What did Pandikuthira say the volume goes to?")
    # led with **as much as 15%**, the e-POWER fuel economy claim
    assert real_assistant.answer("and how much does that save?", history=history).short_answer == ""


@pytest.mark.parametrize("question, short", [
    # the second review: words after "in"/"for" the article never uses, and a whole-world
    # word, beside the place the sentence names, had lost this bold answer
    ("How many new models for customers in North America?", "greater than 10"),
    ("How many models will Nissan launch in total in North America?", "greater than 10"),
    ("Of Nissan's worldwide launches, how many are in North America?", "greater than 10"),
    ("how much better mpg is the new epower on the hwy", "as much as 15%"),
    ("How much better on gas is Nissan's newest e-POWER, and is that in town or on the highway?", "as much as 15%"),
    ("how many new models in north america by fy26", "greater than 10"),
])
def test_a_bold_answer_of_the_case_asked_still_leads(real_assistant, question, short):
    assert real_assistant.answer(question).short_answer == short


@pytest.mark.parametrize("question, short", [
    # round 10's review (a helper comparing this round's code with 42f1a90 on 279 questions):
    # the first function-title check read "chief executive officer" and "head of the company"
    # as functions the article never titles anyone for, and "following the ceo's departure" as
    # asking for the one leaving; each had led with its right bold answer before
    ("who is the new chief executive officer at nissan", "Ivan Espinosa"),
    ("who is the outgoing chief executive officer", "Makoto Uchida"),
    ("who is the new head of the company", "Ivan Espinosa"),
    ("who is the head of north america planning", "Ponz Pandikuthira"),
    ("who takes over following the ceo's departure", "Ivan Espinosa"),
])
def test_a_title_or_a_leaving_that_only_dates_the_question_keeps_its_bold_answer(real_assistant, question, short):
    assert real_assistant.answer(question).short_answer == short


@pytest.mark.parametrize("question", [
    "how much better is the gen3 e-power",  # no model of a series the article writes codes for
    "what is the mk3 leaf built on",
    "what happens by fy2026",  # the article's FY26
    "do you think the article says what platform the leaf uses",  # asks what the article says
    "is there any good news about e-power",
])
def test_words_like_a_code_or_a_verdict_that_are_neither_stay_covered(real_assistant, question):
    # the review: each went not covered or partial under the first lower-case-code and verdict rules
    assert real_assistant.answer(question).status != "not_covered"
    assert "no advice or verdict" not in real_assistant.answer(question).notice


@pytest.mark.parametrize("question", [
    "How much better is e-POWER fuel economy in urban driving?",
    "How many models globally will Nissan launch by FY26?",
    "what date was the media roundtable",
    "When did the media roundtable take place?",  # "take" is shared with "taking the reins"
    "how many models in europe by fy26",  # led with **greater than 10**, North America's, in the UI
])
def test_a_figure_or_date_only_of_another_case_is_a_partial_answer(real_assistant, question):
    # round 10's try of the web UI: with the bold withheld these still said "answered", though
    # what the quotes offer is the freeway figure, North America's count, the CEO's start (the
    # hunters' and the UI's questions). "what date was the media roundtable" is not covered
    # since round 11's refit ranks the CEO's date second: the date is held back either way
    expected = ("partial", "not_covered") if "date was" in question else ("partial",)
    assert real_assistant.answer(question).status in expected


def test_someone_else_is_never_the_one_the_conversation_named(real_assistant):
    # round 10's last blind hunter: "Who else spoke there?" after a question on Cartier's remark
    # led with **Guillaume Cartier**
    history = conversation(real_assistant, "Where did Cartier make his remark about Honda?")
    assert real_assistant.answer("Who else spoke there?", history=history).short_answer == ""
    # asked who said it, the one the conversation named still leads
    history = conversation(real_assistant, "what did cartier say about honda")
    assert real_assistant.answer("who said that", history=history).short_answer == "Guillaume Cartier"


@pytest.mark.parametrize(("first", "then", "short"), [
    ("how much better is the mileage in the city with epower", "and on the freeway?", "as much as 15%"),
    ("who is the new ceo", "and the old one?", "Makoto Uchida"),
])
def test_a_fragment_follow_up_asks_what_the_last_question_asked(real_assistant, first, then, short):
    # were answered with the right quote and nothing in bold: the fragment asks for no kind
    a = real_assistant.answer(then, history=conversation(real_assistant, first))
    assert a.status == "answered" and a.short_answer == short


@pytest.mark.parametrize("first", ["merger talks fizzled?", "foxconn interested in nissan?"])
def test_a_bare_when_is_asked_of_what_it_follows(real_assistant, first):
    # led with the new CEO's April 1st: "when?" alone found the article's only date
    a = real_assistant.answer("when?", history=conversation(real_assistant, first))
    assert a.status != "answered" and a.short_answer == ""


def _asked(assistant, *questions: str):
    history: list[dict] = []
    for q in questions[:-1]:
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": assistant.answer(q, history).text}]
    return assistant.answer(questions[-1], history=history)


def test_when_after_a_run_of_follow_ups_is_asked_of_their_topic(real_assistant):
    a = _asked(real_assistant, "nissan still talking to honda?", "who said that?", "where did he say it?", "when?")
    assert a.status != "answered" and a.short_answer == ""  # the roundtable is undated; was April 1st


def test_who_is_he_again_reads_back_to_the_person_talked_of(real_assistant):
    a = _asked(real_assistant, "what did pandikuthira say", "why?", "who is he again")
    assert a.short_answer == "Ponz Pandikuthira"  # quoted Espinosa and Uchida before


def test_a_person_who_only_spoke_of_the_topic_is_no_answer_to_who_does_it(real_assistant):
    a = _asked(real_assistant, "nissan honda merger happening?", "why not?", "who wants it?")
    assert a.short_answer == ""  # was Ponz Pandikuthira, then Guillaume Cartier


@pytest.mark.parametrize(("question", "name", "first"), [
    ("who said no taboo", "Ivan Espinosa", "Espinosa has made it clear"),
    ("who is the no taboo guy", "Ivan Espinosa", "Espinosa has made it clear"),
    ("who said it helps keep variable costs under control", "Ponz Pandikuthira", "Ponz Pandikuthira"),
])
def test_who_he_is_in_a_quote_is_read_from_the_sentence_before(real_assistant, question, name, first):
    # were not covered: "... ,” he said." and "It helps ... control.”" name no one
    a = real_assistant.answer(question)
    quotes = [line for line in a.text.splitlines() if line.startswith(">")]
    assert a.short_answer == name and first in quotes[0]  # the quote naming them comes first


def test_who_he_is_in_a_sentence_found_for_its_he_alone_is_no_answer(real_assistant):
    # "who is he" after a quote of Pandikuthira's found the "no-taboo ..., he said" sentence
    # by its "he", and named its speaker, Espinosa, in bold
    a = _asked(real_assistant, "ponz pandikuthira quote", "why does that matter", "who is he")
    assert a.short_answer in ("", "Ponz Pandikuthira")


def test_a_figure_from_a_sentence_sharing_no_word_with_the_question_is_not_an_answer(real_assistant):
    # was answered, quoting the platform's "200,000 models": it holds a figure, of something else
    a = real_assistant.answer("How many jobs will Nissan cut?")
    assert a.status != "answered" and a.short_answer == ""


@pytest.mark.parametrize(("turns", "short"), [
    (("partnerships", "with who?"), ""),  # was Ivan Espinosa: he spoke of partnerships, a partner is asked
    (("honda most natural partner?", "who says?"), ""),  # was Guillaume Cartier: the claim is the writer's
    (("nissan still talking to honda?", "who said that?"), "Guillaume Cartier"),  # of the quotes just shown
    (("who said we never stopped talking to honda", "and the no taboo thing?"), "Ivan Espinosa"),
    (("who said we never stopped talking to honda", "and the no taboo thing?", "and the variable costs line?"),
     "Ponz Pandikuthira"),  # was no bold, quoting Espinosa: the last answer's name was searched too
])
def test_who_said_that_is_asked_of_what_the_conversation_points_at(real_assistant, turns, short):
    assert _asked(real_assistant, *turns).short_answer == short


@pytest.mark.parametrize(("turns", "short", "answered"), [
    (("who said \"I've a no-taboo approach to partnerships\"",), "Ivan Espinosa", True),  # "I've" typed, "I’ve" written
    (("whos leaving nissan",), "Makoto Uchida", True),  # was not covered: "leaving" shares no word with "outgoing"
    (("who said honda is the most natural fit",), "", True),  # was Cartier: the writer's own claim
    (("who said sharing suv platforms is logical",), "", True),  # was Pandikuthira: "executives confirmed"
    (("how is the leaf changing", "and range?", "how much?"), "", False),  # was "greater than 10" (models)
])
def test_review_findings_on_who_said_and_bare_follow_ups(real_assistant, turns, short, answered):
    a = _asked(real_assistant, *turns)
    assert a.short_answer == short and (a.status == "answered") is answered


@pytest.mark.parametrize(("question", "short"), [
    ("When does Espinosa step down?", ""),  # were April 1st: the date he takes the reins
    ("When does Nissan's new boss leave office?", ""),
    ("How many models is Nissan cutting in North America by FY26?", ""),  # was "greater than 10" (launches)
    ("What is the title of the Nissan exec who said they never stopped talking to Honda?", ""),  # was Cartier
    ("when does espinosa take over", "April 1st"),
    ("How much worse is fuel economy at highway speeds with e-POWER?", ""),  # was "as much as 15%" (better)
])
def test_the_second_hunters_wrong_bold_answers_are_gone(real_assistant, question, short):
    assert real_assistant.answer(question).short_answer == short


@pytest.mark.parametrize("question", ["Who was Honda waiting on?", "Who is less flexible than the new boss?"])
def test_a_person_beside_the_one_asked_of_is_no_bold_answer(real_assistant, question):
    # "Who was Honda waiting on?" led with Cartier ("We never stopped talking to Honda") beside
    # "With Uchida's resignation, the condition Honda was waiting on"; the less flexible one
    # with Espinosa, the new boss himself
    assert real_assistant.answer(question).short_answer not in ("Guillaume Cartier", "Ivan Espinosa")


@pytest.mark.parametrize("question", ["summarize the article", "tl;dr of this article pls", "main points?",
                                      "Could you provide an overview of the piece?"])
def test_a_summary_asked_for_is_the_opening_sentence_of_each_section(real_assistant, question):
    # "summarize the article" was not covered, "give me a summary" partial with a quote on e-POWER
    a = real_assistant.answer(question)
    quotes = [line for line in a.text.splitlines() if line.startswith("> ")]
    assert a.status == "answered" and len(quotes) == 7 and "overview" in a.notice
    assert quotes[0].startswith("> Nissan is entering into an important turning level")


@pytest.mark.parametrize("question", ["Who has expressed interest in cooperating with Nissan?",
                                      "who wants to work with nissan besides honda"])
def test_who_asked_of_a_company_is_answered_with_the_company_quoted(real_assistant, question):
    # were not covered: "who" asked for a person and the Foxconn sentence names none; then
    # the second led with Makoto Uchida, named by surname in a sentence ranked fourth
    a = real_assistant.answer(question)
    assert a.status == "answered" and a.short_answer == "" and "Foxconn" in a.text.split("\n")[0]


def test_a_name_read_off_a_surname_below_the_best_sentence_is_no_bold_answer(real_assistant):
    # led with Makoto Uchida from "With Uchida's resignation ...": who ended the talks is not said
    assert real_assistant.answer("Who ended the merger talks?").short_answer == ""


@pytest.mark.parametrize(("turns", "status", "short"), [
    (("What's the price of the new LEAF?", "and its range?"), None, ""),  # was "greater than 10"
    (("Who ended the merger talks?",), "not_covered", ""),  # answered once "who" could ask for a company
    (("Who killed the merger talks?",), "not_covered", ""),
    (("what is nissan launching in north america", "and in india?"), "answered", ""),
])
def test_the_second_reviews_findings(real_assistant, turns, status, short):
    a = _asked(real_assistant, *turns)
    assert a.short_answer == short and (status is None or a.status == status)
    if turns[-1] == "and in india?":
        assert "India" in a.text.split("\n")[0]  # quoted North America's count first


def test_he_after_a_reply_with_no_bold_answer_is_the_person_it_quoted_first(real_assistant):
    # quoted Espinosa's "partnerships aren't a fallback": "he" had nothing to point to
    a = _asked(real_assistant, "ponz pandikuthira quote", "why does that matter", "who is he")
    assert "Ponz Pandikuthira" in a.text.split("\n")[0]


def test_whos_he_replacing_typed_in_a_hurry_asks_for_the_one_going(real_assistant):
    # the final web UI check: no bold answer, "whos" was not read as "who is"
    a = _asked(real_assistant, "nissan new ceo name?", "whens he start", "whos he replacing")
    assert a.short_answer == "Makoto Uchida"
