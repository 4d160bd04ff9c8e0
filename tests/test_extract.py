"""Short answers: the asked-for kind, led only when its sentence supports it."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.cases import another_place, differs_in_case
from assistant.extract import answer_kind, as_meant, candidates, has_kind, lead_answer, supports, window
from assistant.roles import (
    constrains_person,
    holder_words,
    holds_roles,
    is_title,
    mentions,
    names_met,
    role_holders,
    roles_met,
    viewers,
)

SENTENCES = [
    "The board thanked departing chairman Alan Brooks, who led the firm for a decade.",
    "Incoming chairman Maria Lopez starts on March 3rd, 2027, with a budget of $4.5 billion.",
    "Sales rose by as much as 12% in Europe, and more than 40 stores will open by FY27.",
]


class WordReranker:
    """Scores a pair 0.9 when the text holds ``word``, else 0.1: a stand-in that makes the
    choice among candidates visible."""

    def __init__(self, word: str) -> None:
        self.word = word.lower()
        self.seen: list[str] = []

    def score(self, questions, texts):
        self.seen += list(texts)
        return np.array([0.9 if self.word in t.lower() else 0.1 for t in texts], dtype=np.float32)


@pytest.mark.parametrize("question, kind", [
    ("Who will lead the company?", "person"),
    ("When does she start?", "date"),
    ("How many stores will open?", "number"),
    ("How much did sales rise in percent?", "percent"),
    ("How much does the plan cost?", "money"),
    ("whats the new bike gonna cost", "money"),
    ("How much horsepower does it have?", "number"),
    ("Why did the talks stop?", ""),
    ("and when does the store open", "date"),
    ("the museum reopens when?", "date"),
    ("Does it use less fuel when you drive on the highway?", ""),  # "when" in a clause asks no date
    ("Any idea when the museum reopens?", "date"),
    ("Who, as of April, leads the bank?", "person"),
    ("what is acmes market cap", "money"),  # an amount of money: was asked of no kind, and answered
    ("whats the share price now", "money"),
    ("What are Acme's market capabilities?", ""),  # was money: "market cap" read into "capabilities"
    ("Who said Acme's stock price was falling?", "person"),  # was money: a money word is the topic
    ("When will the price be announced?", "date"),
    ("what does acme pay its ceo", "money"),  # was no kind: answered with a quote on a supplier
    ("How much is Acme spending more than it earns?", "money"),  # was a share: led with a fuel-economy 15%
    ("What is the title of the Acme exec who said sales fell?", "title"),  # was person: bolded the name
    ("who is roes successor", "person"),  # was no kind: read as asking who "roes successor" is
    ("who is jo roe", ""),
    ("how much more will the mall earn", "money"),
    ("what does the car charge with", ""),  # charging, not a price
    ("how old is roe", "number"),  # an age: was asked of no kind, and answered with quotes about her
    ("When Roe takes over, what will change?", ""),  # was a date: the "when" sets the scene
    ("When Roe takes over, who will she replace?", "person"),
    # a measure asked for by name: was no kind, and "the Roe 5's range?" was answered with a
    # sentence promising "improved range" and no figure
    ("whats the electric-only range of the Roe 5", "number"),
    ("roe 5 range?", "number"),
    ("whats its top speed", "number"),
    ("What range of deal structures is she open to?", ""),  # a variety, not a measure
    ("what is the range of engines on offer", ""),
    ("Besides range, what else does the new bike improve?", ""),
    # review, round 8: a yes/no question, a product range, a kind of change, a figurative weight
    ("is the roe 5s range improved", ""),
    ("the roe 5 range is better right?", ""),
    ("what is acme's product range", ""),
    ("what kind of range improvements does the roe 5 get", ""),
    ("what weight does roe give to the talks", ""),
    ("top speed of the roe 5?", "number"),
])
def test_the_question_says_which_kind_it_wants(question, kind):
    assert answer_kind(question) == kind


@pytest.mark.parametrize("question, sentence, expected", [
    ("When does the incoming chairman start?", 1, ["March 3rd, 2027"]),
    ("How many stores will open?", 2, ["more than 40"]),
    ("By how many percent did sales rise?", 2, ["as much as 12%"]),
    ("What budget in dollars does the plan cost?", 1, ["$4.5 billion"]),
    ("Who leads the board?", 0, ["Alan Brooks"]),
    ("Who is Maria Lopez?", 1, []),  # the question already holds it
])
def test_each_kind_is_read_off_the_sentence(question, sentence, expected):
    found = [c for _, _, c in candidates(question, SENTENCES[sentence], answer_kind(question))]
    assert found == expected


def test_the_window_is_the_candidate_with_its_neighbouring_words():
    s = SENTENCES[0]
    start = s.index("Alan Brooks")
    assert window(s, start, start + len("Alan Brooks")) == (
        "The board thanked departing chairman Alan Brooks, who led the firm for a decade.")
    long = " ".join(f"w{i}" for i in range(30)) + " Jane Roe " + " ".join(f"v{i}" for i in range(30))
    start = long.index("Jane Roe")
    assert window(long, start, start + 8).split() == [f"w{i}" for i in range(22, 30)] + ["Jane", "Roe"] + [
        f"v{i}" for i in range(8)]
    assert window("Jane Roe", 0, 8) == "Jane Roe"


BOTH = "Incoming chair Maria Lopez replaces departing chair Alan Brooks on March 3rd."


def test_the_best_supported_candidate_leads_not_the_first():
    reranker = WordReranker("incoming")
    assert lead_answer("Who is the new chair?", "q", BOTH, reranker, []) == "Maria Lopez"
    assert len(reranker.seen) == 1  # "departing chair Alan Brooks" was ruled out before weighing


@pytest.mark.parametrize("question, expected", [
    ("Who is the incoming chair?", "Maria Lopez"),
    ("Who is the outgoing chair?", "Alan Brooks"),
    ("Who is the departing chair?", "Alan Brooks"),
])
def test_the_side_of_a_handover_the_question_asks_about(question, expected):
    assert lead_answer(question, "q", BOTH, WordReranker("chair"), []) == expected


def test_the_job_title_asked_about_must_stand_by_the_name():
    s = "Chief Planning Officer Ponz Doe said volumes would double."
    assert lead_answer("Who is the CEO?", "q", s, WordReranker("officer"), []) == ""
    assert lead_answer("Who is the chief executive?", "q", s, WordReranker("officer"), []) == ""
    assert lead_answer("Who spoke about volumes?", "q", s, WordReranker("officer"), []) == "Ponz Doe"
    assert roles_met("Who is the CEO?", "new CEO Jane Roe") and roles_met("who is the chief executive", "CEO Jane Roe")


def test_no_short_answer_when_no_candidate_is_supported():
    assert lead_answer("Who is the new chair?", "q", BOTH, WordReranker("nothing holds this"), []) == ""


def test_no_short_answer_from_a_sentence_without_a_name_the_question_gives():
    # "Who is Corvane's chair?": the sentence does not name Corvane, so nobody here is its chair.
    assert lead_answer("Who is Corvane's chair?", "q", BOTH, WordReranker("chair"), ["Corvane"]) == ""
    assert names_met(["Europe"], SENTENCES[2]) and not names_met(["Europe"], SENTENCES[1])


def test_no_short_answer_for_a_yes_no_question_or_a_figure_it_already_gives():
    assert lead_answer("Is that 12% gain for Europe?", "q", SENTENCES[2], WordReranker("sales"), []) == ""
    assert lead_answer("Did sales rise by 12% or 40?", "q", SENTENCES[2], WordReranker("sales"), []) == ""
    assert [c for _, _, c in candidates("What rose 12%?", SENTENCES[2], "percent")] == []


def test_a_change_asked_for_may_be_met_by_a_share_but_a_figure_asked_for_may_not():
    # "what's the mpg gain" asks a figure ("mpg") as a change: "as much as 12%" gives it.
    mpg = "The new hybrid gets up to 12% better mileage, and more than 40 dealers sell it."
    assert answer_kind("whats the hybrid mpg gain") == "number"
    assert has_kind("number", ["Mileage rose by 12%."], "whats the hybrid mpg gain") is True
    assert has_kind("number", ["Mileage rose by 12%."], "how much cash does it burn") is False
    assert [c for _, _, c in candidates("whats the hybrid mpg gain", mpg, "number")] == ["up to 12%", "more than 40"]
    assert [c for _, _, c in candidates("how much cash is left", mpg, "number")] == ["more than 40"]


def test_an_either_or_clause_after_the_topic_is_no_question_for_a_short_answer():
    mileage = "The new hybrid gets up to 12% better mileage on the highway."
    assert lead_answer("whats the hybrid mpg gain", "q", mileage, None, []) == "up to 12%"
    assert lead_answer("hybrid mpg gain - is that city or highway", "q", mileage, None, []) == ""
    assert lead_answer("hybrid mpg gain—is that city or highway", "q", mileage, None, []) == ""
    # an aside between commas is no yes/no clause
    assert lead_answer("Who, as of April, is the chair?", "q", "Chair Jo Roe spoke in April.", None, []) == "Jo Roe"
    assert lead_answer("the hybrid mpg gain, is it over 10%?", "q", mileage, None, []) == ""


def test_a_who_question_offering_its_own_people_asks_for_no_new_name():
    assert answer_kind("Was it Jane Roe or John Doe who spoke first?") == ""
    assert answer_kind("was it roe or doe who spoke first") == ""
    assert answer_kind("whos the better partner tho, acme or corvane") == ""
    assert answer_kind("Who is the new chair or chief executive?") == "person"
    assert answer_kind("Who is the new Chair or CEO?") == "person"  # titles are no people to choose from


@pytest.mark.parametrize("question, kind", [
    ("Maria Lopez's title?", "title"),
    ("what's his job", "title"),
    ("What job did she have before she became chairman?", "title"),
    ("what is the job of the battery", ""),  # no one's job
    ("when does she take the top job", "date"),
    ("whats her job title", "title"),
    ("What was his role before he joined the bank?", "title"),
    ("Which job did she have before she became chair?", "title"),
    ("what did roe do before she became chair", "title"),
    ("What did the bank do before the crisis?", ""),  # no one's job
    ("What is the bank's position on interest rates?", ""),
    ("What role does the museum play in the city?", ""),
    ("What title did the club win in 2004?", ""),
])
def test_a_persons_job_title_is_a_kind_of_its_own(question, kind):
    assert answer_kind(question) == kind


def test_a_title_the_question_already_holds_answers_nothing():
    s = SENTENCES[1]  # "Incoming chairman Maria Lopez starts ..."
    assert [c for _, _, c in candidates("Maria Lopez's title?", s, "title")] == ["chairman"]
    assert candidates("What did Maria Lopez do before she became chairman?", s, "title") == []
    # in any form the title is written: "chief executive" is held by "CEO", "director" by "directors"
    assert candidates("her job before she became chief executive?", "New CEO Jo Roe starts today.", "title") == []
    assert candidates("her job before she was a director?", "The directors named Jo Roe.", "title") == []
    assert has_kind("title", [s], "what was her job before chairman") is False
    assert lead_answer("Maria Lopez's title?", "q", s, None, []) == ""  # quoted with her name, not in bold


def test_a_leader_asked_for_in_everyday_words_must_hold_a_top_title():
    # "who runs Honda?" led with Nissan's Chief Efficiency Officer, quoted saying "Honda"
    officer = "That is from the top: we never stopped talking to Corvane, said Acme's Chief Efficiency Officer Jo Roe."
    ceo = "Corvane CEO Max Poe said the talks go on."
    assert lead_answer("who runs corvane", "q", officer, None, []) == ""
    assert lead_answer("who runs corvane", "q", ceo, None, []) == "Max Poe"
    assert lead_answer("whos the boss at corvane", "q", officer, None, []) == ""
    assert role_holders("who is corvanes boss", ["Corvane"]) and not holds_roles(
        role_holders("who is corvanes boss", ["Corvane"]), officer)
    # "Corvane's own head man" was no role: Acme's officer answered what he said
    for q in ("What did Corvane's own head man say about the talks?", "whos the top guy at corvane"):
        assert role_holders(q, ["Corvane"]) and not holds_roles(role_holders(q, ["Corvane"]), officer), q
        assert holds_roles(role_holders(q, ["Corvane"]), ceo), q


def test_who_replaced_someone_is_met_by_a_sentence_that_does_not_repeat_them():
    # "who replaced uchida" was not covered: the sentence naming the incoming CEO does not
    # say "Uchida", and every name a question gives had to be in the answer's sentence
    s = "Now incoming chair Maria Lopez takes over on March 3rd."
    assert lead_answer("who replaced brooks", "q", s, None, ["Brooks"]) == "Maria Lopez"
    assert supports("who took over from alan brooks?", "q", s, ["Alan", "Brooks"])
    # the name still binds when the question asks of it otherwise
    assert lead_answer("who did corvane appoint as chair", "q", s, None, ["Corvane"]) == ""
    assert not supports("who is brooks replacing?", "q", s, ["Brooks"])
    # only the one replaced is let off: a company that constrains the answer still binds
    # (independent review, finding 5), and a name must be whole ("Brook" is not "Brooks")
    assert lead_answer("who replaced brooks as corvane's chair", "q", s, None, ["Brooks", "Corvane"]) == ""
    assert lead_answer("who replaced brooks as acme's chair", "q", "Now incoming Acme chair Maria Lopez takes over.",
                       None, ["Brooks", "Acme"]) == "Maria Lopez"
    assert lead_answer("who replaced brooks", "q", s, None, ["Brook"]) == ""


def test_whoever_leads_a_function_is_met_by_the_title_naming_it():
    # "who heads planning in north america" was not covered: the leader role asked for a CEO,
    # where the article names a Chief Planning Officer
    s = "If you share a platform, said Acme's Europe Chief Design Officer Ana Kay, you double volume."
    assert lead_answer("who heads design in europe", "q", s, None, []) == "Ana Kay"
    assert lead_answer("who is in charge of design", "q", s, None, []) == "Ana Kay"
    assert lead_answer("who runs corvane", "q", s, None, []) == ""  # a design chief does not run a company
    holders = role_holders("who is in charge of design", ["design"])  # a word the corpus capitalises
    assert holders and holds_roles(holders, s) and not holds_roles(holders, "Corvane CEO Max Poe spoke.")
    assert lead_answer("who heads design", "q", "The head of design, Ana Kay, spoke.", None, []) == "Ana Kay"


def test_only_the_function_asked_who_leads_is_matched_against_a_title():
    # any word of the question met a title's word: "who runs acme's business" was answered by
    # the Chief Business Officer, who does not run the company (independent review, finding 4)
    s = "Corvane's Chief Business Officer Ana Kay spoke."
    assert lead_answer("who runs acme's business", "q", s, None, []) == ""
    assert lead_answer("who is in charge of the business side", "q", s, None, []) == "Ana Kay"
    assert lead_answer("who heads business development", "q", s, None, []) == "Ana Kay"
    # "runs" a function asks who leads it ("who runs nissan north america planning" was not covered)
    planner = "Acme's Europe Chief Planning Officer Ana Kay spoke."
    assert lead_answer("who runs europe planning", "q", planner, None, []) == "Ana Kay"
    # a company named after "head of" is no function: its boss is not whoever heads a unit there
    unit = "Ana Kay, the head of Corvane Europe design, spoke."
    assert not holds_roles(role_holders("who is corvanes boss", ["Corvane"]), unit)


def test_who_is_leading_asks_for_a_leader():
    assert not roles_met("who is leading acme's partnership push?", "member of the Corvane Alliance")
    assert roles_met("who is leading acme now?", "incoming CEO Jo Roe")


def test_the_function_asked_runs_to_a_preposition_less_whose_it_is():
    s = "If you share a platform, said Acme's Europe Chief Design Officer Ana Kay, you double volume."
    # was not covered: only two words were read ("acme's europe"), not the function
    assert lead_answer("Who's in charge of Acme's Europe design?", "q", s, None, ["Acme", "Europe"]) == "Ana Kay"
    # the head of a named unit is whom the name is about, not a title naming it ("Europe")
    assert lead_answer("Who is the head of Acme Europe?", "q", s, None, ["Acme", "Europe"]) == ""
    labs = "Chief Corvane Labs Officer Ana Kay spoke."
    assert lead_answer("who is in charge of corvane", "q", labs, None, ["Corvane"]) == ""


def test_a_person_said_to_be_coming_in_is_no_bold_answer_to_a_question_taking_no_side_either():
    s = "Now incoming chair Maria Lopez takes over on March 3rd."
    assert lead_answer("who is the chair", "q", s, None, []) == ""
    assert lead_answer("who is the new chair", "q", s, None, []) == "Maria Lopez"
    assert lead_answer("who is the chair", "q", "Chair Maria Lopez spoke.", None, []) == "Maria Lopez"


def test_a_side_word_in_another_clause_says_nothing_of_the_role():
    s = "Before that, Max Poe ran the bike unit."
    assert lead_answer("who spoke of the bike unit", "q", s, None, []) == "Max Poe"
    assert lead_answer("who was the ceo before", "q", "Acme thanked outgoing CEO, Max Poe, for it.", None,
                       []) == "Max Poe"  # a title set off by a comma is still his


@pytest.mark.parametrize("word", ["quitting", "ousted", "exiting"])
def test_leaving_in_other_words(word):
    assert lead_answer("who is acme's ceo", "q", f"The {word} CEO Max Poe spoke.", None, []) == ""


@pytest.mark.parametrize("question", ["who ran acme before this new guy", "who led acme before kay",
                                      "who headed acme before the new one"])
def test_who_ran_a_company_before_asks_for_its_former_leader(question):
    # "Who ran Nissan before this new fellow?" led with no name: "ran" was no leader word, so
    # the Chief Planning Officer counted as much as the outgoing CEO, and "new" after
    # "before" read as asking for the incoming one too
    s = "Chief Planning Officer Ana Kay thanked outgoing CEO Max Poe and incoming CEO Jo Roe."
    assert lead_answer(question, "q", s, None, []) == "Max Poe"


def test_a_person_said_to_be_leaving_is_no_bold_answer_to_a_question_taking_no_side():
    # "who runs nissan" led with **Makoto Uchida**, "outgoing CEO" in the sentence
    s = "Kay looks more open than outgoing CEO Max Poe, who resisted any deal."
    assert lead_answer("who is acme's ceo", "q", s, None, []) == ""
    assert lead_answer("who runs acme", "q", s, None, []) == ""
    assert lead_answer("who was the ceo before", "q", s, None, []) == "Max Poe"
    assert lead_answer("who is the outgoing ceo", "q", s, None, []) == "Max Poe"
    assert lead_answer("who is acme's ceo", "q", "Acme CEO Max Poe spoke.", None, []) == "Max Poe"


def test_no_short_answer_from_a_figure_the_sentence_goes_past_or_adds_to():
    s = "You are not just selling 40,000 bikes a year, you are doubling that."
    assert lead_answer("how many bikes a year?", "q", s, None, []) == ""
    assert lead_answer("how many bikes a year?", "q", "They sell just 40,000 bikes a year.", None, []) == "40,000"
    # "not only X but also Y": X holds, but Y must not lead in its place
    both = "The museum holds not only 300 paintings but also 50 sculptures."
    assert lead_answer("How many paintings does the museum hold?", "q", both, None, []) == ""


def test_a_decimal_share_is_one_candidate_not_its_front():
    assert [c for _, _, c in candidates("how big was the deposit growth", "Deposits grew 2.5% last year.",
                                        "number")] == ["2.5%"]
    assert [c for _, _, c in candidates("how many cars", "It sold 15 percent more cars.", "number")] == []


def test_a_drop_is_a_change_too_but_a_name_is_not():
    assert has_kind("number", ["Visits fell 12%."], "how big a drop in visits was there") is True
    assert has_kind("number", ["Visits fell 12%."], "how many fewer visitors came") is True
    assert has_kind("number", ["Rates are 4%."], "How many members does the Savings Bank have?") is False


def test_no_short_answer_for_two_questions_in_one_or_none_asked():
    assert lead_answer("Who is the new chair and when does she start?", "q", BOTH, WordReranker("chair"), []) == ""
    assert lead_answer("Why did sales rise?", "q", SENTENCES[2], WordReranker("sales"), []) == ""


def test_without_a_reranker_only_an_unambiguous_candidate_leads():
    assert lead_answer("When does she start?", "q", BOTH, None, []) == "March 3rd"
    two = "Chair Maria Lopez met chair Alan Brooks in March."
    assert lead_answer("Who is in charge?", "q", two, None, []) == ""  # two names, nothing to weigh them
    # BOTH's chairs are one coming and one going: a question taking no side gets neither in
    # bold, the quote tells the handover (independent review: "Maria Lopez" led here)
    assert lead_answer("Who is in charge?", "q", BOTH, None, []) == ""


@pytest.mark.parametrize("question", ["What did Honda's CEO say?", "who is hondas ceo", "Who is the CEO of Honda?",
                                      "What does the Honda chief executive think?"])
def test_a_person_named_by_title_and_company(question):
    holders = role_holders(question, ["Honda"])
    assert [name for name, _ in holders] == ["honda"]
    # Coarse by design: a sentence with the title and the company anywhere in it counts.
    assert holds_roles(holders, "Nissan's outgoing CEO Makoto Uchida resisted a deal with Honda's board.")
    assert not holds_roles(holders, "Espinosa seems more flexible than outgoing CEO Makoto Uchida.")
    assert holds_roles(holders, "Honda CEO Toshihiro Mibe said talks went on.")


def test_a_title_not_tied_to_the_name_holds_no_one():
    # "the old CEO, Uchida, ... with Honda": the title belongs to Uchida, not to Honda
    assert role_holders("Why wouldn't the old CEO, Uchida, go for a deal with Honda?", ["Uchida", "Honda"]) == []
    assert holds_roles([], "any sentence")


def test_a_sentence_supports_a_person_only_with_the_title_side_and_names_asked():
    incoming = "And now, with incoming CEO Ivan Espinosa taking the reins on April 1st, talks may turn."
    outgoing = "Espinosa seems more flexible than outgoing CEO Makoto Uchida, who resisted any deal."
    assert supports("Who is Nissan's new CEO?", "Who is Nissan's new CEO?", incoming, [])
    assert not supports("Who is the outgoing CEO?", "Who is the outgoing CEO?", incoming, [])
    assert not supports("Who is the CEO of Honda?", "Who is the CEO of Honda?", outgoing, ["Honda"])
    assert not supports("Why did talks stall?", "Why did talks stall?", outgoing, [])  # no kind asked


@pytest.mark.parametrize("question, kind", [
    ("How big is the battery in the new Leaf, in kWh?", "number"),
    ("What size stake is Foxconn looking to take?", "number"),
    ("What's the EPA range in miles?", "number"),
    ("How far can it go on electric power alone?", "number"),
    ("How big a deal is the CEO handover?", ""),  # an idiom, not a size
    ("How big of a deal is the CEO handover?", ""),
    ("How far along are the talks with Honda?", ""),
    ("How fast is Nissan moving on electrification?", ""),
])
def test_a_size_distance_or_unit_asks_for_a_figure(question, kind):
    assert answer_kind(question) == kind


@pytest.mark.parametrize("question, kind", [
    ("what will the new roe 5 set me back", "money"),
    ("how pricey is it", "money"),
    ("whats the sticker on the roe 5", "money"),
    ("whats the msrp", "money"),
    ("what are they paying the new ceo", "money"),
    ("What are they paying off first?", ""),  # a debt paid off asks no amount
    ("whats acmes market share", "percent"),
    ("what's corvane's stake in acme", "percent"),
    ("What's at stake in the talks?", ""),
    ("jane roe's age?", "number"),
    ("how long has roe been ceo", "number"),
    ("how long until roe takes over", "date"),
    ("how soon does roe take over", "date"),
    ("release date of the roe 5?", "date"),
    ("whats the timeline for the new models", "date"),
    ("how fast does the roe 5 charge, kw?", "number"),  # answered (0.6) in a tester's try
    ("whats the charging speed", "number"),
    ("is the charging speed better?", ""),
    ("Is the lineup up to date?", ""),
    ("Is the old model out of date?", ""),
    ("is the design out-of-date?", ""),
    ("what is acme paying attention to in india?", ""),
    ("how will acme gain market share in india?", ""),
    ("what are the stakes in the talks?", ""),
    ("in today's age, what's acme's smartest move?", ""),
    ("how long is the road to a merger?", ""),
])
def test_a_price_share_age_duration_or_date_asked_in_everyday_words(question, kind):
    # each asked for nothing, so a sentence with no figure or date could answer it: "what will
    # the new leaf set me back" was answered (0.85) with the sentence naming the new LEAF
    assert answer_kind(question) == kind


@pytest.mark.parametrize("question, kind", [
    ("whats the new ceos name", "person"),
    ("what's the name of acme's new ceo", "person"),
    ("name of the guy replacing roe?", "person"),
    ("the new boss is called what", "person"),
    ("whats the name of the alliance", ""),  # a body, not a person
    # round 9's review: "which X" and "his name" were cues too, and put wrong names in bold
    ("which chief said no-taboo?", ""),
    ("which is the chief pillar of the product reboot?", ""),
    ("whats his name", ""),  # of whom: completed from the conversation
    ("the acme models, what are their names?", ""),
    ("what's the name of the platform the new ceo mentioned?", ""),
    ("what do people say about the deal", ""),
])
def test_a_persons_name_asked_without_who(question, kind):
    # each asked for nothing: no name in bold, and no check that a quote names the person
    assert answer_kind(question) == kind



def test_a_capitalised_common_word_or_possessive_is_no_part_of_a_name():
    sentence = "With Uchida’s resignation, incoming CEO Ivan Espinosa may reopen talks."
    assert [c for _, _, c in candidates("Who is the incoming CEO?", sentence, "person")] == ["Ivan Espinosa"]


def test_a_title_with_a_side_or_another_apostrophe_is_still_tied_to_the_name():
    assert [n for n, _ in role_holders("Who is Honda‘s outgoing CEO?", ["Honda"])] == ["honda"]
    assert [n for n, _ in role_holders("Who will be the incoming CEO of Honda?", ["Honda"])] == ["honda"]


@pytest.mark.parametrize("question, kind", [
    ("Who is Maria Lopez?", ""),  # a name given: asks who she is, not for a name
    ("who is maria lopez", ""),
    ("Who was Brooks?", ""),
    ("Who is the incoming chairman?", "person"),
    ("Who is leading the firm?", "person"),
    ("who was named ceo", "person"),
    ("Who is Acme's CEO?", "person"),
    ("who is ceo", "person"),
    ("whos running acme now", "person"),  # "who's", typed in a hurry
    ("whens the new chair start", "date"),
    ("new acme ceo?", "person"),  # a bare title asks who holds it
    ("Acme's chairman?", "person"),
    ("what is the new ceo", ""),  # a question word: not a bare title
    ("talks with acme?", ""),
])
def test_who_is_a_named_person_asks_for_no_name(question, kind):
    assert answer_kind(question) == kind


def test_title_words_are_not_names():
    assert all(is_title(w) for w in ("CEO", "Chief", "executive", "Officer", "chairman"))
    assert not any(is_title(w) for w in ("Lopez", "Honda", "LEAF"))


def test_a_demonym_is_met_by_its_place():
    assert mentions("American", "In North America alone, ten models launch.")
    assert mentions("Canadian", "Sales in Canada rose.") and mentions("Acme", "ACME grew")
    assert not mentions("American", "In Europe alone, ten models launch.")
    assert names_met(["North", "American"], "In North America alone, ten models launch.")


@pytest.mark.parametrize("question, name", [
    ("Who replaced the departing chairman?", "Maria Lopez"),  # "departing" is whom, not who
    ("Who is replacing the old chairman?", "Maria Lopez"),
    ("Who will succeed Alan Brooks as chairman?", "Maria Lopez"),
    ("Who is she replacing as chairman?", "Alan Brooks"),
    ("Who did Maria Lopez replace as chairman?", "Alan Brooks"),
    # the verb with an object asks for whoever comes in, whatever stands between "who" and it
    ("who is the guy replacing alan brooks", "Maria Lopez"),
    ("whos the person taking over from brooks", "Maria Lopez"),
    ("who's the exec that replaced brooks?", "Maria Lopez"),
    ("whom did she take over from?", "Alan Brooks"),
    # a word after the verb is its object only if it is a name the question gives or a
    # person spoken of: these ask whom Lopez replaced (they led with **Maria Lopez**)
    ("Who is Lopez replacing exactly?", "Alan Brooks"),
    ("Who did Lopez replace tho?", "Alan Brooks"),
    ("who is maria lopez replacing today", "Alan Brooks"),
])
def test_who_replaced_whom_is_read_by_the_sentence_not_by_its_words(question, name):
    windows = {"Maria Lopez": "Incoming chairman Maria Lopez", "Alan Brooks": "thanked departing chairman Alan Brooks"}
    names = [n for n in ("Maria", "Lopez", "Alan", "Brooks") if n.lower() in question.lower()]
    assert [n for n, w in windows.items() if roles_met(question, w, names)] == [name]


def test_who_said_someone_is_replacing_asks_for_the_speaker():
    # "who said X is replacing Y?": the "who" is the speaker's, no side is asked
    departing = "thanked departing chairman Alan Brooks"
    assert roles_met("who said lopez is replacing brooks?", departing, ["Lopez", "Brooks"])
    assert not roles_met("who is replacing brooks?", departing, ["Brooks"])


@pytest.mark.parametrize("question, words", [
    ("who is corvane's ceo", ["corvane"]),  # typed in lower case: was no name, so no role to hold
    ("whos the ceo of corvane", ["corvane"]),
    ("who is the company's ceo", []),  # names no one
    ("Why wouldn't the old CEO, Poe, take the deal?", []),  # "old" is a side, not a holder
    ("who is the head of the board", []),
    # review, round 8: a time or a whole is no company; "chief" as an adjective is no title
    ("who is the new ceo at the moment", []),
    ("who is the boss at present", []),
    ("who is the ceo of the combined group", []),
    ("what is the industry's chief challenge", []),
    ("who is corvane's chief operating officer", ["corvane"]),
    ("whos corvanes ceo", ["corvane"]),  # no apostrophe: was answered with Acme's CEO (round 8's UI try)
    ("who is this ceo", []),
    ("whos the companys ceo", []),
])
def test_whose_role_is_asked_is_read_however_it_is_typed(question, words):
    assert holder_words(question) == words


@pytest.mark.parametrize("question, kind", [
    ("wat day does she start", "date"),
    ("wen does she start", "date"),
    ("hw many models are coming", "number"),
    ("wats the price", "money"),
    ("Wen Jiabao said what?", ""),  # a capitalised name is no misspelt "when"
])
def test_question_words_as_hurried_typists_write_them(question, kind):
    # "wat day does the new boss officially start" asked for no date, in a tester's try;
    # answer() reads every question as meant before any rule
    assert answer_kind(as_meant(question)) == kind


def test_a_question_is_read_as_meant():
    # "who takes over frm uchida" was not covered in a web UI try: "frm" was no "from"
    assert as_meant("who takes over frm roe, wat day") == "who takes over from roe, what day"
    assert as_meant("Wen Jiabao said what?") == "Wen Jiabao said what?"


@pytest.mark.parametrize("question, sentence, expected", [
    ("What year does Roe become CEO?", "Roe takes over on April 1st.", ""),  # a date, but no year
    ("What year does Roe become CEO?", "Roe takes over on April 1st, 2026.", "April 1st, 2026"),
    ("By what year will the models launch?", "Ten models launch by FY26.", "FY26"),
    ("wut year does Roe become CEO?", "Roe takes over on April 1st.", ""),  # spelt as typed
    ("When does Roe become CEO?", "Roe takes over on April 1st.", "April 1st"),
])
def test_a_year_asked_for_is_a_date_with_a_year(question, sentence, expected):
    # "What year does Espinosa become CEO?" was answered (0.93) with "April 1st"
    question = as_meant(question)  # as answer() reads it
    found = candidates(question, sentence, answer_kind(question))
    assert [c for _, _, c in found][:1] == ([expected] if expected else [])
    assert has_kind(answer_kind(question), [sentence], question) == bool(expected)


@pytest.mark.parametrize("question, found", [
    ("What do analysts think of the new plan?", ["analysts"]),
    ("how did investors react to the ceo news", ["investors"]),
    ("what do acme's dealers think", ["dealers"]),
    ("what does the company say about cash", []),  # the article's own subject, in general words
    ("what does the article say", []),
    ("what did espinoza say abt partnerships", []),  # a misspelt name, not a group
    ("what does epower feel like to drive", []),
    ("what do customers expect from the new roe 5?", []),  # an expectation the article may state
])
def test_a_group_whose_view_is_asked(question, found):
    # "What do analysts think of Nissan's new product plan?" was answered (0.81) with the
    # article's own view; the article quotes no analyst
    assert viewers(question) == found


@pytest.mark.parametrize("question, sentence, differs", [
    # a generation, driving conditions, or the whole against one named place
    ("how much better is the 2nd gen roe drive?", "The third-generation Roe Drive saves up to 9% at highway speeds.",
     True),
    ("how much does the third gen roe drive save", "The new third-generation Roe Drive saves up to 9%.", False),
    ("How much does it save in city driving?", "The Roe Drive saves up to 9% at freeway speeds.", True),
    ("how much on the hwy", "The Roe Drive saves up to 9% at freeway speeds.", False),
    ("is that in town or on the highway?", "It saves up to 9% at freeway speeds.", False),  # either is met
    ("how much does it save", "It saves up to 9% at freeway speeds.", False),  # nothing asked of the case
    ("How many stores will Acme open globally by FY27?", "In Canada alone, 12 new stores open by FY27.", True),
    ("how many stores in emerging markets", "In Canada alone, 12 new stores open by FY27.", True),
    ("how many stores worldwide", "Worldwide, 40 stores open, 12 of them in Canada.", False),
    ("of the worldwide openings, how many are in canada", "In Canada alone, 12 new stores open.", False),
    ("how many stores in canada", "In Canada alone, 12 new stores open by FY27.", False),
    # an event's direction: starting (taking the reins, a launch) or ending (stepping down, a cut)
    ("When does Roe step down?", "Incoming chair Jo Roe takes the reins on May 2nd.", True),
    ("when is the new chair's last day", "Incoming chair Jo Roe takes over on May 2nd.", True),
    ("how many stores are closing by FY27", "In Canada alone, 12 new stores open by FY27.", True),
    ("when does roe take over", "Incoming chair Jo Roe takes the reins on May 2nd.", False),
    ("When does the new chair start?", "Incoming chair Jo Roe takes the reins on May 2nd.", False),
    ("when does roe leave", "Outgoing chair Jo Roe leaves on May 2nd.", False),
    ("how many new stores", "In Canada alone, 12 new stores open by FY27.", False),  # "new" is no event
    # a change's direction
    ("How much worse is the mileage with Roe Drive?", "Roe Drive promises up to 9% better mileage.", True),
    ("how much better is the mileage", "Roe Drive promises up to 9% better mileage.", False),
    ("how much does the mileage improve", "Roe Drive promises up to 9% higher mileage.", False),
])
def test_a_figure_of_another_case_is_told_apart(question, sentence, differs):
    # round 10's hunters: "in urban driving" and "second-generation" led with the freeway
    # figure of the third generation; "globally" and "emerging markets" with North America's count
    assert differs_in_case(question, sentence) == differs


def test_a_chief_officer_asked_for_is_the_one_titled_for_that_function():
    # "Who is Honda's chief planning officer?" led with Nissan's Chief Efficiency Officer
    assert not roles_met("who is acme's chief planning officer?", "said Acme’s Chief Efficiency Officer Jo Roe")
    assert roles_met("who is acme's chief planning officer?", "said Acme’s Chief Planning Officer Jo Roe")
    assert roles_met("who is the head of design", "said Acme’s head of design Jo Roe")


def test_a_top_title_or_a_head_of_something_is_no_function_to_match():
    # the review: "chief executive officer" is the CEO role, checked as such; "head of the
    # company" names the whole, not a function
    assert roles_met("who is the new chief executive officer at acme", "with incoming ceo jo roe")
    assert roles_met("who is the new head of the company", "with incoming ceo jo roe")


def test_a_leaving_that_dates_the_question_takes_no_side():
    assert roles_met("who takes over following the ceo's departure", "with incoming ceo jo roe")
    assert not roles_met("who takes over following the ceo's departure", "than outgoing ceo max poe")


def test_a_departure_asks_for_the_one_leaving():
    # "whose departure was the condition Corvane waited for?" led with a spokesman quoted on Corvane
    assert not roles_met("whose departure did corvane wait for?", "said Acme’s Chief Efficiency Officer Jo Roe")
    assert roles_met("whose departure did corvane wait for?", "than outgoing CEO Jo Roe")


@pytest.mark.parametrize("question, constrains", [
    ("who are they working with on that", False),
    ("who ran it before this new fellow?", True),  # a side
    ("who is the cfo", True),  # a title
    ("who is in charge", True),  # a leader word
])
def test_what_a_who_question_asks_of_a_person(question, constrains):
    assert constrains_person(question) == constrains


@pytest.mark.parametrize("question, differs", [
    ("how many stores in europe by fy27", True),  # round 10's try of the web UI: North America's count
    ("how many stores for japan", True),
    ("how many stores in na by fy27", False),  # the initials of North America
    ("how many stores in north america", False),
    ("how many stores in the plan", False),  # a word the corpus uses is no place asked of
    # the second review: the place the sentence names, asked, settles it whatever else is
    ("how many stores for customers in north america", False),
    ("how many stores in total in na", False),
])
def test_a_place_the_corpus_never_names_is_another_case(question, differs):
    sentence = "In North America alone, 12 new stores open by FY27."
    unknown = {"europe", "japan", "na", "customers", "total"}.__contains__
    assert another_place(question, sentence, unknown) == differs


def test_a_name_typed_with_a_straight_apostrophe_is_the_one_written_with_a_curly_one():
    from assistant.roles import mentions

    assert mentions("I've", "“I’ve a plan,” she said.") and mentions("O'Neil", "Dana O’Neil spoke.")


@pytest.mark.parametrize("question, window_text, met", [
    ("Who is less flexible than the new boss?", "incoming CEO", False),  # the new boss is the standard
    ("who is the new boss", "incoming CEO", True),
])
def test_a_comparisons_standard_is_not_who_is_asked_for(question, window_text, met):
    from assistant.roles import constrains_person, side_unasked

    assert constrains_person(question) is met
    assert side_unasked(question, window_text) is not met


@pytest.mark.parametrize("question, kept", [
    ("Who is Roe's successor?", []), ("who is roes successor", []), ("who is the replacement for roe", []),
    ("who is roe", ["Roe"]),
])
def test_a_successor_asked_of_needs_no_sentence_naming_the_one_replaced(question, kept):
    from assistant.roles import less_the_replaced

    assert less_the_replaced(question, ["Roe"]) == kept
