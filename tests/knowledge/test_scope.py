"""A free-text question's scope and product name."""

from __future__ import annotations

import pytest

from knowledge.models import STAGE_IDS
from knowledge.scope import custom_question, infer_asks, infer_product, infer_scope, product_of


def test_a_design_question_names_its_product_and_keeps_acronyms() -> None:
    text = "Design an LLM feature that drafts replies to app-store reviews for a game studio"
    assert infer_product(text) == "LLM feature that drafts replies to app-store reviews"
    question = custom_question(text)
    assert product_of(question) == "the LLM feature that drafts replies to app-store reviews"
    assert question.assesses == list(STAGE_IDS)


def test_a_generic_head_behind_words_that_add_nothing_is_named_with_what_it_does() -> None:
    assert infer_product("Design an AI feature that writes alt text for images in a CMS.") == (
        "AI feature that writes alt text for images"
    )
    assert infer_product("Design an AI tutor that explains maths mistakes.") == "AI tutor"
    # Cut to a link and a bare verb ("that helps"), the clause says nothing: it is dropped.
    text = (
        "Design an LLM assistant that helps our accounts-receivable team resolve customers'"
        " invoice disputes, and tell us how you'd know it's working."
    )
    assert infer_product(text) == "LLM assistant"
    # How it works ("end to end", "automatically") is not what it does; a cut never ends on it.
    text = "Design an AI agent that handles small home-insurance claims end to end."
    assert infer_product(text) == "AI agent that handles small home-insurance claims"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Design an assistant that tells drivers which lane a truck should queue in?",
            "assistant that tells drivers which lane a truck should queue in",
        ),
        (
            "Design an assistant that answers gardeners' questions about whether a plant is safe"
            " for their dog.",
            "assistant that answers gardeners' questions",
        ),
        (
            "We want an LLM to write refund replies when a customer complains about a late parcel.",
            "LLM to write refund replies",
        ),
        ("Design a homework helper for pupils aged 11 to 14.", "homework helper"),
        (
            "How would you launch a model that predicts late payers so collectors can call first?",
            "model that predicts late payers",
        ),
        (
            "Design a model that tells a bakery chain which loaves to bake for each shop.",
            "model that tells a bakery chain which loaves to bake for each shop",
        ),
    ],
)
def test_a_named_purpose_never_ends_on_a_word_that_needs_another(text: str, name: str) -> None:
    assert infer_product(text) == name


def test_a_purpose_whose_object_points_back_names_no_purpose() -> None:
    text = "We keep 90 old Perl reports. How would you use an LLM to port them to Python?"
    assert infer_product(text) == "LLM"
    assert product_of(custom_question(text)) == "the LLM"


def test_a_question_without_a_product_word_falls_back() -> None:
    assert infer_product("How would you know your prompt was good?") == "this product"
    question = custom_question("How do you decide what accuracy is good enough to launch?")
    assert product_of(question) == "this product"  # never "the this product"


def test_a_bare_ai_is_named_with_what_it_does_up_to_the_sentences_own_verb() -> None:
    text = (
        "How would you decide whether our AI that flags suspicious expense claims is good"
        " enough to turn on for every customer?"
    )
    assert infer_product(text) == "AI that flags suspicious expense claims"
    assert infer_product("Design an LLM that extracts data from receipts and is cheap") == (
        "LLM that extracts data from receipts"
    )


def test_a_launch_bar_or_a_hand_off_threshold_is_a_focused_question() -> None:
    ready = "How would you decide whether our expense-claim flagger is good enough to turn on?"
    assert infer_scope(ready) == ["objective", "evaluation"]
    assert infer_scope("Is our churn model ready to ship?") == ["objective", "evaluation"]
    handoff = "How would you set the confidence threshold at which our invoice model hands off?"
    assert infer_scope(handoff) == ["model_integration"]


def test_using_an_llm_to_help_a_team_is_a_design_question() -> None:
    broad = "How would you use an LLM to help our legal team review vendor contracts faster?"
    assert infer_scope(broad) == list(STAGE_IDS)
    # "Vendor contracts" are documents, not a labelling vendor.
    assert infer_scope("How would you measure the summaries of our vendor contracts?") == [
        "evaluation"
    ]
    assert "data_strategy" in infer_scope("How do you know your labeling vendor does good work?")


def test_a_bare_system_is_named_with_what_it_does() -> None:
    assert infer_product("Design a system to detect fraudulent insurance claims") == (
        "system to detect fraudulent insurance claims"
    )
    assert infer_product("How would you evaluate an LLM that extracts data from receipts?") == (
        "LLM that extracts data from receipts"
    )
    # A long purpose is cut before its last linking word, never on it.
    assert infer_product(
        "Design the pipeline that collects human preference comparisons to train the reward model"
    ) == ("pipeline that collects human preference comparisons")


def test_more_product_words_are_heads() -> None:
    assert (
        infer_product("Design an AI tutor that explains a student's maths mistakes") == "AI tutor"
    )
    assert infer_product("Design a voice agent that takes restaurant bookings") == "voice agent"


def test_a_design_request_after_some_context_is_still_a_design_question() -> None:
    text = "We run a corporate card app. Design an LLM feature that categorises card expenses."
    assert infer_scope(text) == list(STAGE_IDS)
    assert infer_scope("How would you know your prompt was good?") == ["evaluation"]


def test_how_would_you_design_a_product_is_a_design_question_but_designing_a_part_is_not() -> None:
    asked = "How would you design and evaluate an assistant that explains a card statement?"
    assert infer_scope(asked) == list(STAGE_IDS)
    assert infer_scope("How would you design the evaluation for our support assistant?") == [
        "evaluation"
    ]
    assert infer_scope("How would you design the pricing for our AI feature?") == ["scaling"]


def test_how_would_you_build_the_model_itself_is_a_design_question() -> None:
    asked = "How would you build a churn forecast for our gyms, and how would you know it works?"
    assert infer_scope(asked) == list(STAGE_IDS)
    assert infer_scope("How would you build the evaluation for the churn model?") == [
        "evaluation"
    ]


def test_choosing_between_fine_tuning_and_retrieval_is_about_the_model() -> None:
    scope = infer_scope("How would you decide between fine-tuning a model and using RAG?")
    assert "model_integration" in scope


def test_choosing_rules_or_a_model_or_among_options_is_about_the_model() -> None:
    rules_or_llm = "Would you sort new tickets with keyword rules or an LLM? How would you know?"
    assert infer_scope(rules_or_llm) == ["model_integration", "evaluation"]
    options = "Lay out the options for flagging fake reviews, pick one, and say how you'd test it."
    assert infer_scope(options) == ["model_integration", "evaluation"]
    assert infer_scope("How would you measure whether our review filter works?") == ["evaluation"]


def test_measuring_a_products_success_asks_what_success_is_too() -> None:
    success = "What metrics would you use to judge the success of our AI meeting summaries?"
    assert infer_scope(success) == ["objective", "evaluation"]
    assert infer_scope("How would you measure whether our review filter works?") == ["evaluation"]


def test_measuring_the_cost_is_about_money_not_quality() -> None:
    cost = "How would you measure and cut the cost of our summarisation feature?"
    assert infer_scope(cost) == ["scaling"]
    assert infer_scope("How would you measure the quality of our summaries?") == ["evaluation"]


def test_choosing_what_goes_to_labelers_is_about_uncertain_cases_too() -> None:
    scope = infer_scope("Which support chats should we send to annotators first for our model?")
    assert {"data_strategy", "evaluation"} <= set(scope)
    assert "evaluation" not in infer_scope("Who should label the data for a claims model?")


def test_dashboards_provider_updates_and_ending_expert_checks_are_focused() -> None:
    assert infer_scope("What goes on the weekly quality dashboard for our OCR model?") == [
        "evaluation"
    ]
    update = "Our LLM provider pushed an update and outputs changed. How would you handle it?"
    assert infer_scope(update) == ["model_integration", "evaluation"]
    exit_check = "How would you decide when the tagger no longer needs a lawyer to check it?"
    assert infer_scope(exit_check) == ["data_strategy", "evaluation"]


def test_fine_tuning_against_retrieval_is_a_model_choice_not_a_data_plan() -> None:
    choice = "How would you choose between fine-tuning and retrieval for our support assistant?"
    assert infer_scope(choice) == ["model_integration"]
    either = "Should we fine-tune a model or use RAG for our HR policy bot? How would you decide?"
    assert infer_scope(either) == ["model_integration"]
    assert "data_strategy" in infer_scope("How would you fine-tune our model on new tickets?")


def test_the_parts_a_question_names_are_read_in_order_to_the_end_of_their_clause() -> None:
    text = (
        "Our app flags risky listings. Design the review queue behind it: which flags reach"
        " moderators, in what order, how many moderators we need, and how we know the"
        " moderators are getting it right."
    )
    assert [a.phrase for a in infer_asks(text)] == [
        "which flags reach moderators",
        "in what order",
        "how many moderators we need",
        "how we know the moderators are getting it right",
    ]
    assert infer_asks(text)[2].signals == ("volume_and_capacity", "labeling_cost")
    assert infer_asks("Design a system that summarises legal contracts for lawyers.") == []


def test_every_named_part_maps_to_rubric_signals() -> None:
    from knowledge.loader import load_rubric, load_scope_rules

    signals = {s.id for s in load_rubric().signals}
    for ask in load_scope_rules().asks:
        assert set(ask.signals) <= signals, ask.pattern


def test_what_counts_as_correct_and_when_a_person_steps_in_are_named_parts() -> None:
    text = (
        "We want a model to match incoming payments to open invoices. Who is the user, what"
        " counts as a correct match, how would you test it, and when should a person step in?"
    )
    assert infer_scope(text) == ["objective", "model_integration", "evaluation"]
    split = "What counts as a good flag, and how would the model and the auditors split the work?"
    assert infer_scope(split) == ["objective", "model_integration"]


def test_deciding_which_cases_to_send_to_an_analyst_names_the_routing() -> None:
    text = "Design a model that scores claims and decides which ones to pay or send to an adjuster."
    asks = infer_asks(text)
    assert asks and set(asks[0].signals) == {"confidence_thresholds", "model_cascade_routing"}


def test_a_purpose_that_points_back_with_a_pronoun_names_nothing() -> None:
    text = "Carriers email us PDFs that ops re-key. Design an AI feature that captures them."
    assert infer_product(text) == "AI feature"


def test_designing_what_the_question_just_named_is_a_design_question() -> None:
    asked = (
        "Our SRE platform wants an LLM feature that drafts incident postmortems from the Slack"
        " channel. How would you design it, and how would you know it's good enough to ship?"
    )
    assert infer_scope(asked) == list(STAGE_IDS)
    part = "We have a postmortem drafter. How would you design its evaluation?"
    assert infer_scope(part) == ["evaluation"]
    tested = "We have a postmortem drafter. How would you build this test set?"
    assert infer_scope(tested) != list(STAGE_IDS)


def test_a_purpose_whose_object_is_a_clause_keeps_that_clause_whole() -> None:
    asked = "Design a model that predicts which warehouse orders will miss their ship-by time."
    assert (
        infer_product(asked)
        == "model that predicts which warehouse orders will miss their ship-by time"
    )
    recommends = "Build an AI feature that recommends which tables an analyst should use."
    assert (
        infer_product(recommends) == "AI feature that recommends which tables an analyst should use"
    )
    verb = "Our AI that flags expense claims is good enough. How would you know?"
    assert infer_product(verb) == "AI that flags expense claims"


def test_a_question_that_limits_itself_assesses_only_the_part_it_names() -> None:
    # Context before the limit (human review, a launch) does not widen it.
    assert infer_scope(
        "Our clinic bot drafts replies with a model plus human review. Only the money side, "
        "please: what does it cost each month and is it worth it?"
    ) == ["scaling"]
    assert infer_scope(
        "We built a model that flags risky refunds. Just the evaluation part: how would you "
        "know it is good enough to launch?"
    ) == ["evaluation"]
    assert infer_scope(
        "Design a ranking model for our job board. Focus only on evaluation - how would you "
        "know it beats the current one?"
    ) == ["evaluation"]
    # A limit that names no part is read with the next sentence.
    assert infer_scope(
        "We caption 50k videos a day with an LLM. Just the one side, please. What does it cost?"
    ) == ["scaling"]
    # A sentence that opens on its limit, and a rollout, which is how the live evidence comes in.
    assert infer_scope(
        "Our model routes insurance claims to reviewers. Only the rollout: how would you take "
        "it from offline results to production? Just that piece."
    ) == ["evaluation"]
    assert infer_scope("We built a reviewer-assist model. Evaluation only, please.") == [
        "evaluation"
    ]
    limited = "Quick one, data strategy only. Our reviewer-assist model needs labels."
    assert infer_scope(limited) == ["data_strategy"]
    # What the limit sets aside is not asked about.
    assert infer_scope(
        "Just the data side, please - skip model choice and UI. We flag fraudulent sellers. "
        "Where do the labels come from?"
    ) == ["data_strategy"]
    # "Only" with no part or subject to limit to leaves the question as it was.
    assert infer_scope("Design a tutor that only answers maths questions.") == list(STAGE_IDS)


def test_picking_an_approach_and_explaining_how_to_run_it_is_a_design_question() -> None:
    text = (
        "A bakery chain wants an ML model to plan tomorrow's bread orders. Compare two or "
        "three approaches, pick one, and explain how you'd run it."
    )
    assert infer_scope(text) == list(STAGE_IDS)
    # Comparing approaches alone is about the model.
    assert infer_scope("Would you plan bread orders with rules or with an ML model?") == [
        "model_integration"
    ]


def test_asking_which_metrics_to_track_asks_what_success_is() -> None:
    assert infer_scope("What metrics would you track for an AI note-taker in sales calls?") == [
        "objective",
        "evaluation",
    ]


def test_how_the_model_fits_into_the_product_is_about_the_model() -> None:
    text = (
        "We want an LLM that drafts replies in our help desk. Walk me through how you'd define "
        "success, how the model fits into the product, and how you'd evaluate it."
    )
    assert "model_integration" in infer_scope(text)


def test_a_design_request_after_a_role_is_still_a_design_question() -> None:
    text = "Our warehouse wants an AI advisor for costly queries. As the PM, design it - cost too."
    assert infer_scope(text) == list(STAGE_IDS)


def test_taking_on_the_described_product_whole_is_a_design_question() -> None:
    lead = "Our clinic chain wants a no-show prediction model for its booking desk. "
    for ask in (
        "How would you approach it? Cover the target and the data.",
        "How would you design and roll it out?",
        "How would you design and launch it? Cover quality and cost.",
        "Walk me through how you would design it end to end.",
    ):
        assert infer_scope(lead + ask) == list(STAGE_IDS), ask


def test_a_limit_keeps_the_other_parts_asked_inside_it_but_not_the_implied_bar() -> None:
    text = (
        "Our HR bot answers policy questions. Only address hallucinations: how would you keep it "
        "from making things up, and how would you know it's working?"
    )
    assert infer_scope(text) == ["model_integration", "evaluation"]


def test_how_it_fits_the_workflow_and_answers_that_can_be_trusted_are_about_the_model() -> None:
    assert "model_integration" in infer_scope(
        "Walk me through how the model fits the underwriting workflow and how you'd evaluate it."
    )
    assert "model_integration" in infer_scope(
        "How would you make sure its answers can be trusted, and measure it after launch?"
    )


def test_where_judgments_come_from_and_what_counts_as_relevant_are_named_parts() -> None:
    assert infer_scope(
        "Our photo app has a new ranking model. What counts as a relevant photo, and where "
        "would the ratings come from?"
    ) == ["objective", "data_strategy"]


def test_where_human_review_fits_in_is_how_people_and_the_model_share_the_work() -> None:
    assert "model_integration" in infer_scope(
        "An LLM drafts product copy. What does each draft cost, and where does human review fit in?"
    )


def test_what_you_would_require_before_customers_see_it_asks_for_launch_evidence() -> None:
    assert infer_scope(
        "We built a toxicity score for chat logs. What would you require before customers see it?"
    ) == ["evaluation"]


def test_a_named_counterparty_is_no_labelling_vendor() -> None:
    assert "data_strategy" not in infer_scope(
        "Our contracts assistant answers questions like what our cap with Vendor B is. How would "
        "you stop it making things up?"
    )


def test_talking_through_how_you_would_build_a_thing_is_a_design_question() -> None:
    assert infer_scope(
        "Talk me through how you'd build churn alerts for our subscription analytics product."
    ) == list(STAGE_IDS)
    assert infer_scope(
        "We have a lead scorer. Walk me through how you'd build the online experiment for it."
    ) == ["evaluation"]


def test_the_parts_a_plain_list_names_are_each_read() -> None:
    assert infer_scope(
        "A bakery chain wants a demand forecast. Cover what a good forecast means, where the "
        "data comes from, how it plugs into ordering, how you'd evaluate it, and what it costs."
    ) == list(STAGE_IDS)


def test_people_in_the_loop_and_acting_alone_are_how_the_model_fits() -> None:
    assert infer_scope(
        "Our agent opens pull requests that bump dependencies. Where do humans stay in the loop, "
        "and when is it allowed to merge on its own?"
    ) == ["model_integration"]


def test_what_could_go_wrong_and_not_embarrassing_us_ask_how_you_would_catch_it() -> None:
    assert "evaluation" in infer_scope(
        "Our tagging tool will suggest labels first. What could go wrong, and how would you "
        "catch it?"
    )
    assert "evaluation" in infer_scope(
        "We're shipping a policy Q&A bot. How do you make sure it does not embarrass us?"
    )


def test_what_you_would_measure_asks_what_success_is() -> None:
    assert infer_scope(
        "We launched schema-drift alerts. What would you measure, and when would you roll back?"
    ) == ["objective", "evaluation"]


def test_volume_in_a_list_of_what_is_watched_is_no_question_of_scale() -> None:
    watched = "Our alerts watch tables for freshness, volume, null rates and schema changes."
    assert "scaling" not in infer_scope(watched + " How would you know they are working?")
    assert "scaling" in infer_scope("How would you handle the volume when traffic triples?")


def test_a_limit_to_cost_and_workflow_keeps_where_the_model_sits() -> None:
    assert infer_scope(
        "An LLM sorts insurance emails. Just cost and workflow - what does each email cost, and "
        "which ones still reach a person?"
    ) == ["model_integration", "scaling"]
    assert infer_scope(
        "We run a workflow-orchestration service. How would you know the retry model works?"
    ) == ["evaluation"]


def test_what_counts_as_anything_asks_what_is_correct() -> None:
    assert "objective" in infer_scope(
        "Our review tool ranks documents. Who decides what counts as privileged?"
    )


def test_claiming_what_was_never_said_is_making_things_up() -> None:
    assert infer_scope(
        "How would you stop the recap from claiming things the meeting never mentioned?"
    ) == ["model_integration"]


def test_where_a_role_fits_in_is_where_the_model_sits() -> None:
    assert infer_scope(
        "An LLM drafts claim letters. What does each letter cost, and where do adjusters fit in?"
    ) == ["model_integration", "scaling"]


def test_deciding_whether_to_ship_asks_what_good_is_and_the_evidence() -> None:
    assert infer_scope(
        "Our new ranking model beats the old one offline. How would you decide whether to ship it?"
    ) == ["objective", "evaluation"]
    assert infer_scope(
        "What should 'better' mean here, and what would you need to see before deciding to ship?"
    ) == ["objective", "evaluation"]


def test_a_limit_of_several_words_before_only_still_limits() -> None:
    assert infer_scope(
        "Our surge model is new. Focus on evaluation and scaling only - how would you decide "
        "whether to ship it, and what does it do to revenue?"
    ) == ["evaluation", "scaling"]


def test_guardrails_beside_a_metric_are_guardrail_metrics_not_output_checks() -> None:
    text = "For the new playlist ranker: what is the success metric, and what are the guardrails?"
    assert "model_integration" not in infer_scope(text)
    assert "model_integration" in infer_scope(
        "What guardrails would you put around the replies the assistant sends?"
    )


def test_a_retraining_already_under_way_sets_the_scene_and_asks_nothing() -> None:
    text = "We're retraining the song ranker. What is the success metric, and how do you test it?"
    assert infer_scope(text) == ["objective", "evaluation"]
    asked = infer_scope("How often should the ranker be retrained, on what?")
    assert "data_strategy" in asked


def test_asking_how_to_tell_whether_it_works_asks_what_working_means() -> None:
    working = "How would you measure whether our invoice assistant is actually working?"
    assert infer_scope(working) == ["objective", "evaluation"]
    worth = "Only the cost side: how do you decide whether it's worth it?"
    assert "objective" not in infer_scope(worth)


def test_an_assistant_that_invents_things_is_asked_about_hallucination_and_its_rate() -> None:
    for text in (
        "How would you stop our ferry-booking bot from inventing luggage rules?",
        "Our tutor keeps giving made-up page numbers. What would you do?",
        "The scribe fabricates doses now and then. What would you change?",
    ):
        assert infer_scope(text) == ["model_integration", "evaluation"], text
    # An inventory is no invention.
    assert "model_integration" not in infer_scope("How would you measure inventory accuracy?")


def test_where_the_ground_truth_comes_from_is_a_data_question() -> None:
    text = "Where does your ground truth come from, and how do you check the labels are right?"
    assert infer_scope(text) == ["data_strategy", "evaluation"]
    assert "objective" in infer_scope("What is the ground truth for a good reply, and who decides?")


def test_the_metrics_that_tell_you_it_works_ask_what_working_means() -> None:
    text = "We launched AI playlist titles. What metrics would tell you they work, and how to test?"
    assert infer_scope(text) == ["objective", "evaluation"]
    better = (
        "What does 'better than our rules engine' have to mean before you switch, and at what cost?"
    )
    assert infer_scope(better) == ["objective", "evaluation", "scaling"]


def test_keeping_wrong_output_from_people_and_setting_its_threshold_are_about_the_model() -> None:
    for text in (
        "How would you keep our tax helper from giving wrong answers to filers?",
        "How would you test our cavity detector, and how would you set the flagging threshold?",
        "What should happen when the fall detector fires at night, and how do you know it works?",
        "Estimate the cost per scan, and explain where human review fits into the flow.",
        "Where do people still need to be involved, and what does a reading cost?",
    ):
        assert "model_integration" in infer_scope(text), text


def test_a_price_the_product_suggests_is_not_its_cost() -> None:
    for text in (
        "We're launching nightly price suggestions for sellers. What metrics would tell you "
        "it's working?",
        "We want ML-driven pricing for our car parks. How would you know it is working?",
        "How would you evaluate our call-volume forecast, a forecast of volume per hour?",
    ):
        assert "scaling" not in infer_scope(text), text
    assert infer_scope("How would you price our AI summary add-on?") == ["scaling"]


def test_building_and_launching_the_thing_described_is_a_design_question() -> None:
    text = (
        "A port wants ML to predict crane failures, on a $4M budget. "
        "How would you build and launch this?"
    )
    assert infer_scope(text) == list(STAGE_IDS)


def test_checking_the_labels_are_any_good_or_a_summary_faithful_is_evaluation() -> None:
    assert "evaluation" in infer_scope("How would you check that the tags are any good?")
    assert "evaluation" in infer_scope("How would you check the digests are faithful to threads?")


def test_a_question_with_no_product_word_is_named_by_the_outputs_it_asks_about() -> None:
    text = "How would you judge whether the weekly menu suggestions are any good?"
    assert infer_product(text) == "weekly menu suggestions"
    text = "What would it cost to have an LLM write all our product descriptions?"
    assert infer_product(text) == "product descriptions"


def test_good_enough_for_a_use_asks_what_good_is_and_how_it_is_measured() -> None:
    text = (
        "How would you tell whether a weekly sales forecast for our 40 shops is good enough to"
        " order from?"
    )
    assert infer_scope(text) == ["objective", "evaluation"]
    assert infer_product(text) == "weekly sales forecast"
