"""A small hand-written snippet corpus for index and CLI tests (independent of the real data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SAMPLE_SNIPPETS: list[dict[str, Any]] = [
    {
        "id": "t-objective-pos",
        "panelist": "interviewer",
        "stage": "objective",
        "polarity": "positive",
        "question_tags": ["healthcare", "expert-review"],
        "text": "Pinned down what a correct code assignment is before any boxes were drawn, "
        "and proposed a two-hundred-chart gold set signed off by certified coders.",
    },
    {
        "id": "t-objective-neg",
        "panelist": "hiring_manager",
        "stage": "objective",
        "polarity": "negative",
        "question_tags": ["legal"],
        "text": "Never said what a right summary looks like; went straight to services "
        "with nothing to measure the output against.",
    },
    {
        "id": "t-ui-neg",
        "panelist": "interviewer",
        "stage": "objective",
        "polarity": "negative",
        "question_tags": ["support"],
        "text": "Spent most of the slot on chat bubbles and the typing animation and never "
        "got to where the training data comes from.",
    },
    {
        "id": "t-data-sample-pos",
        "panelist": "hiring_manager",
        "stage": "data_strategy",
        "polarity": "positive",
        "question_tags": ["labeling", "expert-review"],
        "text": "Experts audit a ten percent sample of vendor labels to estimate the error "
        "rate of the rest, and the vendor is paid against that estimate.",
    },
    {
        "id": "t-data-all-experts-neg",
        "panelist": "lead_engineer",
        "stage": "data_strategy",
        "polarity": "negative",
        "question_tags": ["labeling"],
        "text": "Wanted specialists to re-check every single label; no sampling at all, so "
        "the review bill grows in step with volume.",
    },
    {
        "id": "t-data-automate-pos",
        "panelist": "interviewer",
        "stage": "data_strategy",
        "polarity": "positive",
        "question_tags": ["labeling", "auto-labeling"],
        "text": "Hands easy items to an auto-labeler once its agreement with experts passes "
        "ninety-five percent, keeping experts for disputed items only.",
    },
    {
        "id": "t-routing-pos",
        "panelist": "lead_engineer",
        "stage": "model_integration",
        "polarity": "positive",
        "question_tags": ["confidence-routing"],
        "text": "A small classifier takes the confident cases; low-confidence ones escalate to "
        "the large model and then to a human queue instead of returning an error.",
    },
    {
        "id": "t-magic-box-neg",
        "panelist": "lead_engineer",
        "stage": "model_integration",
        "polarity": "negative",
        "question_tags": ["legal", "hallucination"],
        "text": "Said they would just call the biggest LLM available; no prompt design, no "
        "check for invented facts, no idea what a call costs.",
    },
    {
        "id": "t-implicit-feedback-pos",
        "panelist": "interviewer",
        "stage": "evaluation",
        "polarity": "positive",
        "question_tags": ["implicit-feedback", "support"],
        "text": "Reads quality from how much users edit the drafts and from abandoned sessions "
        "rather than from rating buttons.",
    },
    {
        "id": "t-no-gold-neg",
        "panelist": "hiring_manager",
        "stage": "evaluation",
        "polarity": "negative",
        "question_tags": ["healthcare"],
        "text": "Would ship the retrained model with no held-out gold set and no A/B "
        "comparison, and had no alarm for drift.",
    },
    {
        "id": "t-unit-economics-pos",
        "panelist": "hiring_manager",
        "stage": "scaling",
        "polarity": "positive",
        "question_tags": ["labeling"],
        "text": "Worked out the cost per thousand items from expert hourly rates and token "
        "spend, and set a four-hundred-millisecond budget for the first token.",
    },
    {
        "id": "t-accuracy-any-cost-neg",
        "panelist": "lead_engineer",
        "stage": "scaling",
        "polarity": "negative",
        "question_tags": ["fraud"],
        "text": "Chose the most accurate model whatever the latency or price, and could not "
        "say what a false positive costs the business.",
    },
]


def write_corpus(directory: Path, snippets: list[dict[str, Any]] | None = None) -> Path:
    """Write snippets as one YAML file per panelist (the real corpus layout); return the folder."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.yaml"):
        old.unlink()
    by_panelist: dict[str, list[dict[str, Any]]] = {}
    for snippet in SAMPLE_SNIPPETS if snippets is None else snippets:
        by_panelist.setdefault(snippet["panelist"], []).append(snippet)
    for panelist, items in by_panelist.items():
        (directory / f"{panelist}.yaml").write_text(
            yaml.safe_dump({"snippets": items}, sort_keys=False), encoding="utf-8"
        )
    return directory
