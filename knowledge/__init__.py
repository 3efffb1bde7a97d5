"""Rubric, question bank, debrief-snippet corpus, embeddings and retrieval."""
