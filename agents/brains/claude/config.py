"""Configuration of the claude and cascade brains: claude.yaml, validated, with env overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from agents.brains.errors import BrainUnavailable
from agents.errors import ConfigError
from knowledge.loader import KnowledgeFileError, load_model
from knowledge.models import StrictModel

CONFIG_PATH = Path(__file__).parent / "claude.yaml"

Step = Literal["probe", "vote", "debrief"]
STEPS: tuple[Step, ...] = ("probe", "vote", "debrief")

# Env variable -> (section, key) it overrides; MOCKPANEL_CLAUDE_CONFIG replaces the whole file.
ENV_OVERRIDES: dict[str, tuple[str, str]] = {
    "MOCKPANEL_CLAUDE_PROBE_MODEL": ("models", "probe"),
    "MOCKPANEL_CLAUDE_VOTE_MODEL": ("models", "vote"),
    "MOCKPANEL_CLAUDE_DEBRIEF_MODEL": ("models", "debrief"),
    "MOCKPANEL_CLAUDE_MAX_RETRIES": ("retries", "max_retries"),
    "MOCKPANEL_CLAUDE_DEBRIEF_TIMEOUT_S": ("timeouts", "debrief_s"),
    "MOCKPANEL_CASCADE_ESCALATE_BELOW": ("cascade", "escalate_below"),
    "MOCKPANEL_CASCADE_REVIEW_BELOW": ("cascade", "review_below"),
}


class ClaudeConfigError(ConfigError):
    """claude.yaml or an env override is invalid; the message is one line."""


class ModelIds(StrictModel):
    """Which model each step uses."""

    probe: str = Field(min_length=1)
    vote: str = Field(min_length=1)
    debrief: str = Field(min_length=1)


class Price(StrictModel):
    """USD per million tokens of each token class."""

    input: float = Field(ge=0)
    output: float = Field(ge=0)
    cache_write: float = Field(ge=0)
    cache_read: float = Field(ge=0)


class MaxTokens(StrictModel):
    """Output token caps per step."""

    probe: int = Field(gt=0, le=64_000)
    vote: int = Field(gt=0, le=64_000)
    debrief: int = Field(gt=0, le=64_000)


class Timeouts(StrictModel):
    """Seconds before a call is abandoned (and retried)."""

    connect_s: float = Field(gt=0)
    probe_s: float = Field(gt=0)
    vote_s: float = Field(gt=0)
    debrief_s: float = Field(gt=0)
    batch_s: float = Field(gt=0)

    def for_step(self, step: Step) -> float:
        """The read timeout of one step."""
        return float(getattr(self, f"{step}_s"))


class Retries(StrictModel):
    """Retries: the SDK's count and retry-after cap; backoff for restarting a broken stream."""

    max_retries: int = Field(ge=0, le=10)
    backoff_initial_s: float = Field(ge=0)
    backoff_max_s: float = Field(ge=0)
    jitter: float = Field(ge=0, lt=1)
    max_retry_after_s: float = Field(ge=0)


class RetrievalConfig(StrictModel):
    """How many debrief snippets go into the system blocks."""

    snippets_per_panelist: int = Field(ge=0, le=20)
    snippets_for_debrief: int = Field(ge=0, le=30)


class CascadeConfig(StrictModel):
    """When the cascade escalates to Claude, and when it asks a coach."""

    escalate_below: float = Field(ge=0, le=1)
    review_below: float = Field(ge=0, le=1)
    probes: Literal["offline", "claude"]
    votes: Literal["offline", "claude"]


class BatchConfig(StrictModel):
    """Polling of the Message Batches API."""

    poll_initial_s: float = Field(ge=0)
    poll_max_s: float = Field(ge=0)
    poll_factor: float = Field(ge=1)


class ClaudeConfig(StrictModel):
    """Everything the claude and cascade brains read from configuration."""

    models: ModelIds
    prices: dict[str, Price]
    batch_discount: float = Field(gt=0, le=1)
    max_tokens: MaxTokens
    timeouts: Timeouts
    retries: Retries
    retrieval: RetrievalConfig
    cascade: CascadeConfig
    batch: BatchConfig

    @model_validator(mode="after")
    def _priced(self) -> ClaudeConfig:
        for step in ("probe", "vote", "debrief"):
            model = getattr(self.models, step)
            if model not in self.prices:
                raise ValueError(f"no price for the {step} model {model!r}; add it under prices")
        return self

    def model_for(self, step: Step) -> str:
        """The model id a step uses."""
        return str(getattr(self.models, step))

    def price(self, model: str) -> Price:
        """Prices of a model; ClaudeConfigError when it has none."""
        try:
            return self.prices[model]
        except KeyError:
            raise ClaudeConfigError(f"no price for model {model!r} in the claude config") from None


def _apply_overrides(data: dict[str, Any], env: Mapping[str, str]) -> list[str]:
    applied = []
    for name, (section, key) in ENV_OVERRIDES.items():
        value = env.get(name, "").strip()
        if value:
            data.setdefault(section, {})[key] = value
            applied.append(name)
    return applied


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> ClaudeConfig:
    """claude.yaml (or MOCKPANEL_CLAUDE_CONFIG), with MOCKPANEL_CLAUDE_* / CASCADE_* overrides."""
    env = os.environ if env is None else env
    if path is None:
        override = env.get("MOCKPANEL_CLAUDE_CONFIG", "").strip()
        path = Path(override) if override else CONFIG_PATH
    try:
        base = load_model(path, ClaudeConfig)
    except KnowledgeFileError as exc:
        raise ClaudeConfigError(str(exc)) from exc
    data = base.model_dump()
    applied = _apply_overrides(data, env)
    if not applied:
        return base
    try:
        return ClaudeConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "config"
        raise ClaudeConfigError(
            f"{path} with {', '.join(applied)}: {where}: {first['msg']}"
        ) from exc


def config_for_brain() -> ClaudeConfig:
    """The config a brain is built with; BrainUnavailable (naming the problem) when invalid."""
    try:
        return load_config()
    except ClaudeConfigError as exc:
        raise BrainUnavailable(f"claude config: {exc}") from exc
