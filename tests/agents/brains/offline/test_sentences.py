"""Sentence reading: hard-wrapped text reads as the same sentences as unwrapped text, verbatim."""

from __future__ import annotations

import pytest

from agents.brains.offline.sentences import Sentence, split_candidate_turns
from agents.transcript import Turn

WRAPPED = """\
For the new prompt, I'd keep 250 past tickets that our leads summarised by hand and score both
prompts on them. The new prompt needs to win at least 60% of blind pairwise comparisons before
shipping.

Data strategy
- Agents review a random 5% of bot-closed tickets every week and
  estimate the error rate of the rest.
- Disagreements go to the support lead.
"""


def _read(text: str) -> list[Sentence]:
    turns = [Turn(id="t1", speaker="candidate", text=text)]
    found, _ = split_candidate_turns(turns, max_words=5000, max_sentence_words=80)
    return found


def _sentences(text: str) -> list[str]:
    return [s.text for s in _read(text)]


def test_hard_wrapped_lines_read_as_whole_sentences_quoted_verbatim() -> None:
    wrapped = _sentences(WRAPPED)
    assert all(s in WRAPPED for s in wrapped)
    unwrapped = [" ".join(s.split()) for s in wrapped]
    assert unwrapped == [
        "For the new prompt, I'd keep 250 past tickets that our leads summarised by hand and "
        "score both prompts on them.",
        "The new prompt needs to win at least 60% of blind pairwise comparisons before shipping.",
        "Agents review a random 5% of bot-closed tickets every week and estimate the error rate "
        "of the rest.",
        "Disagreements go to the support lead.",
    ]


def test_a_short_title_line_is_not_glued_to_the_paragraph_below() -> None:
    sentences = _sentences("Ground truth\nWe keep 300 graded tickets as the reference set.\n")
    assert sentences == ["We keep 300 graded tickets as the reference set."]


def test_abbreviations_inside_a_sentence_do_not_end_it() -> None:
    text = (
        "A ticket counts as resolved, i.e. the customer does not reopen it within a week. "
        "Cheap checks come first, e.g. the cited article must exist. Done."
    )
    assert _sentences(text) == [
        "A ticket counts as resolved, i.e. the customer does not reopen it within a week.",
        "Cheap checks come first, e.g. the cited article must exist.",
        "Done.",
    ]
    notes = (
        "same filters (excl. test accounts, incl. refunds), same grain. Costs are est. Then ship."
    )
    assert _sentences(notes) == [
        "same filters (excl. test accounts, incl. refunds), same grain.",
        "Costs are est.",
        "Then ship.",
    ]
    item = "- Shadow run\n  - Compare model vs. agent call on every ticket, weekly."
    read = _read(item)
    assert [s.text for s in read][-1] == "Compare model vs. agent call on every ticket, weekly."
    assert read[-1].section != "Compare model vs."


def test_an_indented_outline_keeps_its_items_apart_and_its_wrapped_lines_together() -> None:
    outline = (
        "Aim: growers save a season's harvest on the worst fields\n"
        "  Headline metric: treated fields that recover within two weeks\n"
        "    (confirmed by the officer on the follow-up visit)\n"
        "  Checks on the side of the main metric\n"
        "    - spray purchases per farm, which should fall rather than climb\n"
    )
    assert [" ".join(s.split()) for s in _sentences(outline)] == [
        "growers save a season's harvest on the worst fields",
        "treated fields that recover within two weeks"
        " (confirmed by the officer on the follow-up visit)",
        "Checks on the side of the main metric",
        "spray purchases per farm, which should fall rather than climb",
    ]


def test_a_spoken_pause_inside_a_sentence_does_not_end_it() -> None:
    text = "The goal would be... um, fewer wasted treatments per farm. Then we wait... Done."
    assert _sentences(text) == [
        "The goal would be... um, fewer wasted treatments per farm.",
        "Then we wait...",
        "Done.",
    ]


def test_a_long_bold_label_is_a_label_not_part_of_the_quote() -> None:
    text = (
        "- **Sampled error of the automated removals:** regional leads review 2,000 "
        "auto-actioned posts per language each week."
    )
    turns = [Turn(id="t1", speaker="candidate", text=text)]
    (sentence,) = split_candidate_turns(turns, max_words=5000, max_sentence_words=80)[0]
    assert sentence.text.startswith("regional leads review 2,000")
    assert sentence.section == "Sampled error of the automated removals"
    assert "*" not in sentence.text


def test_a_table_cell_is_read_under_its_row_label_and_column_name() -> None:
    text = (
        "| Aspect | Definition | Target |\n"
        "|---|---|---|\n"
        "| Grounded | every claim traceable to a cited passage | 98% of sampled answers |\n"
        "| 3 | no label cell here | 60% |\n"
    )
    sentences = _read(text)
    contexts = [s.context for s in sentences]
    assert contexts[:2] == [
        "Grounded (definition): every claim traceable to a cited passage",
        "Grounded (target): 98% of sampled answers",
    ]
    assert [s.text for s in sentences][1] == "98% of sampled answers"  # the quote stays verbatim
    assert contexts[2:] == ["Aspect: 3", "Definition: no label cell here", "Target: 60%"]


def test_a_frame_label_stays_out_of_the_text_as_read_but_a_topic_label_stays_in() -> None:
    text = (
        "Action: We indexed the policy site and closed tickets, and re-indexed them nightly.\n"
        "What I'd do instead: two lawyers mark up 300 past contracts clause by clause.\n"
        "Reference set: 300 contracts that two lawyers marked clause by clause.\n"
    )
    assert [s.context for s in _read(text)] == [
        "We indexed the policy site and closed tickets, and re-indexed them nightly.",
        "two lawyers mark up 300 past contracts clause by clause.",
        "Reference set: 300 contracts that two lawyers marked clause by clause.",
    ]


def test_two_full_claims_joined_by_and_we_are_read_apart_but_a_hedge_and_its_reason_are_not() -> (
    None
):
    two_claims = (
        "Two people from HR wrote 200 real questions with the correct source page for each, "
        "and we would not ship until 85% of the answers cited the right page."
    )
    first, second = _sentences(two_claims)
    assert first.endswith("for each")
    assert second.startswith("we would not ship until 85%")
    hedge = (
        "I don't have the per-review rate for these annotator tiers yet, so I'd get quotes "
        "from two vendors before committing to that volume."
    )
    assert _sentences(hedge) == [hedge]
    short = "We keep a reference set of past tickets, and we score every prompt on it."
    assert _sentences(short) == [short]
    leaning = (
        "Our support engineers graded 150 real questions every two weeks, and we only changed "
        "the prompt when the new version got at least as many right on that same set."
    )
    assert _sentences(leaning) == [leaning]  # the rule's bar is the figure before it


def test_a_heading_of_six_words_is_not_glued_to_the_line_below() -> None:
    text = (
        "## What a usable comparison is\n"
        "A preference label counts only when the rater picked the better of two responses.\n"
    )
    (sentence,) = _read(text)
    assert sentence.text.startswith("A preference label")
    assert sentence.section == "What a usable comparison is"


def test_two_claims_each_with_its_own_reason_are_read_apart() -> None:
    reasoned = (
        "We'd break the error rate down by region and by device type, because a gain on average "
        "can hide a loss in one market, and I'd prefer paired comparisons because they need far "
        "less traffic than a split test."
    )
    first, second = _sentences(reasoned)
    assert first.endswith("in one market")
    assert second.startswith("I'd prefer paired comparisons because")


def test_pictographs_that_open_a_line_mark_a_bullet_or_a_heading_and_stay_out_of_the_quote() -> (
    None
):
    notes = (
        "**Launch plan** 🚀\n\n📈 **Metrics**\n👉 Share of tickets closed without an agent, "
        "target 30%\n✅ Agents grade 200 bot answers a week\n"
        "2\ufe0f\u20e3 Refunds stay with people\n"
    )
    found = _read(notes)
    assert [s.text for s in found] == [
        "Share of tickets closed without an agent, target 30%",
        "Agents grade 200 bot answers a week",
        "Refunds stay with people",
    ]
    assert {s.section for s in found} == {"Metrics"}
    assert {s.kind for s in found} == {"bullet"}


def test_a_code_block_is_read_line_by_line_and_its_label_ends_with_it() -> None:
    answer = (
        "The routing, roughly:\n\n```yaml\nroute:\n"
        "  auto_accept: every required field above 0.95 confidence and all checks pass\n"
        "  clerk_review: everything else, with only the doubtful fields highlighted\n```\n\n"
        "I'd set the 0.95 cut-off on the gold set, where the error among accepted forms is below "
        "half a percent.\n"
    )
    found = _read(answer)
    assert [s.text for s in found] == [
        "auto_accept: every required field above 0.95 confidence and all checks pass",
        "clerk_review: everything else, with only the doubtful fields highlighted",
        "I'd set the 0.95 cut-off on the gold set, where the error among accepted forms is below "
        "half a percent.",
    ]
    assert [s.section for s in found] == ["route", "route", ""]


def test_a_colon_inside_an_aside_does_not_cut_the_sentence() -> None:
    aside = (
        "New versions (this is where my last team slipped: the average hid one big customer) "
        "ship only if no customer's error rate rises by more than half a point."
    )
    assert _sentences(aside) == [aside]
    plain = "Release bar: no customer's error rate may rise by more than half a point."
    assert len(_read(plain)) == 1 and _read(plain)[0].section == "Release bar"


def test_a_code_comment_is_read_for_its_words_and_code_never_heads_a_section() -> None:
    answer = (
        "```python\n# Budget: first token within 300 ms at p95, measured in the editor.\n"
        "def route(req):\n"
        "    if out.timed_out:  # never show an error; fall back to the small model\n"
        "        return small(req)\n```\n"
    )
    found = _read(answer)
    assert [s.text for s in found] == [
        "first token within 300 ms at p95, measured in the editor.",
        "def route(req):",
        "if out.timed_out:",
        "never show an error; fall back to the small model",
        "return small(req)",
    ]
    assert [s.section for s in found] == ["Budget", "", "", "", ""]


def test_thread_posts_are_numbered_items_and_their_lead_labels_are_labels() -> None:
    answer = (
        "1/ Volume first. Assume 40k tickets a month.\n\n"
        "2/ Money: about $0.03 a ticket on the small model.\n\n"
        "24/7 coverage matters for the night shift."
    )
    found = _read(answer)
    assert [(s.section, s.text) for s in found] == [
        ("Volume first", "Assume 40k tickets a month."),
        ("Money", "about $0.03 a ticket on the small model."),
        ("", "24/7 coverage matters for the night shift."),
    ]


def test_a_lowercase_thread_labels_its_posts_but_a_spoken_clause_is_no_label() -> None:
    answer = (
        "1/ target: 120 reports a month drafted instead of 40, with no figure wrong.\n"
        "2/ so the catch: reviewers skim the long ones and miss a swapped column.\n"
        "3/ the check is simple: every figure is traced back to its source cell."
    )
    found = _read(answer)
    assert [s.section for s in found][:2] == ["target", ""]
    assert found[0].text == "120 reports a month drafted instead of 40, with no figure wrong."
    assert found[1].text.startswith("so the catch:")
    assert "the check is simple" in " ".join(s.text for s in found)


def test_config_style_notes_read_a_line_per_key_and_full_sentence_comments() -> None:
    answer = (
        "# extraction service - v1\n"
        "routing:\n"
        '  tier_2: "vision LLM (~$0.03/page) when tier_1 confidence < 0.9"\n'
        '  tier_3: "clerk queue when tier_2 confidence < 0.8 or any validator fails"\n'
        "  # A field is correct only if it equals what clerks posted to the ledger.\n"
        "  auto_post: 0.95   # calibrated monthly on the gold set\n"
    )
    found = _read(answer)
    assert [s.text for s in found] == [
        'tier_2: "vision LLM (~$0.03/page) when tier_1 confidence < 0.9"',
        'tier_3: "clerk queue when tier_2 confidence < 0.8 or any validator fails"',
        "A field is correct only if it equals what clerks posted to the ledger.",
        "auto_post: 0.95",
        "calibrated monthly on the gold set",
    ]
    assert {s.section for s in found} == {"routing"}


def test_a_list_items_run_in_title_is_its_label_not_a_sentence() -> None:
    answer = (
        "4. Citation check. Before display, every answer sentence must cite a chunk.\n"
        "5. We retrain weekly. The gate is a held-out set of 500 items.\n\n"
        "Evaluation after launch. A new version must beat the current one first."
    )
    found = _read(answer)
    assert [(s.section, s.text) for s in found] == [
        ("Citation check", "Before display, every answer sentence must cite a chunk."),
        ("", "We retrain weekly."),
        ("", "The gate is a held-out set of 500 items."),
        ("", "Evaluation after launch."),
        ("", "A new version must beat the current one first."),
    ]


def test_a_decision_logs_ids_and_titles_head_their_decisions_and_are_never_sentences() -> None:
    answer = (
        "D1. What counts as a miss. A shipment flagged late that arrives on time.\n\n"
        "D2. Who labels. Two dispatchers tag 300 past shipments every month.\n\n"
        "Q3. What happens when it is unsure? It goes to the dispatcher.\n\n"
        "How I'd know it works: a frozen set of 400 past shipments, scored weekly."
    )
    found = _read(answer)
    assert [(s.section, s.text) for s in found] == [
        ("What counts as a miss", "A shipment flagged late that arrives on time."),
        ("Who labels", "Two dispatchers tag 300 past shipments every month."),
        ("What happens when it is unsure?", "It goes to the dispatcher."),
        ("How I'd know it works", "a frozen set of 400 past shipments, scored weekly."),
    ]


def test_a_memo_reads_its_run_in_titles_as_sections_and_its_header_as_nothing() -> None:
    memo = (
        "To: Head of Support\nRe: the triage model\n\n"
        "Why. Tickets wait four hours for a first touch today, and half are password resets.\n\n"
        "Where the labels come from. Every re-route an agent makes is logged with the queue.\n\n"
        "Cost. It runs at 6 a.m. as a batch over the night's tickets, under a cent each.\n\n"
        "What we log is edits. Agents fix the draft and we keep the diff."
    )
    read = {s.text: s.section for s in _read(memo)}
    assert read[
        "Tickets wait four hours for a first touch today, and half are password resets."
    ] == ("Why")
    assert read["Every re-route an agent makes is logged with the queue."] == (
        "Where the labels come from"
    )
    assert (
        read["It runs at 6 a.m. as a batch over the night's tickets, under a cent each."] == "Cost"
    )
    assert "What we log is edits." in read  # a claim, not a title
    assert "To: Head of Support" not in read.values()


def test_a_lower_case_notes_heading_over_bullets_heads_them() -> None:
    notes = "fallbacks\n- stats missing -> old heuristic\n- guard trips -> resubmit to batch\n"
    read = _read(notes)
    assert [s.text for s in read] == [
        "stats missing -> old heuristic",
        "guard trips -> resubmit to batch",
    ]
    assert {s.section for s in read} == {"fallbacks"}
    prose = _read("fallbacks happen\nWe retry once and then page the on-call engineer.\n")
    assert "fallbacks happen" in [s.text for s in prose]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A short list item over deeper items titles them.
        (
            "- Shadow period\n"
            "  - Agents see every model call for three weeks.\n"
            "  - We compare the calls daily.\n"
            "- Keep the old rules running as a fallback.\n",
            [
                ("Shadow period", "Agents see every model call for three weeks."),
                ("Shadow period", "We compare the calls daily."),
                ("", "Keep the old rules running as a fallback."),
            ],
        ),
        # A question in a Q and A heads its answer.
        (
            "Q: Which mistake hurts more?\n"
            "A: A missed recall notice, because the owner keeps driving the car.\n\n"
            "**Q2. How would we know it works?**\n"
            "A: Two mechanics grade 250 old notices and we launch only above 95% recall.\n",
            [
                (
                    "Which mistake hurts more?",
                    "A missed recall notice, because the owner keeps driving the car.",
                ),
                (
                    "How would we know it works?",
                    "Two mechanics grade 250 old notices and we launch only above 95% recall.",
                ),
            ],
        ),
    ],
    ids=["outline-title", "q-and-a"],
)
def test_a_title_line_heads_the_lines_under_it_and_is_never_quoted(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(s.section, s.text) for s in _read(text)] == expected


def test_bars_in_a_list_items_formula_do_not_make_it_a_table_row() -> None:
    text = (
        "- MAE per depot = mean of |actual - predicted| over the week.\n"
        "\n"
        "| Metric | Target |\n"
        "|---|---|\n"
        "| MAE | under 40 boxes |\n"
    )
    assert [(s.text, s.kind) for s in _read(text)] == [
        ("MAE per depot = mean of |actual - predicted| over the week.", "bullet"),
        ("under 40 boxes", "table"),
    ]


def test_a_run_on_spoken_answer_is_cut_before_its_spoken_joints_not_by_word_count() -> None:
    text = (
        "right so for the parcel tracker i'd say a wrong delivered status is the expensive"
        " mistake because the customer stops waiting and then files a claim so the goal is fewer"
        " claims per thousand parcels and if the scan is missing or blurry it says it can't tell"
        " and hands over to a person and to test it we'd take 300 old scans and have two depot"
        " leads mark each one and where they differ the depot manager decides and then we only"
        " switch it on when false delivered is under one in a thousand on those scans"
    )
    parts = _sentences(text)
    assert all(p in text for p in parts)
    assert all(len(p.split()) <= 30 for p in parts)
    assert any(p.startswith("and if the scan is missing") for p in parts)
    assert any(p.startswith("and to test it we'd take 300 old scans") for p in parts)
    assert any(p.startswith("and then we only switch it on") for p in parts)


def test_a_long_written_sentence_with_commas_keeps_its_comma_cuts() -> None:
    text = (
        "We label 400 scans with two depot leads and a manager for disagreements, and we gate"
        " the release on under one false delivered status in a thousand on those scans, which"
        " is the bar the claims team agreed to, and then we re-check 50 scans a week after"
        " launch so drift shows up before the claims do."
    )
    parts = _sentences(text)
    assert parts[0].startswith("We label 400 scans")
    assert all(p in text for p in parts)
