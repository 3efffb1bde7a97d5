"""What a command runs on: the question (bank id or free text), its rounds, a session id."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from agents.errors import MockpanelError
from agents.rounds import check_rounds

if TYPE_CHECKING:
    from knowledge.models import Question

CUSTOM_QUESTION_ID = "custom"
SESSION_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")


def resolve_question(
    text: str | None, question_id: str | None, *, required: bool, stages: str | None = None
) -> Question:
    """The bank question by id, or an ad-hoc one from free text (exactly one of the two); a free
    text's assessed stages are inferred unless `stages` ("evaluation,scaling") sets them."""
    question = _resolve(text, question_id, required=required)
    if stages is None:
        return question
    from knowledge.scope import parse_stages

    try:
        scope = parse_stages(stages)
    except ValueError as exc:
        raise MockpanelError(str(exc)) from None
    stresses = [s for s in question.stresses if s in scope] or scope
    return question.model_copy(update={"assesses": scope, "stresses": stresses})


def _resolve(text: str | None, question_id: str | None, *, required: bool) -> Question:
    from pydantic import ValidationError

    from knowledge.loader import load_questions
    from knowledge.scope import custom_question

    if text is not None and question_id is not None:
        raise MockpanelError("give either --question or --question-id, not both")
    bank = load_questions()
    if question_id is not None:
        try:
            return bank.get(question_id)
        except KeyError:
            known = ", ".join(q.id for q in bank.questions)
            raise MockpanelError(
                f"unknown question id {question_id!r}; known ids: {known}"
            ) from None
    if text is None:
        if required:
            raise MockpanelError("give --question TEXT or --question-id ID")
        return bank.questions[0]
    from agents.answer_input import strip_escapes

    prompt = " ".join(strip_escapes(text).split())
    if any(unicodedata.category(ch) == "Cc" for ch in prompt):
        raise MockpanelError("--question contains a control character")
    try:
        return custom_question(prompt).model_copy(update={"id": CUSTOM_QUESTION_ID})
    except ValidationError:
        raise MockpanelError(
            "--question must be a design question of at least 20 characters"
        ) from None


def parse_rounds(raw: str) -> int:
    """`--rounds` as a whole number in range; one-line error otherwise."""
    try:
        rounds = int(raw)
    except ValueError:
        raise MockpanelError(f"--rounds must be a whole number, not {raw!r}") from None
    return check_rounds(rounds, "--rounds")


def check_session_id(raw: str) -> str:
    """`--resume` must name a session: ids are printed when an interview starts."""
    if not raw.strip():
        raise MockpanelError("--resume needs a session id (it is printed when an interview starts)")
    if not SESSION_ID.fullmatch(raw):
        raise MockpanelError(f"--resume {raw!r} is not a session id")
    return raw
