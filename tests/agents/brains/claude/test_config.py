"""claude.yaml validation, env overrides, and the cost arithmetic."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.brains.claude.config import ClaudeConfigError, Price, load_config
from agents.brains.claude.cost import call_cost


def test_shipped_config_is_valid_and_priced() -> None:
    config = load_config(env={})
    assert config.models.probe == config.models.vote == "claude-haiku-4-5"
    assert config.models.debrief == "claude-sonnet-4-6"
    for step in ("probe", "vote", "debrief"):
        assert config.model_for(step) in config.prices
    assert config.batch_discount == 0.5
    assert 0 < config.cascade.review_below <= config.cascade.escalate_below < 1


def test_env_overrides_model_and_thresholds() -> None:
    config = load_config(
        env={
            "MOCKPANEL_CLAUDE_DEBRIEF_MODEL": "claude-opus-4-6",
            "MOCKPANEL_CASCADE_ESCALATE_BELOW": "0.8",
            "MOCKPANEL_CLAUDE_MAX_RETRIES": "5",
        }
    )
    assert config.models.debrief == "claude-opus-4-6"
    assert config.cascade.escalate_below == 0.8
    assert config.retries.max_retries == 5


def test_override_with_unpriced_model_is_one_line() -> None:
    with pytest.raises(ClaudeConfigError) as bad:
        load_config(env={"MOCKPANEL_CLAUDE_DEBRIEF_MODEL": "claude-unknown-9"})
    message = str(bad.value)
    assert "MOCKPANEL_CLAUDE_DEBRIEF_MODEL" in message
    assert "no price for the debrief model 'claude-unknown-9'" in message
    assert "\n" not in message


def test_bad_override_value_names_the_field() -> None:
    with pytest.raises(ClaudeConfigError, match=r"cascade\.escalate_below"):
        load_config(env={"MOCKPANEL_CASCADE_ESCALATE_BELOW": "lots"})


def test_broken_config_file_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "claude.yaml"
    path.write_text(
        load_config(env={}).model_dump_json().replace('"max_retries":3', '"max_retries":-1')
    )
    with pytest.raises(ClaudeConfigError, match=r"claude\.yaml: .*max_retries"):
        load_config(env={"MOCKPANEL_CLAUDE_CONFIG": str(path)})


def test_cost_arithmetic_per_token_class() -> None:
    price = Price(input=3.0, output=15.0, cache_write=3.75, cache_read=0.30)
    cost = call_cost(
        price,
        input_tokens=1_000,
        output_tokens=500,
        cache_creation_input_tokens=2_000,
        cache_read_input_tokens=10_000,
    )
    # 1000*3 + 500*15 + 2000*3.75 + 10000*0.30 = 3000 + 7500 + 7500 + 3000 = 21000 per 1e6
    assert cost == pytest.approx(0.021)
    assert call_cost(price, input_tokens=1_000, output_tokens=500, discount=0.5) == pytest.approx(
        (3_000 + 7_500) / 1e6 / 2
    )
