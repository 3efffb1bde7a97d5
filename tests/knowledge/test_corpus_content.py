"""Content checks on the panel, the debrief-snippet corpus and the question bank."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from knowledge.embeddings import get_embedder
from knowledge.loader import (
    DATA_DIR,
    load_model,
    load_panel,
    load_questions,
    load_rubric,
    load_snippets,
)
from knowledge.models import PANELIST_IDS, STAGE_IDS, Snippet, SnippetCorpus
from knowledge.settings import Settings

SEED = Path(__file__).parents[2].parent / "shared/seed/000_1ac97b7e15d98072.txt"

OWNED_STAGES = {
    "interviewer": {"objective", "evaluation"},
    "hiring_manager": {"data_strategy", "scaling"},
    "lead_engineer": {"model_integration", "scaling"},
}
ID_PREFIX = {"interviewer": "int", "hiring_manager": "hm", "lead_engineer": "le"}
STAGE_ABBR = {
    "objective": "obj",
    "data_strategy": "data",
    "model_integration": "model",
    "evaluation": "eval",
    "scaling": "scale",
}

_ALL = r"(\bevery\b|\beach\b|(?<!\w)100%)"
_EXPERT = (
    r"\b(experts?|phds?|oncologists?|linguists?|clinicians?|physicians?|partner|"
    r"senior annotator|certified coders?)\b"
)

# Words that mark a negative snippet as being about each red flag in CONTRACTS.md.
RED_FLAG_KEYWORDS: dict[str, str] = {
    "ui_focus": r"\b(ui|chat window|chat bubbles?|animation|mockups?|dashboard colou?rs|"
    r"layout|widget|spinner|progress[- ]bar)\b",
    "magic_box": r"\b(gpt-4|magic[- ]box|oracle|best llm|best model|latest model|just know)\b",
    "full_expert_verification": rf"{_ALL}[^.]{{0,60}}{_EXPERT}|{_EXPERT}[^.]{{0,60}}{_ALL}",
    "accuracy_at_any_cost": r"\b(most accurate|highest[- ]accuracy|largest (available )?model|"
    r"biggest model|regardless of (cost|latency|response time))\b",
    "manual_data_collection": r"\b(manually|by hand|hand-(picking|tagging|written)|"
    r"spreadsheet|linearly)\b",
    "thumbs_only_feedback": r"\b(thumbs(-up|-down)?|star rating|like button|upvotes?)\b",
    "infra_over_data": r"\b(kubernetes|microservices?|service mesh|autoscaling|kafka|"
    r"load balancers?|grpc|api gateway|airflow)\b",
    "errors_shown_to_user": r"\berror page\b|\breturn a 500\b|\bno fallback\b",
    "no_gold_set": r"\bgold (set|audio|judgements|reference|answers|examples)\b|"
    r"\bheld-out gold\b",
    "ungated_auto_deploy": r"\b(automatically|deploys itself|auto-promotion|"
    r"continuous deployment)\b",
    "humans_removed": r"\b(out of the loop|fully automated|no people|let the \w+ team go)\b",
    "guessing_metric": r"\b(pays the model to guess|rewards it over abstaining|guessing would)\b",
    "savings_ignore_failures": r"\b(called it\s+savings|full saving|failed ones)\b",
    "audit_stopped": r"\b(stop auditing|switch off the \w+ spot checks|sample could be dropped)\b",
    "unchecked_llm_judge": r"\b(llm judge|judge's average|graded a sample by hand)\b",
    "vendor_quality_trusted": r"\b(vendor's own|provider's own|published benchmark)\b",
    "accuracy_hides_rare_cases": r"\b(overall accuracy|flags nothing|right 97 times)\b",
    "predictions_as_labels": r"\b(as ground truth|own predictions|own training labels)\b",
    "synthetic_only_eval": r"\b(llm wrote|generated test cases|synthetic queries)\b",
    "engagement_as_success": r"\b(headline metric|on that north star|engagement minutes)\b",
    "random_only_labels": r"\b(uniform random sample|biased population|skew the data)\b",
    "live_test_dismissed": r"\b(a luxury|live experiment unnecessary|skip the online test)\b",
    "automation_as_success": r"\b(touchless rate|the answer rate|untriaged backlog)\b",
    "selective_labels": r"\b(declined ones|declined application|never came back with an outcome)\b",
    "eval_leakage": r"\b(few-shot examples came from|read in pretraining|same examples to "
    r"fine-tune)\b",
    "short_experiment": r"\b(two weekdays|48-hour a/b|at first significance)\b",
    "average_latency_budget": r"\b(blended mean|average response time|averaged away)\b",
    "unsure_answer_sent": r"\b(may be inaccurate|plus a disclaimer|warning icon)\b",
    "borrowed_threshold": r"\b(default cut-off|other teams used|industry norm)\b",
    "acceptance_as_accuracy": r"\b(coders kept|without edits|right by definition)\b",
    "self_reported_confidence": r"\b(printed beside each field|rated above nine|"
    r"wrote about itself)\b",
    "swapped_precision_recall": r"\b(deciding number precision|precision and recall swapped|"
    r"that is recall)\b",
    "fairness_by_blindness": r"\b(could not be biased because|called the model fair|"
    r"removing protected fields)\b",
}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.fixture(scope="module")
def snippets() -> list[Snippet]:
    return load_snippets().snippets


def test_panel_loads_with_the_agreed_ownership() -> None:
    panel = load_panel()
    assert {p.id for p in panel.panelists} == set(PANELIST_IDS)
    for panelist in panel.panelists:
        assert set(panelist.stages) == OWNED_STAGES[panelist.id], panelist.id
        assert len(panelist.avatar) == 1, f"{panelist.id} avatar must be one emoji"
    assert len({p.voice for p in panel.panelists}) == 3
    assert len({p.charter for p in panel.panelists}) == 3


def test_each_snippet_file_loads_and_holds_one_panelist() -> None:
    for panelist in PANELIST_IDS:
        corpus = load_model(DATA_DIR / "snippets" / f"{panelist}.yaml", SnippetCorpus)
        assert len(corpus.snippets) >= 60, panelist
        for snippet in corpus.snippets:
            assert snippet.panelist == panelist, snippet.id
            pattern = rf"^{ID_PREFIX[panelist]}-{STAGE_ABBR[snippet.stage]}-\d{{3}}$"
            assert re.match(pattern, snippet.id), snippet.id


def test_corpus_is_large_and_balanced(snippets: list[Snippet]) -> None:
    assert len(snippets) >= 150
    pairs: Counter[tuple[str, str]] = Counter((s.panelist, s.stage) for s in snippets)
    for panelist in PANELIST_IDS:
        for stage in STAGE_IDS:
            assert pairs[(panelist, stage)] >= 5, (panelist, stage)
        owned = min(pairs[(panelist, s)] for s in OWNED_STAGES[panelist])
        others = max(pairs[(panelist, s)] for s in STAGE_IDS if s not in OWNED_STAGES[panelist])
        assert owned > others, f"{panelist} should write most about the stages it owns"
    stages = Counter(s.stage for s in snippets)
    assert all(stages[stage] >= 20 for stage in STAGE_IDS), stages
    for panelist in PANELIST_IDS:
        mine = [s for s in snippets if s.panelist == panelist]
        positive = sum(s.polarity == "positive" for s in mine) / len(mine)
        assert 0.4 <= positive <= 0.6, (panelist, positive)
    for stage in STAGE_IDS:
        here = [s for s in snippets if s.stage == stage]
        assert {s.polarity for s in here} == {"positive", "negative"}, stage


def test_question_tags_come_from_the_question_bank(snippets: list[Snippet]) -> None:
    bank = load_questions()
    vocabulary = {q.id for q in bank.questions} | {t for q in bank.questions for t in q.tags}
    question_ids = {q.id for q in bank.questions}
    for snippet in snippets:
        assert snippet.question_tags, snippet.id
        unknown = set(snippet.question_tags) - vocabulary
        assert not unknown, (snippet.id, unknown)
    used = {t for s in snippets for t in s.question_tags} & question_ids
    assert used == question_ids, f"questions with no snippet: {sorted(question_ids - used)}"


@pytest.mark.parametrize("flag", sorted(RED_FLAG_KEYWORDS))
def test_each_red_flag_has_several_negative_snippets(flag: str, snippets: list[Snippet]) -> None:
    pattern = re.compile(RED_FLAG_KEYWORDS[flag], re.IGNORECASE)
    hits = [s.id for s in snippets if s.polarity == "negative" and pattern.search(s.text)]
    assert len(hits) >= 3, (flag, hits)


def test_every_rubric_red_flag_has_corpus_keywords() -> None:
    missing = {f.id for f in load_rubric().red_flags} - set(RED_FLAG_KEYWORDS)
    assert not missing, f"add negative snippets and keywords for red flags {sorted(missing)}"


def test_red_flag_keywords_do_not_describe_good_answers(snippets: list[Snippet]) -> None:
    # A keyword that fires on many positive notes would not identify the flag at all.
    for flag, regex in RED_FLAG_KEYWORDS.items():
        pattern = re.compile(regex, re.IGNORECASE)
        positives = [s.id for s in snippets if s.polarity == "positive" and pattern.search(s.text)]
        assert len(positives) <= 2, (flag, positives)


def test_no_two_snippets_are_near_duplicates(snippets: list[Snippet], settings: Settings) -> None:
    vectors = get_embedder(settings).embed([s.text for s in snippets])
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, 0.0)
    i, j = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
    assert similarity[i, j] < 0.95, (snippets[i].id, snippets[j].id, float(similarity[i, j]))
    texts = Counter(" ".join(_words(s.text)) for s in snippets)
    assert max(texts.values()) == 1


def test_no_snippet_reuses_eight_words_from_the_seed(snippets: list[Snippet]) -> None:
    if not SEED.is_file():
        pytest.skip(f"seed file not present at {SEED}; the copy check needs it")
    seed = _words(SEED.read_text(encoding="utf-8"))
    seed_runs = {tuple(seed[k : k + 8]) for k in range(len(seed) - 7)}
    for snippet in snippets:
        words = _words(snippet.text)
        copied = [
            words[k : k + 8] for k in range(len(words) - 7) if tuple(words[k : k + 8]) in seed_runs
        ]
        assert not copied, (snippet.id, " ".join(copied[0]))


def test_snippet_ids_are_unique_across_panelists(snippets: list[Snippet]) -> None:
    ids = [s.id for s in snippets]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


def test_question_bank_covers_many_use_cases() -> None:
    bank = load_questions()
    assert len(bank.questions) >= 12
    assert len({q.use_case for q in bank.questions}) >= 6


def test_focused_questions_name_their_focus_signals_within_their_stages() -> None:
    stage_of = {s.id: s.stage for s in load_rubric().signals}
    for question in load_questions().questions:
        if len(question.assesses) < 5:
            assert question.focus_signals, f"{question.id}: a focused question names its signals"
        for signal_id in question.focus_signals:
            assert stage_of.get(signal_id) in question.assesses, (question.id, signal_id)
        for signal_id in question.unused_signals:
            assert signal_id in stage_of, (question.id, signal_id)
