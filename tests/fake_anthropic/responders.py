"""A responder that answers the claude brain's requests with valid output, read off the request."""

from __future__ import annotations

import re
from typing import Any

from knowledge.models import STAGE_IDS, Rubric
from tests.fake_anthropic.core import Scripted, reply_json, reply_text

_TURN = re.compile(r'<turn id="(t\d+)" speaker="candidate" round="\d+">\n(.*?)\n</turn>', re.DOTALL)
_OWNED = re.compile(r"Stages you own: ([a-z_, ]+)\.")
_MAY_PROBE = re.compile(r"Stages you may probe: [^\n]*?\(`([a-z_]+)`\)")
_SCOPE = re.compile(r'<question_scope assesses="([a-z_, ]+)">')
_SNIPPET = re.compile(r"\[snippet ([a-z0-9][a-z0-9_\-]*)\]")


def request_texts(body: dict[str, Any]) -> tuple[str, str]:
    """(all system text, all user text) of a Messages request body."""
    system = body.get("system", "")
    system_text = system if isinstance(system, str) else "\n".join(b["text"] for b in system)
    user_parts = []
    for message in body.get("messages", []):
        if message["role"] != "user":
            continue
        content = message["content"]
        user_parts.append(
            content if isinstance(content, str) else "\n".join(b.get("text", "") for b in content)
        )
    return system_text, "\n".join(user_parts)


def schema_title(body: dict[str, Any]) -> str | None:
    """Title of the requested output schema (ProbeSetDraft, VoteDraft, DebriefDraft) if any."""
    fmt = (body.get("output_config") or {}).get("format") or {}
    title = (fmt.get("schema") or {}).get("title")
    return str(title) if title else None


class PanelResponder:
    """Valid probes, votes, debriefs and streamed questions, citing what the request shows."""

    def __init__(self, rubric: Rubric, *, decision: str = "no_hire") -> None:
        self.rubric = rubric
        self.decision = decision

    def __call__(self, body: dict[str, Any]) -> Scripted:
        system, user = request_texts(body)
        turns = _TURN.findall(user)
        turn_id, text = turns[0] if turns else ("t1", "")
        quote = " ".join(text.split(" ")[:8]) if text else ""
        citation = {"turn": turn_id, "quote": quote} if len(quote.strip()) >= 3 else None
        snippets = _SNIPPET.findall(system)
        cites = [c for c in (citation, {"snippet": snippets[0]} if snippets else None) if c]
        title = schema_title(body)
        if title is None:
            return reply_text("What would a correct output look like, and who decides it?")
        scoped = _SCOPE.search(user)
        scope = scoped.group(1).split(", ") if scoped else list(STAGE_IDS)
        if title == "ProbeSetDraft":
            may = _MAY_PROBE.search(user)
            owned = _OWNED.search(system)
            stage = may.group(1) if may else owned.group(1).split(", ")[0] if owned else scope[0]
            signal = self.rubric.signals_for(stage)[0]
            words = quote.split(" ")[:3]
            return reply_json(
                {
                    "shown_signals": [],
                    "probes": [
                        {
                            "stage": stage,
                            "gap": signal.id,
                            "gap_kind": "thin_signal" if citation else "missing_signal",
                            "severity": 2.0,
                            "anchor": citation,
                            "text": f"You said {' '.join(words)!r}: how would you handle "
                            f"{signal.name.lower()} there?",
                            "snippet_ids": snippets[:1],
                        }
                    ],
                }
            )
        if title == "VoteDraft":
            return reply_json(
                {
                    "decision": self.decision,
                    "confidence": 0.7,
                    "rationale": "Named the parts but gave little mechanism.",
                    "citations": cites,
                }
            )
        if title == "DebriefDraft":
            return reply_json(self.debrief(cites, scope))
        raise AssertionError(f"unexpected schema {title}")

    def debrief(
        self, cites: list[dict[str, str]], scope: list[str] | None = None
    ) -> dict[str, Any]:
        """A valid debrief citing `cites`, scoring only the stages in `scope` (default: all)."""
        stages = [s for s in STAGE_IDS if scope is None or s in scope]
        turn_cites = [c for c in cites if "turn" in c]
        return {
            "evidence": [
                {
                    **turn_cites[0],
                    "signal": self.rubric.signals_for(stages[0])[0].id,
                    "red_flag": None,
                    "stance": "asserts",
                    "substance": ["what"],
                    "credited": False,
                }
            ]
            if turn_cites
            else [],
            "decision": self.decision,
            "strength": "lean",
            "confidence": 0.72,
            "stage_scores": [
                {
                    "stage": s,
                    "score": 2,
                    "summary": "Named without mechanism.",
                    "signals_found": [],
                    "signals_missing": [self.rubric.signals_for(s)[0].id],
                    "evidence": cites[:1],
                }
                for s in stages
            ],
            "red_flags": [],
            "reasons": [
                {
                    "claim": "The answer names components without mechanisms.",
                    "stage": stages[0],
                    "kind": "concern",
                    "citations": cites,
                }
            ],
            "advice": [
                {
                    "text": "Say what a correct output is for this product before the design.",
                    "stage": stages[0],
                    "target": self.rubric.signals_for(stages[0])[0].id,
                    "citation": turn_cites[0] if turn_cites else None,
                }
            ],
        }
