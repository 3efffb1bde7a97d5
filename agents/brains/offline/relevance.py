"""Is the answer about the question asked? Compared against the bank's other design questions."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knowledge.embeddings import Embedder
from knowledge.models import STAGE_IDS, Question
from knowledge.scope import CUSTOM_PREFIX

# The answer's closest sentences stand for it (a long answer is judged on its best sixth),
# averaged with its centroid so that a few sentences near another product do not decide alone.
MIN_TOP_SENTENCES = 4
TOP_SHARE = 6
# Another question this much closer than the one asked means the answer is about another product,
# unless this share of its sentences uses the asked product's own words (those of its question's
# text that no other question's has: "customer" for the support assistant, "posts" for moderation).
OTHER_QUESTION_MARGIN = 0.1
TYPED_QUESTION_MARGIN = 0.15
OWN_WORDS_SHARE = 0.3
# An answer that hardly uses the asked product's own words while another's fill it is about that
# other product, however close the embeddings are.
NO_OWN_WORDS = 0.1
RIVAL_WORDS_SHARE = 0.2
# ... and whose own words the other product's outnumber this many times over. A design answer
# whose sentences name another product's things (tickets, agents, reopens) this often, against
# a few passing uses of the asked product's ("drafts"), is that other product's design.
RIVAL_OVER_OWN = 3.0
RIVAL_DOMINANT_SHARE = 0.3
# Bank questions this close to the asked one are the same product, not a rival.
SAME_PRODUCT = 0.5
ROOT_MIN_LETTERS = 5
_WORD = re.compile(r"[a-z][a-z-]{4,}")
# Words of a question's text that say nothing about its product.
_GENERIC = frozenset(
    [
        "about",
        "across",
        "after",
        "before",
        "build",
        "company",
        "could",
        "design",
        "every",
        "hundred",
        "keeping",
        "large",
        "month",
        "produce",
        "should",
        "their",
        "there",
        "thousand",
        "which",
        "while",
        "without",
        "would",
        "forty",
        "fifty",
        "million",
    ]
)


@dataclass(frozen=True)
class Relevance:
    """How close the answer is to the question asked and to the closest other question."""

    asked: float
    other: float
    other_id: str | None
    other_title: str | None
    product_words_share: float = 0.0
    """Share of sentences using the asked product's own words (no other question has them)."""
    rival_words_share: float = 0.0
    """The same share for the other product whose own words the answer uses most."""
    names_product: bool = True
    """The answer uses at least one of the asked product's terms (or the question has none)."""
    design: bool = True
    """The question asks for a whole design (every stage), not one part of it."""
    typed: bool = False
    """The question was typed by the user, not taken from the bank."""
    other_stages: tuple[str, ...] = ()
    """The stages the closest other question assesses."""

    @property
    def different_question(self) -> bool:
        """The answer is about another product or problem than the one asked."""
        if not self.names_product:
            return True
        if self.other_id is None:
            return False
        if self.typed:
            # A typed question is a line or two, nearer by meaning to few answers than the
            # bank's full prompts are: only a wide gap and none of its words say "elsewhere" —
            # or, for a whole design, another product's words filling an answer that hardly
            # uses its own (an eval platform to sell, answered as our support bot's evals).
            far = self.other - self.asked >= TYPED_QUESTION_MARGIN
            # ... never when the answer is nearer the question asked by meaning: a RAG support
            # assistant asked for by name shares the knowledge assistant's words.
            crowded = (
                self.design
                and self.rival_words_share >= RIVAL_WORDS_SHARE
                and self.other > self.asked
            )
            return (far or crowded) and self.product_words_share < NO_OWN_WORDS
        if self.other - self.asked >= OTHER_QUESTION_MARGIN:
            # An answer that uses the asked product's words at least as much as the rival's
            # needs the wider gap: a few generic replies can tip a close call by meaning.
            if (
                self.product_words_share >= max(self.rival_words_share, NO_OWN_WORDS)
                and self.other - self.asked < TYPED_QUESTION_MARGIN
            ):
                return False
            return self.product_words_share < OWN_WORDS_SHARE
        if self.asked - self.other >= OTHER_QUESTION_MARGIN:
            return False  # by meaning the answer is plainly about the question asked
        outnumbered = self.rival_words_share >= RIVAL_OVER_OWN * self.product_words_share
        if self.design and outnumbered and self.rival_words_share >= RIVAL_DOMINANT_SHARE:
            return True
        return (
            self.product_words_share < NO_OWN_WORDS and self.rival_words_share >= RIVAL_WORDS_SHARE
        )


_HEAD_WORD = re.compile(r"[a-z0-9]+")
_HEAD_END = re.compile(r"\s(?:for|over|with|in|on)\s", re.IGNORECASE)


def _head(title: str) -> str:
    """A bank product's head words: the last two before its qualifier ("support assistant" of
    "Customer-support assistant", "review assistant" of "Code-review assistant for pull
    requests")."""
    words = _HEAD_WORD.findall(_HEAD_END.split(title, maxsplit=1)[0].lower())
    return " ".join(words[-2:])


def question_text(q: Question) -> str:
    return f"{q.title}. {q.prompt}"


def _stems(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {w[:-1] if w.endswith("s") and not w.endswith("ss") else w for w in words} - _GENERIC


def names_product(question: Question, texts: Sequence[str]) -> bool:
    """Whether the texts use any of the question's product terms (as word starts)."""
    if not question.product_terms:
        return True
    terms = re.compile(r"\b(?:" + "|".join(map(re.escape, question.product_terms)) + ")", re.I)
    return any(terms.search(t) for t in texts)


def _root(word: str) -> str:
    """The part of a word its other forms share: 'classif' of 'classifier'."""
    return word[: max(ROOT_MIN_LETTERS, len(word) - 3)]


def _share_roots(sentences: Sequence[set[str]], roots: set[str]) -> float:
    """Share of sentences (as stems) using a word that starts with any of these roots."""
    if not sentences or not roots:
        return 0.0
    hits = sum(1 for s in sentences if any(w.startswith(r) for w in s for r in roots))
    return hits / len(sentences)


def _share(sentences: Sequence[set[str]], words: set[str]) -> float:
    """Share of sentences (as stems) using any of these words."""
    if not sentences or not words:
        return 0.0
    return sum(1 for s in sentences if s & words) / len(sentences)


class QuestionMatcher:
    """Compares an answer's sentences with the asked question and the bank's other questions."""

    def __init__(self, bank: list[Question], embedder: Embedder) -> None:
        self._rivals = list(bank)
        self._heads = [f" {_head(q.title)} " for q in bank]
        self._design = np.array([len(q.assesses) == len(STAGE_IDS) for q in bank], dtype=bool)
        self._embedder = embedder
        self._vectors: npt.NDArray[np.float32] | None = None
        self._lock = threading.Lock()

    def _rival_vectors(self) -> npt.NDArray[np.float32]:
        with self._lock:
            if self._vectors is None:
                self._vectors = self._embedder.embed([question_text(q) for q in self._rivals])
            return self._vectors

    def relevance(
        self, question: Question, sentences: npt.NDArray[np.float32], texts: Sequence[str] = ()
    ) -> Relevance:
        """The answer's closeness to the asked question and to its closest rival, by embedding
        and by the products' own words (`texts` are the sentences the vectors embed)."""
        named = not texts or names_product(question, texts)
        if sentences.shape[0] == 0 or not self._rivals:
            return Relevance(0.0, 0.0, None, None, names_product=named)
        rivals = self._rival_vectors()
        asked_vec = self._embedder.embed([question_text(question)])[0]
        same = (rivals @ asked_vec) >= SAME_PRODUCT
        k = min(sentences.shape[0], max(MIN_TOP_SENTENCES, sentences.shape[0] // TOP_SHARE))
        centroid = sentences.mean(axis=0)
        centroid /= float(np.linalg.norm(centroid)) or 1.0
        asked = (
            float(np.sort(sentences @ asked_vec)[-k:].mean()) + float(centroid @ asked_vec)
        ) / 2
        scores = (np.sort(sentences @ rivals.T, axis=0)[-k:].mean(axis=0) + rivals @ centroid) / 2
        # A design answer is compared with the other designs only: a focused question about
        # one part (pricing a support resolution) shares its product with a design question.
        # A focused answer is compared with the focused questions about other parts too (a
        # prompt-evaluation answer to a hallucination question); one about the same stage
        # would share its words.
        focused = len(question.assesses) < len(STAGE_IDS)
        scope = set(question.assesses)
        others = [
            j
            for j, q in enumerate(self._rivals)
            if q.id != question.id
            and not same[j]
            and (self._design[j] or (focused and not set(q.assesses) & scope))
        ]
        typed = CUSTOM_PREFIX in question.tags
        if typed:
            # A typed line is far by meaning from a bank prompt about the same product: one
            # that names the bank product's head ("a RAG-based support assistant for …") is it.
            asked_words = f" {' '.join(_HEAD_WORD.findall(question_text(question).lower()))} "
            others = [j for j in others if self._heads[j] not in asked_words]
        if not others:
            return Relevance(round(asked, 4), 0.0, None, None, names_product=named)
        best_j = max(others, key=lambda j: (float(scores[j]), -j))
        stems = [_stems(t) for t in texts]
        product, rival_words = self._product_words(_stems(question_text(question)), others)
        lexical = {j: _share(stems, rival_words[j]) for j in others}
        top = max(others, key=lambda j: (lexical[j], -j))
        if float(scores[best_j]) - asked < OTHER_QUESTION_MARGIN:
            best_j = top  # the embeddings do not single out a rival: name the lexical one
        rival = self._rivals[best_j]
        if typed:
            # A typed question shares words with the bank ("claims" with the billing one): its
            # own words are those the rival's text lacks.
            product = _stems(question_text(question)) - _stems(question_text(rival))
            # ... and the answer says them in its own forms ("classifying" for "classifier").
            product_share = _share_roots(stems, {_root(w) for w in product})
        else:
            product_share = _share(stems, product)
        return Relevance(
            round(asked, 4),
            round(float(scores[best_j]), 4),
            rival.id,
            rival.title,
            round(product_share, 4),
            round(lexical[top], 4),
            named,
            design=not focused,
            typed=typed,
            other_stages=tuple(rival.assesses),
        )

    def _product_words(
        self, asked_words: set[str], others: list[int]
    ) -> tuple[set[str], dict[int, set[str]]]:
        """The asked question's own words and each rival's: in its text and no other's."""
        texts = {j: _stems(question_text(self._rivals[j])) for j in others}
        counts = Counter(w for t in [asked_words, *texts.values()] for w in t)
        own = {w for w in asked_words if counts[w] == 1}
        return own, {j: {w for w in t if counts[w] == 1} for j, t in texts.items()}
