"""The panel: LangGraph interview graph, brains, debrief, persistence and CLI."""
