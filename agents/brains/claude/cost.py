"""Dollar cost of a call from its token counts and the configured prices."""

from __future__ import annotations

from agents.brains.claude.config import Price

PER_TOKENS = 1_000_000


def call_cost(
    price: Price,
    *,
    input_tokens: int,
    output_tokens: int,
    cache_creation_input_tokens: int = 0,
    cache_read_input_tokens: int = 0,
    discount: float = 1.0,
) -> float:
    """USD for one call; `input_tokens` excludes cached tokens, as the API reports it.

    `discount` scales every token class (0.5 for the Message Batches API).
    """
    dollars = (
        input_tokens * price.input
        + output_tokens * price.output
        + cache_creation_input_tokens * price.cache_write
        + cache_read_input_tokens * price.cache_read
    ) / PER_TOKENS
    return round(dollars * discount, 8)
