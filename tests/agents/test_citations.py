"""Citation checking: verbatim quotes, existing turns and snippets, counts, evidence-less claims."""

from __future__ import annotations

from agents.citations import (
    UNVERIFIED_CLAIM,
    CitationChecker,
    all_citations,
    citing_parts,
    validate_debrief,
)
from agents.debrief import (
    Citation,
    Debrief,
    PanelVote,
    Reason,
    RedFlagFinding,
    StageScore,
)
from agents.transcript import Turn
from knowledge.models import STAGE_IDS
from tests.doubles import KnownSnippets

TRANSCRIPT = [
    Turn(id="t1", speaker="candidate", text="We label 10% of tickets with senior agents."),
    Turn(id="t2", speaker="interviewer", text="How do you know a reply is correct?",
         round=1, stage="objective", gap="gold_set"),
    Turn(id="t3", speaker="candidate", text="A gold set of 300 solved tickets.", round=1),
]


def checker() -> CitationChecker:
    return CitationChecker(TRANSCRIPT, KnownSnippets(("snip-a",)))


def test_verbatim_quote_is_kept() -> None:
    c = checker()
    kept = c.keep([Citation(turn="t1", quote="10% of tickets")])
    assert kept == [Citation(turn="t1", quote="10% of tickets")]
    assert c.dropped == 0


def test_paraphrase_wrong_turn_missing_turn_and_tiny_quote_are_dropped() -> None:
    c = checker()
    kept = c.keep([
        Citation(turn="t1", quote="ten percent of tickets"),  # not verbatim
        Citation(turn="t3", quote="10% of tickets"),  # real words, wrong turn
        Citation(turn="t9", quote="10% of tickets"),  # no such turn
        Citation(turn="t1", quote="We"),  # too short to mean anything
        Citation(turn="t1", quote="   "),  # blank
        Citation(turn="t1", quote="we label"),  # case differs
    ])
    assert kept == []
    assert c.dropped == 6


def test_snippet_must_exist_and_a_mixed_citation_keeps_its_valid_part() -> None:
    c = checker()
    kept = c.keep([
        Citation(snippet="snip-a"),
        Citation(snippet="snip-missing"),
        Citation(turn="t3", quote="gold set", snippet="snip-missing"),
    ])
    assert kept == [Citation(snippet="snip-a"), Citation(turn="t3", quote="gold set")]
    assert c.dropped == 2


def test_no_index_means_no_snippet_is_verifiable() -> None:
    c = CitationChecker(TRANSCRIPT, None)
    assert c.keep([Citation(snippet="snip-a")]) == []
    assert c.dropped == 1


def _debrief(**fields: object) -> Debrief:
    base: dict[str, object] = {
        "decision": "no_hire",
        "strength": "lean",
        "confidence": 0.55,
        "stage_scores": {s: StageScore(stage=s, score=2) for s in STAGE_IDS},
        "reasons": [Reason(claim="x", citations=[Citation(snippet="snip-a")])],
        "brain": "test",
    }
    base.update(fields)
    return Debrief.model_validate(base)


def test_reasons_without_valid_evidence_are_dropped_and_counted() -> None:
    debrief = _debrief(
        reasons=[
            Reason(claim="Has a gold set.", citations=[
                Citation(turn="t3", quote="A gold set of 300"),
                Citation(turn="t3", quote="made up"),
            ]),
            Reason(claim="Invented.", citations=[Citation(turn="t7", quote="never said")]),
            Reason(claim="Uncited.", citations=[]),
        ],
        dropped_citations=1,
    )
    checked = validate_debrief(debrief, TRANSCRIPT, KnownSnippets(("snip-a",)))
    assert [r.claim for r in checked.reasons] == ["Has a gold set."]
    assert checked.reasons[0].citations == [Citation(turn="t3", quote="A gold set of 300")]
    assert checked.dropped_citations == 3  # 1 already counted by the brain + 2 here
    assert not checked.needs_review


def test_all_reasons_dropped_leaves_one_honest_reason_and_flags_review() -> None:
    debrief = _debrief(reasons=[Reason(claim="Fake.", citations=[Citation(snippet="nope")])])
    checked = validate_debrief(debrief, TRANSCRIPT, KnownSnippets(("snip-a",)))
    assert [r.claim for r in checked.reasons] == [UNVERIFIED_CLAIM]
    assert checked.reasons[0].citations == []
    assert checked.needs_review
    assert checked.decision == debrief.decision


def test_stage_evidence_red_flags_and_votes_are_checked_too() -> None:
    good = Citation(turn="t1", quote="senior agents")
    bad = Citation(turn="t1", quote="junior agents")
    debrief = _debrief(
        stage_scores={s: StageScore(stage=s, score=2, evidence=[good, bad]) for s in STAGE_IDS},
        red_flags=[
            RedFlagFinding(id="manual_data_collection", name="m", stage="data_strategy",
                           severity=2, citations=[bad]),
            RedFlagFinding(id="no_gold_set", name="n", stage="evaluation", severity=3),
            RedFlagFinding(id="magic_box", name="g", stage="model_integration", severity=2,
                           citations=[good, bad]),
        ],
        votes=[PanelVote(panelist="interviewer", decision="hire", confidence=0.6,
                         citations=[bad, good])],
    )
    checked = validate_debrief(debrief, TRANSCRIPT, KnownSnippets(("snip-a",)))
    assert all(s.evidence == [good] for s in checked.stage_scores.values())
    assert [f.id for f in checked.red_flags] == ["no_gold_set", "magic_box"]
    assert checked.red_flags[1].citations == [good]
    assert checked.votes[0].citations == [good]
    assert checked.dropped_citations == 5 + 1 + 1 + 1


def test_valid_debrief_is_unchanged() -> None:
    debrief = _debrief()
    assert validate_debrief(debrief, TRANSCRIPT, KnownSnippets(("snip-a",))) == debrief


def test_every_citing_part_is_walked_with_where_it_stands() -> None:
    quote, snippet = Citation(turn="t1", quote="senior agents"), Citation(snippet="snip-a")
    debrief = _debrief(
        reasons=[Reason(claim="A.", citations=[quote]), Reason(claim="B.", citations=[])],
        stage_scores={"evaluation": StageScore(stage="evaluation", score=2, evidence=[snippet])},
        red_flags=[RedFlagFinding(id="no_gold_set", name="n", stage="evaluation", severity=3,
                                  citations=[quote])],
        votes=[PanelVote(panelist="interviewer", decision="hire", confidence=0.6,
                         citations=[snippet, quote])],
    )
    assert [(where, len(cs)) for where, cs in citing_parts(debrief)] == [
        ("reasons[0]", 1), ("reasons[1]", 0), ("stage_scores.evaluation", 1),
        ("red_flags[0]", 1), ("votes[0]", 2),
    ]
    assert all_citations(debrief) == [quote, snippet, quote, snippet, quote]


def test_checking_leaves_the_callers_debrief_alone() -> None:
    bad = Citation(turn="t1", quote="junior agents")
    debrief = _debrief(votes=[PanelVote(panelist="interviewer", decision="hire",
                                        confidence=0.6, citations=[bad])])
    validate_debrief(debrief, TRANSCRIPT, KnownSnippets(("snip-a",)))
    assert debrief.votes[0].citations == [bad]
