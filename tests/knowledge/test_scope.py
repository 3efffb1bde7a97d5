"""A free-text question's scope and product name."""

from __future__ import annotations

from knowledge.models import STAGE_IDS
from knowledge.scope import custom_question, infer_product, product_of


def test_a_design_question_names_its_product_and_keeps_acronyms() -> None:
    text = "Design an LLM feature that drafts replies to app-store reviews for a game studio"
    assert infer_product(text) == "LLM feature"
    question = custom_question(text)
    assert product_of(question) == "the LLM feature"
    assert question.assesses == list(STAGE_IDS)


def test_a_question_without_a_product_word_falls_back() -> None:
    assert infer_product("How would you know your prompt was good?") == "this product"
