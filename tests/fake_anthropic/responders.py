"""A responder that answers the claude brain's requests with valid output, read off the request."""

from __future__ import annotations

import re
from typing import Any

from knowledge.models import STAGE_IDS, Rubric
from tests.fake_anthropic.core import Scripted, reply_json, reply_text

_TURN = re.compile(r'<turn id="(t\d+)" speaker="candidate" round="\d+">\n(.*?)\n</turn>', re.DOTALL)
_OWNED = re.compile(r"Stages you own: ([a-z_, ]+)\.")
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
        if title == "ProbeSetDraft":
            owned = _OWNED.search(system)
            stage = owned.group(1).split(", ")[0] if owned else "objective"
            signal = self.rubric.signals_for(stage)[0]
            return reply_json(
                {
                    "probes": [
                        {
                            "stage": stage,
                            "gap": signal.id,
                            "gap_kind": "missing_signal",
                            "severity": 2.0,
                            "text": f"How would you handle {signal.name.lower()}?",
                            "snippet_ids": snippets[:1],
                        }
                    ]
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
            return reply_json(self.debrief(cites))
        raise AssertionError(f"unexpected schema {title}")

    def debrief(self, cites: list[dict[str, str]]) -> dict[str, Any]:
        """A valid debrief citing `cites`."""
        return {
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
                for s in STAGE_IDS
            ],
            "red_flags": [],
            "reasons": [
                {
                    "claim": "The answer names components without mechanisms.",
                    "stage": "objective",
                    "kind": "concern",
                    "citations": cites,
                }
            ],
            "advice": ["Define what a correct output is before the architecture."],
        }
