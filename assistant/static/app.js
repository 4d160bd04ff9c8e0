() => {
  // The page's behaviour beyond Gradio's: citation links, "back to the answer", copy,
  // example questions, the note when a question is sent while another is answered, and
  // keeping <details> open across re-renders. Everything is delegated on the document,
  // because the chat and the panels re-render their HTML on every answer.
  const $ = (sel, root = document) => root.querySelector(sel);
  const box = () => $("#question textarea");
  const note = (text) => { const el = $("#queue-note"); if (el) el.textContent = text; };

  // --- [n] and "Show in article": open the Article tab, bring the sentence into view.
  let origin = null;  // the link the reader followed, for "Back to the answer"
  const back = document.createElement("button");
  back.type = "button";
  back.id = "back-to-answer";
  back.hidden = true;
  back.textContent = "↑ Back to the answer";
  document.body.appendChild(back);
  back.addEventListener("click", () => {
    back.hidden = true;
    if (origin && origin.isConnected) {
      origin.scrollIntoView({block: "center"});
      origin.focus({preventScroll: true});
    }
  });
  const inView = (el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight;
  };
  const show = (id, tries) => {
    const el = document.getElementById(id);
    if (el && el.offsetParent !== null) {
      el.scrollIntoView({block: "center"});
      el.classList.add("flash");
      setTimeout(() => el.classList.remove("flash"), 1500);
      // Where the answer is out of sight (a phone, the article below the chat), offer the way back.
      setTimeout(() => { back.hidden = !(origin && origin.isConnected && !inView(origin)); }, 80);
    } else if (tries > 0) {
      setTimeout(() => show(id, tries - 1), 50);
    }
  };
  document.addEventListener("click", (ev) => {
    const a = ev.target.closest && ev.target.closest('a[href^="#cite-"]');
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    origin = a;
    // Gradio 6 names a tab's button after the Tab's elem_id: "<elem_id>-button".
    const tab = document.getElementById("article-tab-button");
    if (tab && tab.getAttribute("aria-selected") !== "true") tab.click();
    show(a.getAttribute("href").slice(1), 40);
  }, true);
  window.addEventListener("scroll", () => {
    if (!back.hidden && origin && inView(origin)) back.hidden = true;
  }, {passive: true});

  // --- Copy an answer (with its sources) as plain text.
  const copy = async (text) => {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {  // no clipboard API (plain http from another machine): the old way
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      const ok = document.execCommand && document.execCommand("copy");
      area.remove();
      return !!ok;
    }
  };
  document.addEventListener("click", async (ev) => {
    const b = ev.target.closest && ev.target.closest("button.copy");
    if (!b) return;
    const ok = await copy(b.dataset.copy || "");
    const out = b.parentElement.querySelector(".action-note");
    if (out) out.textContent = ok ? "Copied." : "Could not copy: select the text instead.";
  });

  // --- Sending questions: examples, empty box, and a question sent while one is answered.
  let busy = false, doneBefore = 0, since = 0;
  const doneCount = () => document.querySelectorAll("#chat .answer.done").length;
  const send = () => { const b = $("#ask"); if (b) b.click(); };
  // Returns true when the question should go ahead now.
  const intent = () => {
    const el = box();
    if (!el || !el.value.trim()) {
      note("Type a question first.");
      return false;
    }
    if (busy && Date.now() - since < 120000) {
      note("Still answering the previous question: yours will be asked as soon as it is done.");
      return true;  // Gradio keeps the last one and sends it when the answer is finished
    }
    busy = true;
    since = Date.now();
    doneBefore = doneCount();
    note("");
    return true;
  };
  document.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || ev.shiftKey || ev.isComposing || ev.target !== box()) return;
    if (!intent()) { ev.preventDefault(); ev.stopImmediatePropagation(); }
  }, true);
  document.addEventListener("click", (ev) => {
    const ask = ev.target.closest && ev.target.closest("#ask");
    if (ask && !intent()) { ev.preventDefault(); ev.stopImmediatePropagation(); return; }
    const ex = ev.target.closest && ev.target.closest("button.example");
    if (!ex) return;
    const el = box();
    if (!el) return;
    el.value = ex.textContent;
    el.dispatchEvent(new Event("input", {bubbles: true}));
    setTimeout(send, 0);
  }, true);
  document.addEventListener("click", (ev) => {
    if (ev.target.closest && ev.target.closest("#new-conversation")) {
      busy = false;
      note("");
      back.hidden = true;
      setTimeout(() => { const el = box(); if (el) el.focus(); }, 0);
    }
  });

  // --- After each re-render: finished answers end "busy"; open <details> stay open; a new
  // turn is brought into view (its question at the top, the answer below it).
  const opened = new Set();
  document.addEventListener("toggle", (ev) => {
    const d = ev.target;
    if (!(d instanceof HTMLDetailsElement) || !d.dataset.key) return;
    if (d.open) opened.add(d.dataset.key); else opened.delete(d.dataset.key);
  }, true);
  let lastTurn = null;  // the newest turn's id ("" while it is still being answered)
  const settle = () => {
    const n = doneCount();
    if (busy && n > doneBefore) {
      busy = false;
      const el = $("#queue-note");
      if (el && el.textContent.startsWith("Still answering")) note("");
    }
    document.querySelectorAll("details[data-key]").forEach((d) => {
      if (opened.has(d.dataset.key) && !d.open) d.open = true;
    });
    const all = document.querySelectorAll("#chat .turn");
    const last = all[all.length - 1];
    const id = last ? `${all.length}:${last.dataset.turn || ""}` : null;
    if (id === lastTurn) return;
    const first = lastTurn === null;
    lastTurn = id;
    if (!last || (first && !$("#chat .turn-pending") && all.length < 2)) return;
    // Bring the newest question to the top of the conversation (again once its answer is
    // complete: while pending, the box may not have been tall enough to scroll that far).
    const scroller = $("#chat .conversation");
    if (scroller && scroller.scrollHeight > scroller.clientHeight) {
      scroller.scrollTop += last.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
    } else if (!inView(last)) {
      last.scrollIntoView({block: "start"});
    }
  };
  new MutationObserver(settle).observe(document.body, {childList: true, subtree: true});
}
