"""The coach's marks live in the shared store (agents.storage.coach_marks); re-exported here."""

from agents.storage.coach_marks import CoachMarks, CoachMarksStore

__all__ = ["CoachMarks", "CoachMarksStore"]
