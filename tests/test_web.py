"""The web UI: HTML rendering, the /ask API, a real browser session, and a bounded load test."""

from __future__ import annotations

import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields

import pytest

from assistant import web  # first: sets the offline environment before gradio is imported
from assistant.config import ROOT
from assistant.records import Answer, Citation

from .conftest import ARTICLE
from .web_support import CHROMIUM, CHROMIUM_ARGS, ensure_chromium, is_local, running

ANSWER_FIELDS = {f.name for f in fields(Answer)}
CITATION_FIELDS = {f.name for f in fields(Citation)}
XSS = "<img src=x onerror=alert(1)>"


def client(url: str):
    """A gradio_client for the app. analytics_enabled must be passed as False explicitly:
    gradio_client 2.x ORs it with the environment, so the default True always wins."""
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


def check_offsets(d: dict) -> None:
    """Every cited passage and sentence is read from the article at its stored offsets."""
    text = ARTICLE.read_bytes().decode("utf-8")
    for c in d["citations"] + d["closest"]:
        assert set(c) == CITATION_FIELDS
        assert text[c["start"]:c["end"]] == c["text"]
        for s, e in c["sentences"]:
            assert c["start"] <= s < e <= c["end"]
    for n in map(int, re.findall(r"\[(\d+)\]", d["text"])):
        assert 1 <= n <= len(d["citations"])


# ---------------------------------------------------------------------------- rendering


def _citation(text: str, start: int, sentence: tuple[int, int], section="Sec <b>") -> Citation:
    return Citation(text, "a.txt", start, start + len(text), section, 0.5, [sentence])


def test_passage_marks_the_cited_sentence_from_absolute_offsets():
    c = _citation("One <x>. Two & three. Four.", 100, (109, 121))
    html = web.render_sources("q?", Answer("One [1]", True, "q?", [c]))
    assert "<mark>Two &amp; three.</mark>" in html
    assert "One &lt;x&gt;." in html and "<x>" not in html
    assert "Sec &lt;b&gt;" in html  # section titles are escaped too
    assert f'href="#{web.anchor_id("a.txt", 109)}"' in html


def test_question_and_query_are_escaped_everywhere():
    a = Answer("Not covered.", False, XSS, closest=[_citation("Near.", 0, (0, 5))], timings_ms={"total_ms": 1})
    rendered = [web.render_user(XSS, 2000), web.render_chat_answer("follow-up?", a), web.render_sources(XSS, a)]
    for html in rendered:
        assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_not_covered_is_distinct_and_offers_closest_passages_not_citations():
    a = Answer("The article does not cover this.", False, "price?", closest=[_citation("Near.", 0, (0, 5))])
    chat, sources = web.render_chat_answer("price?", a), web.render_sources("price?", a)
    assert "answer-not-covered" in chat and "Not covered by the article" in chat
    assert "Closest passages" in sources and "card-closest" in sources
    assert "<mark>" not in sources and "cite-num" not in sources


def test_follow_up_shows_the_searched_question_and_timings():
    a = Answer("X [1]", True, "Who is the CEO? When does he start?", [_citation("X.", 0, (0, 2))],
               timings_ms={"retrieval_ms": 12.3, "total_ms": 15.9})
    html = web.render_chat_answer("When does he start?", a)
    assert "Searched as: “Who is the CEO? When does he start?”" in html
    assert "retrieval 12 ms · total 16 ms" in html
    assert "Searched as" not in web.render_chat_answer("Who is the CEO? When does he start?", a)


def test_article_marks_cited_sentences_with_ids():
    art = web.Article("a.txt", "Title\nFirst <s>. Second one.\n\nThird.", frozenset({"Title"}))
    c = _citation("First <s>. Second one.", 6, (17, 28))
    html = web.render_article(art, [c], [])
    assert "<h3>Title</h3>" in html
    assert f'<mark id="{web.anchor_id("a.txt", 17)}" class="latest" data-n="1">Second one.</mark>' in html
    assert "First &lt;s&gt;." in html


def test_reveal_steps_grow_to_the_whole_text():
    text = "Ivan Espinosa [1]\n\n> And now, with incoming CEO Ivan Espinosa taking the reins [1]"
    steps = web.reveal_steps(text)
    assert len(steps) > 1 and steps[-1] == text
    assert all(text.startswith(s) for s in steps) and steps == sorted(steps, key=len)


# ---------------------------------------------------------------------------- handlers


def test_chat_streams_and_remembers_the_conversation(fake_assistant):
    app = web.WebApp(fake_assistant)
    out = list(app.respond("Who is Nissan's incoming CEO?", []))
    assert len(out) > 2  # the pending message, then the answer revealed in steps
    _, chat, sources, article, turns = out[-1]
    assert len(chat) == 2 and "done" in chat[-1]["content"] and len(turns) == 1
    out = list(app.respond("When does he take over?", turns))
    assert out[-1][4][-1].answer.query.startswith("Who is Nissan's incoming CEO?")


def test_overlong_question_is_cut_with_a_notice(fake_assistant):
    app = web.WebApp(fake_assistant)
    *_, (_, chat, _, _, _) = app.respond("Who is the CEO? " * 500, [])
    assert 'class="notice"' in chat[-1]["content"] and "only its first" in chat[-1]["content"]
    assert len(chat[0]["content"]) < fake_assistant.settings.max_question_chars + 100


class Broken:
    """An assistant that fails the way an unexpected bug would."""

    def __init__(self, settings):
        self.settings = settings

    def answer(self, question, history=None):
        raise RuntimeError("index exploded")


def test_failures_become_readable_messages(settings):
    app = web.WebApp(Broken(settings))
    *_, (_, chat, sources, _, _) = app.respond("Who?", [])
    assert "The assistant could not answer" in chat[-1]["content"] and "index exploded" in chat[-1]["content"]
    assert "Traceback" not in chat[-1]["content"] and "err-banner" in sources
    d = app.ask("Who?")
    assert set(d) == ANSWER_FIELDS and "index exploded" in d["error"]


# ---------------------------------------------------------------------------- API


def test_ask_endpoint_returns_the_answer_fields(fake_assistant):
    with running(fake_assistant) as url:
        api = client(url)
        assert {"/ask", "/chat"} <= set(api.view_api(print_info=False, return_format="dict")["named_endpoints"])
        d = api.predict("Who is Nissan's incoming CEO?", api_name="/ask")
        assert isinstance(d, dict) and set(d) == ANSWER_FIELDS
        # The hashing embedder is no model: check the contract, not the fact (the load test does).
        assert d["query"] == "Who is Nissan's incoming CEO?" and not d["error"]
        assert bool(d["citations"]) == d["answerable"] and (d["answerable"] or d["closest"])
        assert set(d["timings_ms"]) >= {"retrieval_ms", "total_ms"}
        check_offsets(d)
        odd = api.predict(XSS + " " + "x" * 5000, api_name="/ask")
        assert set(odd) == ANSWER_FIELDS and odd["notice"] and not odd["error"]
        check_offsets(odd)


# ---------------------------------------------------------------------------- real app


@pytest.fixture(scope="module")
def real_url(real_assistant):
    with running(real_assistant) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    reason = ensure_chromium()
    if reason:
        pytest.skip(f"Chromium unavailable: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def ask(page, question: str) -> object:
    """Type a question, send it, wait for its finished answer, return that answer."""
    done = page.locator("#chat .answer.done")
    before = done.count()
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    page.wait_for_function("n => document.querySelectorAll('#chat .answer.done').length > n",
                           arg=before, timeout=30_000)
    return done.last


@pytest.mark.slow
@pytest.mark.browser
def test_browser_session(real_url, browser):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requests, dialogs = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(real_url)
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)

    # An answer with its [1], the cited sentence marked in the sources.
    answer = ask(page, "Who is Nissan's incoming CEO?")
    expect(answer).to_contain_text("Ivan Espinosa")
    expect(answer.locator("a.cite-marker", has_text="[1]").first).to_be_visible()
    expect(answer.locator(".turn-meta")).to_contain_text(re.compile(r"retrieval \d+ ms · total \d+ ms"))
    sources = page.locator("#sources-panel")
    expect(sources.locator(".card mark", has_text="Ivan Espinosa").first).to_be_visible()

    # Following [1] opens the article with citation 1's sentence marked and in view.
    cited = sources.locator(".card").first.locator("mark").first.inner_text().strip()
    marker = answer.locator("a.cite-marker", has_text="[1]").first
    target = page.locator(marker.get_attribute("href"))
    marker.click()
    expect(page.locator("#article-tab-button")).to_have_attribute("aria-selected", "true")
    expect(target).to_have_class(re.compile(r"\blatest\b"))
    expect(target).to_have_text(cited)
    expect(target).to_be_in_viewport()
    expect(page.locator("#article-panel mark.latest", has_text="Ivan Espinosa").first).to_be_visible()
    page.screenshot(path=str(artifacts / "web-article.png"))

    # A question the article does not cover is marked so, with closest passages, no citations.
    page.locator("#sources-tab-button").click()
    answer = ask(page, "What is the price of the new LEAF?")
    expect(answer).to_have_class(re.compile(r"\banswer-not-covered\b"))
    expect(answer).to_contain_text("Not covered by the article")
    expect(answer.locator("a.cite-marker")).to_have_count(0)
    panel = page.locator("#sources-panel")
    expect(panel.get_by_role("heading", name="Closest passages")).to_be_visible()
    expect(panel.locator(".card-closest").first).to_be_visible()
    expect(panel.locator("mark")).to_have_count(0)

    # Clear, then a follow-up shows the standalone question that was searched.
    page.locator("#clear").click()
    expect(page.locator("#chat .answer")).to_have_count(0)
    ask(page, "Who is Nissan's incoming CEO?")
    answer = ask(page, "When does he take over?")
    expect(answer.locator(".searched")).to_contain_text("Who is Nissan's incoming CEO? When does he take over?")

    # Markup in a question is shown as text and runs nothing.
    ask(page, XSS)
    expect(page.locator("#chat .question").last).to_have_text(XSS)
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.locator("#chat img[src='x']").count() == 0

    page.screenshot(path=str(artifacts / "web-conversation.png"))
    outside = [u for u in requests if not is_local(u)]
    assert requests and outside == [], outside
    page.close()


LOAD_QUESTIONS = [
    ("Who is Nissan's incoming CEO?", "Ivan Espinosa"),
    ("When does Ivan Espinosa take over as CEO?", "April 1st"),
    ("How much better fuel economy does the third-generation e-POWER promise?", "15%"),
    ("Which charging network will the new LEAF be compatible with?", "Supercharger"),
    ("What is the price of the new LEAF?", None),  # not covered: no citations, closest passages
]
USERS, ROUNDS, BUDGET_S = 20, 5, 120


@pytest.mark.slow
def test_twenty_concurrent_users_all_get_answers(real_url):
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def user(i: int) -> None:
        api = client(real_url)
        for j in range(ROUNDS):
            question, fact = LOAD_QUESTIONS[(i + j) % len(LOAD_QUESTIONS)]
            t0 = time.perf_counter()
            try:
                d = api.predict(question, api_name="/ask")
            except Exception as e:  # collected, so one failure does not hide the others
                d, problem = None, f"{type(e).__name__}: {e}"
            else:
                ok = (not d["error"] and set(d) == ANSWER_FIELDS
                      and (d["answerable"] and d["citations"] and fact in d["text"] if fact
                           else not d["answerable"] and not d["citations"] and d["closest"]))
                problem = "" if ok else f"{question!r} -> {d['text'][:120]!r}"
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                if problem:
                    failures.append(problem)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(USERS) as pool:
        list(pool.map(user, range(USERS)))
    total = time.perf_counter() - t0

    lat = sorted(latencies)
    p50, p95 = statistics.median(lat), lat[int(0.95 * (len(lat) - 1))]
    print(f"\nload: {USERS} users x {ROUNDS} questions = {len(lat)} answers in {total:.1f} s; "
          f"latency p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {lat[-1]:.0f} ms "
          f"(concurrency limit {web.CONCURRENCY})")
    assert failures == []
    assert len(lat) == USERS * ROUNDS
    assert total < BUDGET_S


def test_a_large_corpus_sends_only_the_cited_articles():
    from assistant.records import Citation
    from assistant.web import Article, render_articles

    arts = [Article(f"a{i}.txt", f"Headline {i}\nBody text number {i}.\n", frozenset({f"Headline {i}"}))
            for i in range(1000)]
    cited = Citation("Body text number 7.", "a7.txt", 11, 30, "Headline 7", 0.9, [(11, 30)])
    html = render_articles(arts, [cited], [])
    assert "Body text number 7." in html and "Body text number 8." not in html
    assert "1 of the 1,000 articles" in html
    assert "Body text number 0." in render_articles(arts, [], [])  # nothing cited yet: the first
