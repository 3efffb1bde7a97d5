"""Quality gates from evals/gates.yaml: each a bound on one metric of one split, checked once
enabled in the baseline and reported as pending until then."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from agents.errors import MockpanelError
from knowledge.yaml_file import read_yaml

GATES_PATH = Path(__file__).parent / "gates.yaml"
_EPS = 1e-9


class GateConfigError(MockpanelError):
    """The gate file is missing, unreadable or malformed."""


class GateSpec(BaseModel):
    """A bound on one metric of one split: at least `min` or at most `max`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*[a-z0-9]$")
    split: str = Field(min_length=1)
    metric: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)*$")
    min: float | None = None
    max: float | None = None
    description: str = Field(min_length=3)

    @model_validator(mode="after")
    def _one_bound(self) -> GateSpec:
        if (self.min is None) == (self.max is None):
            raise ValueError(f"gate {self.id}: give exactly one of min and max")
        return self

    @property
    def bound(self) -> str:
        """The bound as text, e.g. ">= 0.8"."""
        return f">= {self.min:g}" if self.min is not None else f"<= {self.max:g}"

    def value(self, splits: dict[str, Any]) -> float | None:
        """The metric's value in this run (a list counts its items); None when absent."""
        node: Any = splits.get(self.split)
        for part in self.metric.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, list):
            return float(len(node))
        return float(node) if isinstance(node, int | float) else None

    def met(self, value: float | None) -> bool:
        """Whether a value satisfies the bound (an absent value never does)."""
        if value is None:
            return False
        if self.min is not None:
            return value >= self.min - _EPS
        return value <= (self.max or 0.0) + _EPS


class GateFile(BaseModel):
    """The whole gate file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gates: list[GateSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> GateFile:
        ids = [g.id for g in self.gates]
        if len(set(ids)) != len(ids):
            raise ValueError("gate ids must be unique")
        return self


def load_gates(path: Path | None = None) -> list[GateSpec]:
    """The gates in `path` (default evals/gates.yaml), validated."""
    path = GATES_PATH if path is None else path
    data = read_yaml(path, GateConfigError)
    try:
        return list(GateFile.model_validate(data).gates)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise GateConfigError(f"{path}: {where}: {first['msg']}") from exc


def gate_status(
    metrics: dict[str, Any], gates: list[GateSpec], enabled: Collection[str]
) -> list[dict[str, Any]]:
    """Every gate with this run's value, whether it is met and whether it is enabled."""
    splits = metrics["splits"]
    rows = []
    for gate in gates:
        value = gate.value(splits)
        rows.append(
            {
                "id": gate.id,
                "split": gate.split,
                "metric": gate.metric,
                "bound": gate.bound,
                "value": value,
                "measured": gate.split in splits,
                "met": gate.met(value),
                "enabled": gate.id in enabled,
            }
        )
    return rows
