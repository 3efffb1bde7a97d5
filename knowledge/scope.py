"""A question's scope: the stages it assesses (inferred from a free text) and its product."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.loader import load_scope_rules
from knowledge.models import STAGE_IDS, Question, ScopeRules, StageId

CUSTOM_PREFIX = "custom"
DEFAULT_PRODUCT = "this product"
TITLE_MAX = 80
BROAD_WHEN_NAMING = 3  # a design question that names this many stages assesses all five
PRODUCT_MAX_WORDS = 6
CLAUSE_MAX_WORDS = 7
EMBEDDED_CLAUSE_MAX_WORDS = 12  # "that predicts which orders will miss their cut-off"
# What a bare "system" does: "to detect fraudulent claims", "that extracts data from receipts".
_PURPOSE = re.compile(r"\s+((?:that|which|to|for)\s+[^,.;:?!()]+)", re.IGNORECASE)
# "Design a…", "Build the…": a whole-system question, whatever else it mentions.
_SENTENCE_START = re.compile(r"(?<=[.!?])\s+")
_IMPERATIVE = re.compile(
    r"^\W*(?:(?:as (?:the|a|our|their) [\w-]+(?: [\w-]+)?|now|so|ok(?:ay)?|then|first)[,:]?\s+)?"
    r"(please\s+)?(design|build|architect|create|plan)\b",
    re.IGNORECASE,
)
# "How would you design and evaluate an assistant that…" asks for the design too, unless what is
# designed is one part ("how would you design the evaluation for the assistant?").
_HOW_DESIGN = re.compile(
    r"^\W*how (?:would|will|could|should|do|can) (?:you|we|i) (?:design|build|architect|create)"
    r"(?: and (?:evaluate|launch|ship|test|measure|run|scale|price|deploy|roll out))?"
    r" (?:an?|the|our|your|this)\b"
    r"(?![^.?]{0,40}\b(?:evaluation|eval|test set|metrics?|pricing|labell?ing|cost|rollout)\b)"
    r"[^.?]{0,40}\b(?:system|product|assistant|pipeline|platform|service|tool|bot|feature|copilot|"
    r"agent|app|forecast|forecaster|recommender|ranker|classifier|detector|predictor|model|"
    r"summari[sz]er|chatbot)s?\b",
    re.IGNORECASE,
)
# "… wants an LLM feature that drafts postmortems. How would you design it?": the thing the
# question just named, designed whole.
_HOW_DESIGN_IT = re.compile(
    r"^\W*how (?:would|will|could|should|do|can) (?:you|we|i) (?:design|build|architect)"
    r" (?:it|this|that)\b(?![^.?]{0,20}\b(?:evaluation|eval|test|metrics?|pricing|cost|traffic|"
    r"scale|load|latency|volume)\b)",
    re.IGNORECASE,
)

# "Compare two approaches, pick one, and explain how you'd run it": the chosen design, run whole.
_RUN_IT = re.compile(
    r"\b(?:explain|describe|walk (?:me|us) through|tell (?:me|us)|show (?:me|us)?) how "
    r"(?:you(?:'d| would| will| could)?|we(?:'d| would| will)?|to) "
    r"(?:build|run|operate|launch|ship|roll out|deploy|productioni[sz]e|design|architect) "
    r"(?:it|this|that|them|the (?:system|product|model|tool|feature|service|pipeline))\b",
    re.IGNORECASE,
)
# "Talk me through how you'd build automated anomaly alerts for …": whatever is built, unless it
# is one part of it ("walk me through how you'd build the evaluation").
_TALK_BUILD = re.compile(
    r"^\W*(?:talk|walk) (?:me|us) through how (?:you(?:'d| would| will)?|we(?:'d| would)?|to) "
    r"(?:design|build|architect|create|set up)\b"
    r"(?! (?:the |an? |your |our )?(?:evaluation|eval|test set|metrics?|pricing|labell?ing|cost|"
    r"rollout|prompt|dashboard|(?:online |live |a/b )?(?:experiment|test|trial|pilot|study))s?\b)",
    re.IGNORECASE,
)
# "… wants a churn early-warning model. How would you approach it?": the thing just described,
# taken on whole; "How would you design and launch it?" and "build and launch this?" too.
_APPROACH_IT = re.compile(
    r"^\W*how (?:would|will|could|should|do|can) (?:you|we|i) "
    r"(?:approach|tackle|go about|"
    r"(?:design|build) and (?:launch|ship|roll|deploy|build|run|evaluate|test|scale))"
    r" (?:it|this|that|building (?:it|this|that)|designing (?:it|this|that))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Ask:
    """A part the question asks for by name, in its own words, and the signals that answer it."""

    phrase: str
    signals: tuple[str, ...]


class _Compiled:
    def __init__(self, rules: ScopeRules) -> None:
        self.broad = [re.compile(p, re.IGNORECASE) for p in rules.broad_patterns]
        self.restricting = [re.compile(p, re.IGNORECASE) for p in rules.restricting_patterns]
        self.stages = {
            stage: [re.compile(p, re.IGNORECASE) for p in rules.stages[stage]]
            for stage in STAGE_IDS
        }
        self.product = [re.compile(p, re.IGNORECASE) for p in rules.product_patterns]
        self.generic_heads = {h.lower() for h in rules.generic_product_heads}
        self.vague = {w.lower() for w in rules.vague_product_modifiers}
        self.purpose_ends = {w.lower() for w in rules.purpose_ends_at}
        self.asks = [(re.compile(a.pattern, re.IGNORECASE), tuple(a.signals)) for a in rules.asks]


@lru_cache(maxsize=1)
def _rules() -> _Compiled:
    return _Compiled(load_scope_rules())


def infer_scope(text: str) -> list[StageId]:
    """The stages a free-text question assesses: all five for a broad design question (or one
    whose wording names no stage), else the stages its wording asks about, in rubric order."""
    rules = _rules()
    text = " ".join(text.split())
    limited = _limited_to(text)
    if limited:
        return limited
    # "We run a card app. Design a feature that…": a design request in any sentence.
    if any(
        _IMPERATIVE.match(part)
        or _HOW_DESIGN.match(part)
        or _HOW_DESIGN_IT.match(part)
        or _RUN_IT.search(part)
        or _APPROACH_IT.match(part)
        or _TALK_BUILD.match(part)
        for part in _SENTENCE_START.split(text)
    ):
        return list(STAGE_IDS)
    named = [s for s in STAGE_IDS if any(p.search(text) for p in rules.stages[s])]
    broad = any(p.search(text) for p in rules.broad)
    if not named or (broad and len(named) >= BROAD_WHEN_NAMING):
        return list(STAGE_IDS)
    return named


_LIMIT_END = re.compile(r"\s*(?:[:;—–]|\s-\s)\s*")
# What the limit sets aside ("skip model choice and UI") is not what it asks about.
_SET_ASIDE = re.compile(
    r"\b(?:skip|skipping|not|except|excluding|without|leave out|leaving out|ignore|ignoring|"
    r"no need (?:to|for)|don'?t (?:need|worry about|cover))\b[^.;:?!]*",
    re.IGNORECASE,
)


def _limited_to(text: str) -> list[StageId]:
    """The stages a limiting sentence asks about ("Only the cost side: how do you keep…"), or
    none when the question sets no limit or its limit names no stage."""
    rules = _rules()
    sentences = _SENTENCE_START.split(text)
    stages: set[str] = set()
    for i, sentence in enumerate(sentences):
        limit = next((m for p in rules.restricting if (m := p.search(sentence))), None)
        if limit is None:
            continue
        # "Just the evaluation part: how would you know it is good enough to launch?" limits
        # itself to what its own clause names; a clause that names no stage ("Only the money
        # side please: what will it cost…") is explained by the rest of its sentence, or by the
        # next one ("Just the cost side, please. What does it cost per day?").
        clause, *rest = _LIMIT_END.split(sentence[limit.start() :], maxsplit=1)
        own = _named(clause)
        if own:
            # The limited part is also to be measured when the limit asks how you would know it
            # works ("Only address hallucinations: how would you keep it from making things up,
            # and how would you know it's working?"); the other words inside it are that part's
            # own pieces ("Only scale and cost: volumes, what it costs to label").
            if rest and _KNOW_IT_WORKS.search(rest[0]):
                own = own | {"evaluation"}
            stages |= own
            continue
        for part in (sentence, *sentences[i + 1 : i + 2]):
            named = _named(part)
            if named:
                stages |= named
                break
    return [s for s in STAGE_IDS if s in stages]


_KNOW_IT_WORKS = re.compile(
    r"\bhow (?:would|will|do|can|could) (?:you|we|i) (?:know|tell|measure|check|verify|prove)\b"
    r"|\b(?:know|tell|measure|check|verify) (?:whether|if|that) (?:it|this|that|the \w+) "
    r"(?:is |are )?(?:work|works|working|good|better|right)\b",
    re.IGNORECASE,
)


def _named(part: str) -> set[str]:
    """The stages a piece of a question asks about, leaving out what it sets aside."""
    asked = _SET_ASIDE.sub(" ", part)
    return {s for s in STAGE_IDS if any(p.search(asked) for p in _rules().stages[s])}


_CLAUSE_END = re.compile(r"[,;:.?!()]|\s(?:and|or)\s")


def infer_asks(text: str) -> list[Ask]:
    """The parts a question asks for by name ("in what order", "how many reviewers we need"),
    in the order it asks them."""
    text = " ".join(text.split())
    found = []
    for pattern, signals in _rules().asks:
        m = pattern.search(text)
        if m:
            # The ask in full: to the end of its clause ("how we know the reviewers are making
            # the right call").
            end = _CLAUSE_END.search(text, m.end())
            phrase = text[m.start() : end.start() if end else len(text)]
            found.append((m.start(), Ask(phrase.strip(" ,;:?."), signals)))
    return [ask for _, ask in sorted(found, key=lambda f: f[0])]


# Words that open a subordinate clause: it says why or when, not what.
_SUBORDINATORS = frozenset(
    "when whenever while if unless because once after before until so".split()  # noqa: SIM905
)
# A cut clause does not end on a word that needs another after it.
_DANGLING = frozenset(
    "a an the and or of to for from with by in on at about into over".split()  # noqa: SIM905
    + "than as that which their its our".split()  # noqa: SIM905
    # A subordinate clause cut off ("to write refund replies when a customer…") starts here too.
    + ["where", *_SUBORDINATORS]
)


_MANNER = re.compile(
    r"\s+(?:end[- ]to[- ]end|automatically|autonomously|at scale|in real[- ]time|from scratch|"
    r"on (?:its|their) own|by (?:itself|themselves))\b",
    re.IGNORECASE,
)


_PRONOUNS = frozenset({"it", "them", "these", "those", "this", "that", "they"})
# A clause that is the purpose verb's object ("predicts which …", "decides whether …").
_EMBEDDING = frozenset({"which", "whether", "what", "who", "how"})


def _purpose(text: str, at: int) -> list[str]:
    """The words saying what a bare "system" at `at` does ("to detect fraudulent claims"), cut
    before the last linking word when long: "that collects human preference comparisons"."""
    found = _PURPOSE.match(text, at)
    if not found:
        return []
    # Manner words say how, not what: "that handles claims end to end" handles claims.
    clause = _MANNER.sub("", found.group(1)).split()
    # "an LLM to migrate them to Java": the verb's object points back at words outside, and the
    # clause says how, not what the product is.
    if len(clause) > 2 and clause[2].lower() in _PRONOUNS:
        return []
    # "our AI that flags expense claims is good enough…": the clause ends where the
    # sentence's own verb begins.
    ends = _rules().purpose_ends
    # "that predicts which orders will miss their cut-off": the first such verb after an
    # embedded "which"/"whether" is that inner clause's own, and the name keeps it whole.
    # ("tells a city library which books…" too, but "questions about whether…" is a phrase.)
    inner = next(
        (
            i
            for i, w in enumerate(clause[:6])
            if i > 1 and w.lower() in _EMBEDDING and clause[i - 1].lower() not in _DANGLING
        ),
        None,
    )
    # A subordinate clause says why or when, not what: "predicts no-shows so schedulers can…".
    cut = next((i for i, w in enumerate(clause) if i > 1 and w.lower() in _SUBORDINATORS), None)
    clause = clause[:cut]
    verbs = [i for i, w in enumerate(clause) if i > 1 and w.lower() in ends]
    if inner is not None:
        verbs = [i for i in verbs if i < inner] + [i for i in verbs if i > inner][1:]
    clause = clause[: verbs[0] if verbs else None]
    longest = EMBEDDED_CLAUSE_MAX_WORDS if inner is not None else CLAUSE_MAX_WORDS
    whole = not verbs and len(clause) <= longest
    if len(clause) > longest:
        clause = clause[:longest]
        # The clause opens on a linking word ("that", "to"), so there is always one to cut at.
        last_link = max(i for i, w in enumerate(clause) if w.lower() in _DANGLING)
        if last_link > 1:
            clause = clause[:last_link]
    # "that captures them" points back at words outside the clause: the pronoun names nothing.
    # A clause kept whole may end on its own preposition ("which bin an item goes in").
    while clause and (
        clause[-1].lower().strip(",.;:") in _PRONOUNS
        or clause[-1].lower() in _EMBEDDING
        or (clause[-1].lower() in _DANGLING and not (whole and inner is not None))
    ):
        clause.pop()
    # A link and a bare verb ("that helps") name no purpose: the product is better unqualified.
    return clause if len(clause) > 2 else []


def infer_product(text: str) -> str:
    """A short name of what the question is about ('meeting-notes summariser'), for probes."""
    rules = _rules()
    text = " ".join(text.split())
    for pattern in rules.product:
        m = pattern.search(text)
        if m:
            words = m.group(1).split()
            if not 1 <= len(words) <= PRODUCT_MAX_WORDS:
                continue
            *modifiers, head = (w.lower() for w in words)
            if head in rules.generic_heads and set(modifiers) <= rules.vague:
                words += _purpose(text, m.end(1))
            # Acronyms keep their case: "the LLM feature", not "the llm feature".
            return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return DEFAULT_PRODUCT


def product_of(question: Question) -> str:
    """What the panel calls the thing being designed ('the support assistant', 'this product')."""
    named = question.product and question.product != DEFAULT_PRODUCT
    return f"the {question.product}" if named else DEFAULT_PRODUCT


def parse_stages(raw: str) -> list[StageId]:
    """Stage ids from a comma-separated list ('evaluation,scaling'); ValueError naming a bad one."""
    names = [n.strip().lower().replace("-", "_").replace(" ", "_") for n in raw.split(",")]
    names = [n for n in names if n]
    if not names:
        raise ValueError(f"--stages needs one or more of: {', '.join(STAGE_IDS)}")
    out: list[StageId] = []
    for name in names:
        match = next((s for s in STAGE_IDS if s == name), None)
        if match is None:
            raise ValueError(f"unknown stage {name!r}; known stages: {', '.join(STAGE_IDS)}")
        if match not in out:
            out.append(match)
    return [s for s in STAGE_IDS if s in out]


def custom_question(
    prompt: str, stages: list[StageId] | None = None, *, title: str | None = None
) -> Question:
    """A Question for free text: its scope inferred (or the given stages), its product named."""
    prompt = " ".join(prompt.split())
    scope = stages or infer_scope(prompt)
    digest = hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:10]
    title = title or (
        prompt if len(prompt) <= TITLE_MAX else prompt[: TITLE_MAX - 1].rstrip() + "…"
    )
    return Question(
        id=f"{CUSTOM_PREFIX}-{digest}",
        title=title,
        prompt=prompt,
        use_case=CUSTOM_PREFIX,
        product=infer_product(prompt),
        stresses=list(scope),
        assesses=list(scope),
        tags=[CUSTOM_PREFIX],
    )


def scope_line(question: Question) -> str:
    """'This question assesses: evaluation, model integration' (all five: 'all five stages')."""
    if len(question.assesses) == len(STAGE_IDS):
        return "This question assesses: all five stages."
    names = ", ".join(s.replace("_", " ") for s in question.assesses)
    return f"This question assesses: {names}."
