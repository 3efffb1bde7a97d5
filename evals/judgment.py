"""How the panel read the answer, against the gold sentence annotations and against itself:
evidence precision and recall, probes and advice for what was already shown, contradictions."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from agents.state import PAST_SHOWN_KINDS
from evals.models import GoldSentence
from evals.results import CaseOutcome

ANSWER_TURN = "t1"  # the opening answer; gold annotations cover this turn only
# A quote refers to a gold sentence when it lies within it (a clause of it), or when it covers
# it and is at most twice as long (a sentence with a little more around it, never a paragraph).
WITHIN = 0.8
SPAN_RATIO = 2.0
_MARKUP = re.compile(r"[*_`#>|]+")


def normalise(text: str) -> str:
    """Lower case, markdown markers dropped, whitespace collapsed: quotes compare by content."""
    return " ".join(_MARKUP.sub(" ", text).lower().split())


def _span(quote: str, text: str) -> tuple[int, int] | None:
    needle = normalise(quote)
    start = text.find(needle) if needle else -1
    return None if start < 0 else (start, start + len(needle))


def _shared(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def refers_to(quote: tuple[int, int], gold: tuple[int, int]) -> float:
    """How well a quote's span refers to a gold sentence's span: 0 when it does not, else the
    share of the gold sentence it covers."""
    shared = _shared(quote, gold)
    quote_len, gold_len = max(1, quote[1] - quote[0]), max(1, gold[1] - gold[0])
    within = shared / quote_len >= WITHIN
    covers = shared / gold_len >= WITHIN and quote_len <= SPAN_RATIO * gold_len
    return shared / gold_len if within or covers else 0.0


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


class AnswerReading:
    """One annotated answer: finds the gold sentence a quote of the answer refers to."""

    def __init__(self, answer: str, gold: Sequence[GoldSentence]) -> None:
        self.text = normalise(answer)
        self.gold = [(g, _span(g.quote, self.text)) for g in gold]

    def match(self, quote: str) -> GoldSentence | None:
        """The gold sentence this quote refers to (see `refers_to`), or None."""
        span = _span(quote, self.text)
        if span is None:
            return None
        best, best_share = None, 0.0
        for sentence, gold_span in self.gold:
            share = refers_to(span, gold_span) if gold_span is not None else 0.0
            if share > best_share:
                best, best_share = sentence, share
        return best


def _debrief(o: CaseOutcome) -> dict[str, Any]:
    return o.debrief or {}


def _turn_number(turn_id: str | None) -> int:
    return int(turn_id[1:]) if turn_id and turn_id[1:].isdigit() else 0


def probe_turns(o: CaseOutcome) -> list[dict[str, Any]]:
    """The panel's probe turns that name the gap they target."""
    turns = _debrief(o).get("transcript") or []
    return [t for t in turns if t.get("speaker") != "candidate" and t.get("gap")]


def _answer_text(o: CaseOutcome) -> str:
    for turn in _debrief(o).get("transcript") or []:
        if turn.get("id") == ANSWER_TURN:
            return str(turn.get("text") or "")
    return ""


def evidence_scores(outcomes: Sequence[CaseOutcome]) -> dict[str, Any]:
    """Precision: credited answer rows whose sentence and signal match a credited gold sentence.
    Recall: credited gold sentences some credited row matches. Red flags raised on sentences the
    gold reads as rejecting that practice are counted apart; stance agreement is over rows that
    match a gold sentence (and over those whose gold stance rejects, hedges or asks)."""
    cases = sentences = credited_rows = correct_rows = gold_credited = found = 0
    flag_rows = flag_rows_right = flags_on_rejections = 0
    stance_rows = stance_same = marked_rows = marked_same = 0
    wrong: list[dict[str, Any]] = []
    for o in outcomes:
        if o.gold_evidence is None or o.decision is None:
            continue
        cases += 1
        sentences += len(o.gold_evidence)
        reading = AnswerReading(_answer_text(o), o.gold_evidence)
        rows = [r for r in _debrief(o).get("evidence") or [] if r.get("turn") == ANSWER_TURN]
        hits: set[int] = set()
        for row in rows:
            gold = reading.match(str(row.get("quote") or ""))
            if gold is not None:
                same = row.get("stance", "asserts") == gold.stance
                stance_rows, stance_same = stance_rows + 1, stance_same + same
                if gold.stance != "asserts":
                    marked_rows, marked_same = marked_rows + 1, marked_same + same
            if row.get("red_flag"):
                flag_rows += 1
                if gold is not None and gold.red_flag == row["red_flag"]:
                    if gold.stance == "rejects":
                        flags_on_rejections += 1
                    else:
                        flag_rows_right += 1
            if not row.get("credited"):
                continue
            credited_rows += 1
            if gold is not None and gold.credited and row.get("signal") in gold.signals:
                correct_rows += 1
                hits.add(id(gold))
            elif len(wrong) < 200:
                wrong.append(
                    {"case": o.case_id, "quote": row.get("quote"), "signal": row.get("signal")}
                )
        for g in o.gold_evidence:
            if g.credited:
                gold_credited += 1
                found += id(g) in hits
    return {
        "annotated_cases": cases,
        "annotated_sentences": sentences,
        "credited_rows": credited_rows,
        "precision": _ratio(correct_rows, credited_rows),
        "gold_credited": gold_credited,
        "recall": _ratio(found, gold_credited),
        "flag_rows": flag_rows,
        "flag_precision": _ratio(flag_rows_right, flag_rows),
        "flags_on_rejections": flags_on_rejections,
        "stance_agreement": _ratio(stance_same, stance_rows),
        "stance_agreement_not_asserting": _ratio(marked_same, marked_rows),
        "wrong_rows": wrong,
    }


def probe_scores(outcomes: Sequence[CaseOutcome]) -> dict[str, Any]:
    """Probes in annotated cases that ask for a signal the gold credits in the answer (a
    "deeper" probe on it asks past it, and is not counted)."""
    total = annotated = 0
    redundant: list[dict[str, Any]] = []
    for o in outcomes:
        probes = probe_turns(o)
        total += len(probes)
        if o.gold_evidence is None or o.decision is None:
            continue
        annotated += len(probes)
        shown = {s for g in o.gold_evidence if g.credited for s in g.signals}
        # A probe that goes past what was covered (its failure, limit or trade-off) asks for
        # something new; one that asks for the signal itself does not.
        redundant += [
            {"case": o.case_id, "turn": p.get("id"), "gap": p["gap"]}
            for p in probes
            if p["gap"] in shown and p.get("gap_kind") not in PAST_SHOWN_KINDS
        ]
    return {
        "total": total,
        "in_annotated_cases": annotated,
        "redundant": len(redundant),
        "redundant_items": redundant,
    }


def advice_scores(outcomes: Sequence[CaseOutcome]) -> dict[str, Any]:
    """Advice items, how many distinct, and how many target a signal the gold credits.

    The distinct share counts each answer once: its copies (a padded or injected version, the
    same content as bullets or a table) rightly hear the same advice about the same sentence.
    The gold reads the opening answer only: advice on a gap the candidate admits in a later
    reply ("honestly, I hadn't considered that") answers words the gold never saw."""
    texts: list[str] = []
    per_answer: dict[str, Counter[str]] = {}
    for_credited: list[dict[str, Any]] = []
    for o in outcomes:
        items = _debrief(o).get("advice") or []
        said = [normalise(str(a.get("text") or "")) for a in items]
        texts += said
        group = per_answer.setdefault(o.variant_group or o.pair_of or o.case_id, Counter())
        group |= Counter(said)  # a text said k times by one copy counts k times, not k per copy
        if o.gold_evidence is None:
            continue
        shown = {s for g in o.gold_evidence if g.credited for s in g.signals}
        for_credited += [
            {"case": o.case_id, "target": a["target"]}
            for a in items
            if a.get("target") in shown and _cited_turn(a) in (None, ANSWER_TURN)
        ]
    return {
        "items": len(texts),
        "distinct": len(set(texts)),
        "per_answer": sum(sum(said.values()) for said in per_answer.values()),
        "distinct_ratio": _ratio(
            len(set(texts)), sum(sum(said.values()) for said in per_answer.values())
        ),
        "for_credited": len(for_credited),
        "for_credited_items": for_credited,
    }


def _cited_turn(advice: dict[str, Any]) -> str | None:
    citation = advice.get("citation") or {}
    return citation.get("turn") if isinstance(citation, dict) else None


def contradictions(outcomes: Sequence[CaseOutcome]) -> dict[str, Any]:
    """The debrief against itself: a signal credited and then probed (other than one level
    deeper) or advised, and a red flag raised on a sentence its own table reads as rejecting."""
    probed = advised = 0
    flagged: set[tuple[str, str]] = set()
    items: list[dict[str, Any]] = []
    for o in outcomes:
        d = _debrief(o)
        rows = d.get("evidence") or []
        first_credit: dict[str, int] = {}
        for r in rows:
            if r.get("credited") and r.get("signal"):
                n = _turn_number(r.get("turn"))
                first_credit[r["signal"]] = min(n, first_credit.get(r["signal"], n))
        for p in probe_turns(o):
            if p.get("gap_kind") in PAST_SHOWN_KINDS:
                continue  # asks past the credited signal, on purpose
            if first_credit.get(p["gap"], 10**9) < _turn_number(p.get("id")):
                probed += 1
                items.append({"case": o.case_id, "kind": "probed", "id": p["gap"]})
        for a in d.get("advice") or []:
            if a.get("target") in first_credit:
                advised += 1
                items.append({"case": o.case_id, "kind": "advised", "id": a["target"]})
        rejecting = {
            (r.get("turn"), normalise(str(r.get("quote") or "")))
            for r in rows
            if r.get("stance") == "rejects"
        }
        flags = {
            str(r["red_flag"]) for r in rows if r.get("red_flag") and r.get("stance") == "rejects"
        }
        for f in d.get("red_flags") or []:
            cited = {
                (c.get("turn"), normalise(str(c.get("quote") or "")))
                for c in f.get("citations") or []
            }
            if cited & rejecting:
                flags.add(str(f.get("id")))
        for flag in sorted(flags - {k for c, k in flagged if c == o.case_id}):
            flagged.add((o.case_id, flag))
            items.append({"case": o.case_id, "kind": "flag_on_rejection", "id": flag})
    return {
        "total": probed + advised + len(flagged),
        "probed_credited": probed,
        "advised_credited": advised,
        "flag_on_rejection": len(flagged),
        "items": items[:200],
    }
