"""Questions typed by a user rather than taken from the bank, for eval cases that test how the
panel reads a free-text question: its inferred (or given) scope and its product."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from evals.loader import EvalCaseError
from knowledge.models import Question, StageId
from knowledge.scope import custom_question
from knowledge.yaml_file import read_yaml

TYPED_QUESTIONS_PATH = Path(__file__).with_name("typed_questions.yaml")


class TypedQuestion(BaseModel):
    """A free-text question as a user would type it, under an id the cases refer to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^typed-[a-z0-9][a-z0-9\-]*[a-z0-9]$", max_length=60)
    text: str = Field(min_length=10, max_length=600)
    stages: list[StageId] | None = Field(
        default=None, description="as given with --stages; None = inferred from the text"
    )

    @field_validator("text")
    @classmethod
    def _one_question(cls, value: str) -> str:
        return " ".join(value.split())


class TypedQuestionFile(BaseModel):
    """The typed-questions file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    questions: list[TypedQuestion]

    @field_validator("questions")
    @classmethod
    def _unique(cls, value: list[TypedQuestion]) -> list[TypedQuestion]:
        ids = [q.id for q in value]
        if len(set(ids)) != len(ids):
            raise ValueError("a typed question id is listed twice")
        return value


def load_typed_questions(path: Path = TYPED_QUESTIONS_PATH) -> dict[str, Question]:
    """Each typed question's id and the Question the panel builds from its text."""
    return dict(_load(path))


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[tuple[str, Question], ...]:
    raw = read_yaml(path, EvalCaseError)
    try:
        parsed = TypedQuestionFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise EvalCaseError(f"{path}: {where}: {message}") from exc
    return tuple(
        (q.id, custom_question(q.text, list(q.stages) if q.stages else None))
        for q in parsed.questions
    )


def eval_questions() -> dict[str, Question]:
    """Every question an eval case may name: the bank's and the typed ones."""
    from knowledge.loader import load_questions

    out: dict[str, Question] = {q.id: q for q in load_questions().questions}
    out.update(load_typed_questions())
    return out
