"""Checks every gold set shares: evidence is exact whole sentences, facts stand in it."""

from __future__ import annotations

import re


def assert_evidence_exact(rows: list[dict], text: str) -> None:
    """Unanswerable rows carry a trap and no evidence; the others quote whole sentences at
    their exact offsets in ``text``, and every fact stands in one of them."""
    for r in rows:
        if r["kind"] == "unanswerable":
            assert "evidence" not in r and r.get("trap"), r["id"]
            continue
        assert r["evidence"] and r["facts"], r["id"]
        for e in r["evidence"]:
            assert text[e["start"]:e["end"]] == e["quote"], r["id"]
            assert re.search(r"[.!?][”\"]?$", e["quote"]), r["id"]  # a whole sentence
        for f in r["facts"]:
            assert any(f in e["quote"] for e in r["evidence"]), (r["id"], f)
