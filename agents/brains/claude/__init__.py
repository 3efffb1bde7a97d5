"""The claude brain: the Anthropic Messages API behind the Brain protocol."""

from agents.brains.claude.brain import ClaudeBrain

__all__ = ["ClaudeBrain"]
