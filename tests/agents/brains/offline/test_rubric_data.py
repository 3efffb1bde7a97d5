"""The rubric and calibration data files: shape, coverage and validation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agents.brains.offline.calibration import CALIBRATION_PATH, load_calibration
from knowledge.loader import KnowledgeFileError, load_rubric
from knowledge.models import STAGE_IDS

CONTRACT_FLAGS = {
    "ui_focus",
    "magic_box",
    "full_expert_verification",
    "accuracy_at_any_cost",
    "manual_data_collection",
    "thumbs_only_feedback",
    "infra_over_data",
    "no_gold_set",
}
STAGE_OWNERS = {
    "objective": "interviewer",
    "data_strategy": "hiring_manager",
    "model_integration": "lead_engineer",
    "evaluation": "interviewer",
    "scaling": "hiring_manager",
}


def test_stages_have_their_owners() -> None:
    rubric = load_rubric()
    assert {s.id: s.owner for s in rubric.stages} == STAGE_OWNERS


@pytest.mark.parametrize("stage", STAGE_IDS)
def test_each_stage_has_six_concrete_signals(stage: str) -> None:
    signals = load_rubric().signals_for(stage)
    assert len(signals) >= 6
    for signal in signals:
        assert len(signal.exemplars) >= 5, signal.id
        assert len(set(signal.exemplars)) == len(signal.exemplars), signal.id
        assert signal.substance and signal.description and signal.owner


def test_red_flags_cover_the_contract_ids() -> None:
    flags = load_rubric().red_flags
    assert {f.id for f in flags} >= CONTRACT_FLAGS
    for flag in flags:
        assert len(flag.exemplars) >= 4, flag.id
        assert flag.patterns, flag.id


def test_calibration_validates() -> None:
    cal = load_calibration()
    assert cal.scoring.stage_cuts == sorted(cal.scoring.stage_cuts)
    for panelist in ("interviewer", "hiring_manager", "lead_engineer"):
        assert len(cal.probes.lead_ins[panelist]) >= 2 * cal.probes.per_panelist, panelist
        assert cal.probes.openers[panelist] and cal.probes.hedge_lead_ins[panelist], panelist


def test_bad_calibration_fails_naming_the_field(tmp_path: Path) -> None:
    text = CALIBRATION_PATH.read_text(encoding="utf-8").replace(
        "signal_threshold: 0.5", "signal_threshold: 1.5"
    )
    bad = tmp_path / "calibration.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeFileError, match="signal_threshold"):
        load_calibration.__wrapped__(bad)


def test_probe_wording_covers_every_rubric_id() -> None:
    rubric, probes = load_rubric(), load_calibration().probes
    ids = {s.id for s in rubric.signals} | {f.id for f in rubric.red_flags}
    assert ids <= set(probes.focus)
    assert ids <= set(probes.push)
    assert {s.id for s in rubric.signals} == set(probes.deeper)
    ids = {s.id for s in rubric.signals}
    assert all(a in ids and b in ids and a != b for a, b in probes.deeper_asks_about.items())
    assert set(probes.deeper_answered_by) <= ids
    assert {f.id for f in rubric.red_flags} <= set(probes.flag_concerns)
    assert {f.id for f in rubric.red_flags} <= set(load_calibration().writer.flag_fix)


def test_what_a_panel_asks_for_names_real_signals_and_parts() -> None:
    writer = load_calibration().writer
    assert set(writer.asks_for) <= {s.id for s in load_rubric().signals}
    assert {p for parts in writer.asks_for.values() for p in parts} <= set(writer.part_names)


def test_the_topics_an_admission_can_name_and_the_absence_flags_are_rubric_ids() -> None:
    calibration, rubric = load_calibration(), load_rubric()
    assert set(calibration.stance.hedge_topic_cues) <= {s.id for s in rubric.signals}
    assert set(calibration.absence_flags) <= {f.id for f in rubric.red_flags}
    signals = {s for config in calibration.absence_flags.values() for s in config.signals}
    assert signals <= {s.id for s in rubric.signals}


@pytest.mark.parametrize(
    ("signal", "text"),
    [
        ("tiered_sample_verification", "Each week 5% of the accepted items go to a second review."),
        ("success_metric_target", "Goal: cut the time to a first reply from 9 hours to 2."),
        ("success_metric_target", "We want to bring the refund error rate down from 4% to 1%."),
        ("heldout_gold_gate", "We only ship a new version if it wins on last quarter's cases."),
        ("heldout_gold_gate", "Every threshold change is backtested on six months of orders."),
        ("heldout_gold_gate", "We wouldn't launch it until 90% of the drafts pass the review."),
        ("success_metric_target", "My goal was cutting repeat questions in the channel by half."),
        ("gold_reference_set", "Leads wrote 150 questions with the correct source page for each."),
        ("output_verification", "An LLM-as-a-judge pass scores every draft for faithfulness."),
        ("labeler_quality_audit", "We slip known items into every batch the vendor labels."),
        ("gold_reference_set", "Two nurses judge each pair and a third settles where they differ."),
        ("tiered_sample_verification", "Every week ~200 summaries go to two senior editors."),
        ("tiered_sample_verification", "40 random accepted replies a week go back to Priya."),
        ("data_from_usage", "The real labels come from adjusters: a changed field is a miss."),
        ("data_from_usage", "Every correction inside the tool becomes a label with its context."),
        ("heldout_gold_gate", "Replay the past quarter and compare what the new ranking recovers."),
        ("online_ab_test", "Four stores work the model's order for a month, four the usual way."),
        ("online_ab_test", "Then a six-week pilot in two regions before anyone else sees it."),
        ("model_cascade_routing", "Refund disputes skip the bot and go to the billing queue."),
        ("model_as_costed_component", "No LLM for the scoring; a small tree model does that part."),
        ("heldout_gold_gate", "Three coaches grade them blind, mixed in with weeks a coach wrote."),
        ("heldout_gold_gate", "Launch if coaches would pick the AI week as often as their own."),
        ("heldout_gold_gate", "A new model must be better in each region, not only in total."),
        ("labeling_guidelines_agreement", "Where they differ, a plant pathologist decides."),
        ("sliced_error_analysis", "I'd break errors down by supplier and by layout."),
        ("who_labels", "QA technicians are the labelers; they already know the certificates."),
        ("graceful_fallback", "If the provider hasn't replied within a second, we show the menu."),
        ("implicit_behavioral_feedback", "A replay counts as positive, a skip in 5 s as negative."),
        ("implicit_behavioral_feedback", "The ranker updates from the first 10 clicks each visit."),
        ("tiered_sample_verification", "A senior editor spot-checks 30 articles a week."),
        ("success_metric_target", "The north star is repeat bookings within 60 days."),
        ("success_metric_target", "Business metric: repeat orders per household over 8 weeks."),
        ("success_metric_target", "KPI: calls resolved on the first visit, up from 61%."),
        ("online_ab_test", "Ramp 2%, 10%, 50% of sellers, a week at each step."),
        ("online_ab_test", "Refund requests up more than 5%, and we pause the ramp."),
        ("heldout_gold_gate", "It must find 95% of the required items before any agent uses it."),
        ("gold_reference_set", "The lab re-tests 300 samples, so we know the true grade of each."),
        ("error_cost_asymmetry", "A faulty board that ships ends up as a warranty return."),
        ("error_cost_asymmetry", "A good parcel held by mistake costs a day of delivery."),
        ("error_cost_asymmetry", "The costly mistake isn't a late report; it's a wrong one."),
        ("error_cost_asymmetry", "A wrong dose is the worst outcome; a late one is next-worst."),
        ("correct_output_defined", "What's a good summary?"),
        ("correct_output_defined", "right tag = the word a buyer typed before buying the photo"),
        (
            "gold_reference_set",
            "We'd assemble a set of 2,000 receipts with two clerks marking every field.",
        ),
        ("online_ab_test", "Roll it out to 10% of shops and compare their refunds with the rest."),
        ("heldout_gold_gate", "Sign-off needs no misses on the golden samples."),
        ("tiered_sample_verification", "Each month a sample of 40 approved claims is audited."),
        ("tiered_sample_verification", "On Fridays a pharmacist reviews 25 random refills."),
        ("tiered_sample_verification", "Every month 200 random invoices are re-checked by hand."),
        ("tiered_sample_verification", "Two pharmacists re-read 40 sent replies a week."),
        ("gold_reference_set", "900 past claims with the adjuster's final payout as truth."),
        ("heldout_gold_gate", "The bar is recall for fraud ≥ 95% on that set, per region."),
        ("labeling_cost", "The real bill is adjuster time, about 18 hours a week."),
        ("labeling_cost", "What that costs is nurse time on the flagged third."),
        ("graceful_fallback", "past that the tool says i'm not sure and gives the desk line"),
        ("graceful_fallback", "and if the part or the match is weak it shows the parts desk"),
        ("heldout_gold_gate", "Train on the older visits and test on the most recent quarter."),
        ("online_ab_test", "Eight pilot depots run it against eight matched ones for a month."),
        ("online_ab_test", "Next, some weeks of shadowing on real orders before anyone acts."),
        ("heldout_gold_gate", "Those cases stay walled off from the prompt work."),
        ("correct_output_defined", "Label: churned within 60 days, freezes excluded."),
        ("online_ab_test", "Two depots get the tool for a month, against two depots without it."),
        ("online_ab_test", "Five stores use it for six weeks, against three without."),
        ("online_ab_test", "We'd run the model in parallel for a quarter; buyers order as usual."),
        ("error_cost_asymmetry", "Over-stocking is the cheaper mistake; empty shelves lose sales."),
        ("tiered_sample_verification", "Each Friday a pharmacist reads 25 random replies."),
        ("online_ab_test", "Open it to 15% of tenants for two months vs the rest."),
        ("online_ab_test", "half the branches run it and half without, for a quarter"),
        ("online_ab_test", "then pilot in one region, against the current process"),
        ("online_ab_test", "we compare churn with five teams that don't have it"),
        ("online_ab_test", "six clinics get the assistant for a month and six similar ones don't"),
        ("online_ab_test", "we'd shadow the model for three weeks first"),
        ("heldout_gold_gate", "take 80 contracts that the model never saw"),
        ("heldout_gold_gate", "before launch it has to score 90% on those"),
        ("gold_reference_set", "150 past tickets where two agents write the right answer"),
        ("error_cost_asymmetry", "Which mistake hurts most: a refund paid twice."),
        ("success_metric_target", "Handling time: 9 minutes down to 4."),
        ("inference_cost", "OCR runs about $2 per thousand pages."),
        ("correct_output_defined", '"right" = the totals the old report printed, to the cent'),
        ("error_cost_asymmetry", "a wrong total that still adds up is the killer here"),
        ("correct_output_defined", "So a correct alert is a pump that fails within the week."),
        ("success_metric_target", "catch at least 80% of the leaks a day before the crew would"),
        ("heldout_gold_gate", "we hold back whole stores and the latest quarter for the test"),
        ("heldout_gold_gate", "it has to get 97% of those right or it doesn't ship"),
        ("online_ab_test", "then six weeks on pilot depots, compared with the others"),
        ("tiered_sample_verification", "a nurse also reads a random handful of unflagged charts"),
        ("error_cost_asymmetry", "Missed fires are the one mistake we cannot make."),
        ("error_cost_asymmetry", "we accept lots of false alarms on the night shift"),
        ("gold_reference_set", "two senior agents take 300 real chats and label, separately, each"),
        ("online_ab_test", "30 branches get the call list and 30 matched branches don't"),
        ("heldout_gold_gate", "below that it doesn't go to the nurses"),
        ("gold_reference_set", "three coders go through 200 of them separately and mark each"),
    ],
)
def test_signal_patterns_name_plain_wording(signal: str, text: str) -> None:
    patterns = next(
        [*s.patterns, *s.decisive_patterns] for s in load_rubric().signals if s.id == signal
    )
    assert any(re.search(p, text, re.IGNORECASE) for p in patterns), text


@pytest.mark.parametrize(
    "text",
    [
        "Two reviewers given the same video disagreed on the age band 18% of the time.",
        "Within one band of the board's rating counts as right.",
        "Offers stay inside the pay band the recruiter set.",
        "A listener who follows two punk bands hears nothing but punk.",
    ],
)
def test_a_band_that_is_no_confidence_band_names_no_threshold(text: str) -> None:
    patterns = next(s.patterns for s in load_rubric().signals if s.id == "confidence_thresholds")
    assert not any(re.search(p, text, re.IGNORECASE) for p in patterns), text
    band = "Scores in the middle band go to a reviewer."
    assert any(re.search(p, band, re.IGNORECASE) for p in patterns)


def test_each_panelist_voice_names_a_topic_for_every_stage_it_owns() -> None:
    from knowledge.loader import load_panel

    voices = load_calibration().writer.vote_voice
    for panelist in load_panel().panelists:
        assert set(voices[panelist.id].topics) == set(panelist.stages), panelist.id


@pytest.mark.parametrize(
    ("signal", "text"),
    [
        ("unit_economics_margin", "A listener who saves three songs in week one tends to stay."),
        ("volume_and_capacity", "Then 5%, 20%, 50% of traffic, a week each."),
        ("volume_and_capacity", "A pharmacist spot-checks 50 summaries a week."),
        # A minute saved is what the product is worth, not how long anyone waits.
        ("latency_budget", "One minute saved per chat is about 100 agent-hours a day."),
    ],
)
def test_a_trigger_word_in_another_sense_names_no_signal(signal: str, text: str) -> None:
    rubric = load_rubric()
    spec = next(s for s in rubric.signals if s.id == signal)
    named = any(re.search(p, text, re.IGNORECASE) for p in spec.patterns)
    denied = any(re.search(p, text, re.IGNORECASE) for p in spec.not_shown_by)
    assert not named or denied, text


def test_the_flags_keyed_in_the_calibration_are_rubric_flags() -> None:
    calibration, flags = load_calibration(), {f.id for f in load_rubric().red_flags}
    for table in (
        calibration.flag_excuses,
        calibration.flag_context_excuses,
        calibration.flag_needs_context,
        calibration.flag_overrides,
        calibration.flag_override_exempt,
    ):
        assert set(table) <= flags, set(table) - flags
