"""The offline brain's tunables, loaded from calibration.yaml and validated."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from knowledge.loader import load_model
from knowledge.models import PANELIST_IDS, STAGE_IDS, StageId, StrictModel, check_patterns

CALIBRATION_PATH = Path(__file__).with_name("calibration.yaml")


class Limits(StrictModel):
    """Input caps."""

    max_words: int = Field(gt=0)
    max_sentence_words: int = Field(ge=10)
    min_sentence_words: int = Field(ge=1)


class Similarity(StrictModel):
    """Cosine thresholds for evidence, red flags, injection and topicality."""

    signal_threshold: float = Field(gt=0, lt=1)
    pattern_floor: float = Field(ge=0, lt=1)
    neighbour_floor: float = Field(ge=0, lt=1)
    hedge_topic_margin: float = Field(ge=0, lt=1)
    max_signals_per_sentence: int = Field(ge=1)
    red_flag_threshold: float = Field(gt=0, lt=1)
    red_flag_margin: float = Field(ge=0, lt=1)
    red_flag_min_words: int = Field(default=0, ge=0)
    injection_threshold: float = Field(gt=0, lt=1)
    on_topic_threshold: float = Field(gt=0, lt=1)
    touch_floor: float = Field(gt=0, lt=1)
    touch_rank: int = Field(ge=0)
    touch_rank_floor: float = Field(gt=0, lt=1)


class ClassifierConfig(StrictModel):
    """The sentence-to-signal classifier: hashed word features and ridge strength."""

    hash_dims: int = Field(ge=256, le=65536)
    ridge: float = Field(gt=0)
    other_signal_target: float = Field(ge=0, le=1)
    admit_floor: float = Field(ge=0, lt=1)
    admit_margin: float = Field(ge=0)
    named_floor: float = Field(gt=0, lt=1)
    decisive_floor: float = Field(ge=0, lt=1)
    overrule_margin: float = Field(ge=0)
    scope_reread_margin: float = Field(ge=0)
    touch_rank: int = Field(ge=0)
    dismiss_margin: float = Field(ge=0)
    credit_veto: float
    credit_grant: float


class Substance(StrictModel):
    """What counts as substance: numbers and units, causal links, concrete mechanisms."""

    window: int = Field(ge=0, le=3)
    min_specific_words: int = Field(ge=0)
    number_words: list[str]
    number_units: list[str]
    fraction_patterns: list[str]
    enumeration_nouns: list[str]
    not_quantity_patterns: list[str]
    not_quantity_before: str
    threshold_patterns: list[str]
    causal_patterns: list[str]
    reason_patterns: list[str]
    who_words: list[str]
    mechanism_verbs: list[str]
    routing_patterns: list[str]
    stopwords: list[str]

    _ok = field_validator(
        "fraction_patterns",
        "not_quantity_patterns",
        "threshold_patterns",
        "causal_patterns",
        "reason_patterns",
        "routing_patterns",
    )(check_patterns)


class Buzzwords(StrictModel):
    """Rubric vocabulary and the densities that make a sentence or answer a buzzword list."""

    terms: list[str] = Field(min_length=5)
    sentence_min_terms: int = Field(ge=2)
    sentence_min_density: float = Field(gt=0, le=1)
    terms_need_quantity: int = Field(ge=1)
    answer_min_terms: int = Field(ge=1)
    answer_max_credit_ratio: float = Field(gt=0, le=1)

    _ok = field_validator("terms")(check_patterns)


class Negation(StrictModel):
    """Cues that show a sentence rejects a red-flag idea instead of proposing it."""

    clause_cues: list[str]
    after_cues: list[str] = Field(default_factory=list)
    sentence_cues: list[str]
    rejecting_labels: list[str] = Field(default_factory=list)
    """A short lead label that files what follows under "not doing" ("Things I'd avoid: …")."""
    declined_labels: list[str] = Field(default_factory=list)
    """... of them, those that list an option the design turned down ("Rejected: …"): what
    follows shows no signal, however sound the option."""
    refused_conditions: list[str] = Field(default_factory=list)
    """A sentence that names a practice only as the condition for saying no ("If launch hangs
    on the grader's score alone, the answer is no"): what it names is turned down, not
    proposed."""
    clause_splitter: str
    max_words_before_match: int = Field(ge=1)
    polarity: str

    _ok = field_validator(
        "clause_cues",
        "after_cues",
        "sentence_cues",
        "rejecting_labels",
        "declined_labels",
        "refused_conditions",
    )(check_patterns)

    @field_validator("clause_splitter", "polarity")
    @classmethod
    def _splitter(cls, value: str) -> str:
        return check_patterns([value])[0]


class StanceCues(StrictModel):
    """Cues of a hedge or an admitted gap: a sentence that is never evidence."""

    hedge_patterns: list[str] = Field(min_length=1)
    filler_words: list[str] = Field(min_length=1)
    dismissal_patterns: list[str] = Field(default_factory=list)
    figureless_dismissal_patterns: list[str] = Field(default_factory=list)
    """Waving a problem away that counts only when the sentence carries no figure."""
    test_question_patterns: list[str] = Field(default_factory=list)
    """A question that is the check the design runs ("would the forecast have picked the stores
    that ran out first?"): the candidate's own test, not a question to the panel."""
    unsure_case_patterns: list[str] = Field(default_factory=list)
    """The cases a design says the system is unsure of ("we never post an amount we are not
    sure of"): a rule for those cases, not the candidate admitting a gap."""
    failure_story_patterns: list[str] = Field(default_factory=list)
    failure_story_turn_patterns: list[str] = Field(default_factory=list)
    """A sentence that turns a failure story to what worked ("What worked: …") ends it."""
    failure_sections: list[str] = Field(default_factory=list)
    """Headings over failures imagined ahead ("Pre-mortem", "What could go wrong"): each item
    under them is a story of failure, up to the sentence that turns to what prevents it."""
    open_question_sections: list[str] = Field(default_factory=list)
    rejecting_sections: list[str] = Field(default_factory=list)
    """Headings or table columns that list what the answer turns down ("Why not", "Tempting
    moves"): a bad practice named under them is rejected, not stated."""
    announced_rejections: list[str] = Field(default_factory=list)
    """A sentence that announces a list of what the answer turns down ("Two ideas I would argue
    against at once."): the practices named after it, in its paragraph or list, are rejected."""
    context_sections: list[str] = Field(default_factory=list)
    context_signals: list[str] = Field(default_factory=list)
    option_patterns: list[str] = Field(default_factory=list)
    """Offering an alternative ("one option is…", "or alternatively we might…")."""
    menu_modal_patterns: list[str] = Field(default_factory=list)
    """A plan put as a possibility ("we could…"): in an answer that offers this many options
    or more without choosing, it is one more option, not a decision."""
    menu_min_options: int = Field(default=3, ge=1)
    hedge_topic_cues: dict[str, list[str]] = Field(default_factory=dict)
    """Per signal, words that name it in an admission ("I haven't priced the model yet" is
    about inference cost); the first signal whose cue matches is what the hedge admits."""

    @field_validator("hedge_topic_cues")
    @classmethod
    def _cues_ok(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for patterns in value.values():
            check_patterns(patterns)
        return value

    _ok = field_validator(
        "hedge_patterns",
        "dismissal_patterns",
        "figureless_dismissal_patterns",
        "unsure_case_patterns",
        "failure_story_patterns",
        "failure_story_turn_patterns",
        "failure_sections",
        "open_question_sections",
        "rejecting_sections",
        "announced_rejections",
        "context_sections",
        "option_patterns",
        "menu_modal_patterns",
    )(check_patterns)


class Injection(StrictModel):
    """Patterns and exemplars of text that addresses the panel instead of the question."""

    patterns: list[str] = Field(min_length=1)
    block_cues: list[str] = Field(default_factory=list)
    address_cues: list[str] = Field(default_factory=list)
    defence_cues: list[str] = Field(default_factory=list)
    exemplars: list[str] = Field(min_length=1)

    _ok = field_validator("patterns", "block_cues", "address_cues", "defence_cues")(check_patterns)


class AnswerChecks(StrictModel):
    """Empty, gibberish and off-topic detection."""

    min_words: int = Field(ge=1)
    gibberish_max_function_share: float = Field(ge=0, le=1)
    gibberish_min_words: int = Field(ge=1)
    function_words: list[str] = Field(min_length=5)
    off_topic_max_share: float = Field(ge=0, le=1)
    other_language_words: list[str] = Field(default_factory=list)
    """Common words of other languages the candidates write in (Spanish, French, German, …)."""
    other_language_min_share: float = Field(default=0.15, ge=0, le=1)
    english_max_share: float = Field(default=0.1, ge=0, le=1)


class StructuralFlag(StrictModel):
    """A red flag raised when a topic dominates the answer."""

    topic_patterns: list[str] = Field(min_length=1)
    min_sentences: int = Field(ge=1)
    min_share: float = Field(ge=0, le=1)
    data_stages: list[StageId] = Field(default_factory=list)
    max_data_credit: float | None = None

    _ok = field_validator("topic_patterns")(check_patterns)


class AbsenceFlag(StrictModel):
    """A red flag raised when a substantive answer never touches an idea at all."""

    signals: list[str] = Field(default_factory=list)
    """Signals whose evidence, or a sentence close to them, touches the idea; none: only the
    patterns do (no signal stands for checking a judge model against people)."""
    patterns: list[str] = Field(min_length=1)
    min_words: int = Field(ge=1)
    subject_patterns: list[str] = Field(min_length=1)
    """The answer must be about the thing the idea belongs to (a model or automated system)."""
    context_patterns: list[str] = Field(default_factory=list)
    """Some sentence must also state the condition that makes the absence a fault (a rare
    class behind an accuracy figure); none: the subject alone is enough."""
    excused_by: list[str] = Field(default_factory=list)
    """Signals that, credited, show the answer does the idea's work another way."""
    practice_used: bool = False
    """The subject patterns name the practice itself (a grader model, the vendor's own QA), so
    its missing safeguard weighs, and caps its stage, as a stated red flag does."""
    secondhand_patterns: list[str] = Field(default_factory=list)
    """A sentence that reports someone else's check ("published studies show judges agree with
    translators") does not describe the answer's own."""

    _ok = field_validator(
        "patterns", "subject_patterns", "context_patterns", "secondhand_patterns"
    )(check_patterns)


class EvidenceDensity(StrictModel):
    """Long answers must earn a signal with strong evidence, not scattered weak matches."""

    long_answer_words: int = Field(ge=1)
    strong_similarity: float = Field(gt=0, lt=1)
    anchored_similarity: float = Field(gt=0, lt=1)


class DecisionWeights(StrictModel):
    """How stage scores, coverage, red flags and buzzwords combine into the margin."""

    stage_weights: dict[StageId, float]
    covered_score: int = Field(ge=2, le=4)
    coverage_weight: float = Field(ge=0)
    red_flag_weight: float = Field(ge=0)
    extra_flag_penalty: float = Field(ge=0)
    absence_flag_weight: float = Field(ge=0, le=1)
    restated_flag_weight: float = Field(default=1.0, ge=1)
    """A practice the candidate states again in a reply (often defending it when probed) weighs
    this many times one stated once."""
    blank_focus_stage_penalty: float = Field(default=0.0, ge=0)
    complete_focus_bonus: float = Field(default=0.0, ge=0)
    """Subtracted per assessed stage with no evidence at all, for a question of fewer stages."""
    flagged_stage_cap: int = Field(default=4, ge=1, le=4)
    """A stage in which the answer states a red flag of at least `flagged_stage_severity` scores
    at most this: a harmful north star is not a well-defined objective, however precise."""
    flagged_stage_severity: int = Field(default=3, ge=1)
    disqualifying_severity: int = Field(default=4, ge=1)
    """A stated red flag of at least this severity sinks the answer on its own ..."""
    disqualified_margin: float = Field(default=0.0, le=0)
    """... its margin is at most this (a lean no-hire, however strong the rest)."""
    missing_ask_penalty: float = Field(default=0.0, ge=0)
    """Subtracted per part a question names that the answer leaves out (when it names several)."""
    buzzword_penalty: float = Field(ge=0)
    bias: float
    non_answer_margin: float = Field(lt=0)
    strong_margin: float = Field(gt=0)

    @field_validator("stage_weights")
    @classmethod
    def _all_stages(cls, value: dict[str, float]) -> dict[str, float]:
        if sorted(value) != sorted(STAGE_IDS):
            raise ValueError(f"stage_weights must name exactly {list(STAGE_IDS)}")
        return value


class Unfamiliar(StrictModel):
    """Answer shapes the calibration has seen little of; each pulls confidence towards 0.5."""

    short_words: int = Field(ge=1)
    short: float = Field(gt=0, le=1)
    markdown_share: float = Field(gt=0, le=1)
    markdown: float = Field(gt=0, le=1)
    focused: float = Field(gt=0, le=1)
    flagged_hire: float = Field(default=1.0, gt=0, le=1)
    """A hire for an answer that also states a bad practice: experts split on these."""
    scaling_only_hire: float = Field(default=1.0, gt=0, le=1)
    """A hire on a question that assesses scaling alone: sums done right on the wrong input
    look like depth to the offline judge."""


class ConfidenceParams(StrictModel):
    """Logistic calibration of the margin."""

    slope: float = Field(gt=0)
    review_below: float = Field(ge=0.5, le=1)
    strong_above: float = Field(ge=0.5, le=1)
    unfamiliar: Unfamiliar


class VoteParams(StrictModel):
    """How a panelist's own stages weigh in its vote."""

    own_stage_boost: float = Field(ge=1)


class Scoring(StrictModel):
    """Stage cut points, decision weights, confidence and votes."""

    stage_cuts: list[float] = Field(min_length=3, max_length=3)
    focused_cut_scale: float = Field(ge=1, le=3)
    focused_short_words: int = Field(ge=0)
    focused_short_cut_scale: float = Field(ge=1, le=3)
    depth_credit: list[float] = Field(min_length=3, max_length=3)
    focused_repeat_credit: float = Field(ge=0, le=1)
    focused_repeat_max: int = Field(ge=0, le=10)
    serves: dict[StageId, list[str]] = Field(default_factory=dict)
    """Per stage, signals of other stages that do its work: on a focused question about that
    stage they count towards it when their own stage is not assessed."""
    decision: DecisionWeights
    confidence: ConfidenceParams
    votes: VoteParams

    @field_validator("stage_cuts")
    @classmethod
    def _ascending(cls, value: list[float]) -> list[float]:
        if value != sorted(value) or value[0] <= 0:
            raise ValueError("stage_cuts must be positive and ascending")
        return value

    @field_validator("depth_credit")
    @classmethod
    def _depth_ascending(cls, value: list[float]) -> list[float]:
        if value != sorted(value) or value[0] < 0 or value[-1] != 1.0:
            raise ValueError("depth_credit must be ascending from >= 0 to exactly 1.0")
        return value


class ProbeSeverity(StrictModel):
    """Base severity of each gap kind, and the boosts that order a round."""

    red_flag: float = Field(ge=0)
    thin_signal: float = Field(ge=0)
    missing_signal: float = Field(ge=0)
    hedge: float = Field(ge=0)
    follow_up: float = Field(ge=0)
    reply_anchor: float = Field(ge=0)
    first_pick: float = Field(ge=0)
    named_ask: float = Field(default=0.0, ge=0)
    """Added to a gap that answers a part the question named and the answer left out."""


FollowUpOn = Literal["threshold", "quantity", "mechanism"]
"""What a reply's sentence rests on, which decides the second question asked about it."""


class Probes(StrictModel):
    """Probe counts, each panelist's openers, and the deeper question behind each gap."""

    per_panelist: int = Field(ge=1, le=5)
    snippets_per_probe: int = Field(ge=1, le=5)
    severity: ProbeSeverity
    anchor_floor: float = Field(ge=0, lt=1)
    reply_anchor_floor: float = Field(ge=0, lt=1)
    bridge_floor: float = Field(ge=0, lt=1)
    lead_ins: dict[str, list[str]]
    openers: dict[str, list[str]]
    bridge_lead_ins: dict[str, list[str]]
    hedge_lead_ins: dict[str, str]
    hedge_aside_lead_ins: dict[str, str]
    """How each panelist quotes an admission of what it just asked and moves to the next idea
    of that part ({quote})."""
    ask_lead_ins: dict[str, list[str]] = Field(default_factory=dict)
    """How each panelist opens on a part the question named that the answer left out ({ask})."""
    push: dict[str, str]
    deeper: dict[str, str]
    deeper_on: dict[str, dict[Literal["threshold", "quantity"], str]] = Field(
        default_factory=dict
    )
    """The deeper question for a sentence that draws a line or gives a figure: about that line
    or figure (the `deeper` question is for one that says how something works)."""
    follow_up: dict[str, dict[FollowUpOn, str]]
    press: dict[str, str]
    """A red flag's reply that argued back without changing the plan, pressed ({missing}: the
    flag's focus, what the plan still lacks)."""
    deeper_asks_about: dict[str, str]
    deeper_answered_by: dict[str, list[str]] = Field(default_factory=dict)
    focus: dict[str, str]
    flag_concerns: dict[str, str]
    quote_max_words: int = Field(ge=5)

    @model_validator(mode="after")
    def _deeper_on_known(self) -> Probes:
        unknown = sorted(set(self.deeper_on) - set(self.deeper))
        if unknown:
            raise ValueError(f"deeper_on names signals with no deeper question: {unknown}")
        return self

    @field_validator("deeper_answered_by")
    @classmethod
    def _answers_compile(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {signal: check_patterns(patterns) for signal, patterns in value.items()}

    @model_validator(mode="after")
    def _complete(self) -> Probes:
        for panelist in PANELIST_IDS:
            if len(self.lead_ins.get(panelist, [])) < 2 * self.per_panelist:
                raise ValueError(f"need {2 * self.per_panelist} lead-ins for {panelist!r}")
            if not self.openers.get(panelist) or not (
                panelist in self.hedge_lead_ins and panelist in self.hedge_aside_lead_ins
            ):
                raise ValueError(f"openers or hedge lead-ins missing for {panelist!r}")
            if not self.bridge_lead_ins.get(panelist):
                raise ValueError(f"bridge lead-ins missing for {panelist!r}")
            if not {"{missing}", "{quote}"} <= set(
                re.findall(r"\{\w+\}", self.press.get(panelist, ""))
            ):
                raise ValueError(f"press question missing for {panelist!r}")
            missing = set(get_args(FollowUpOn)) - set(self.follow_up.get(panelist, {}))
            if missing:
                raise ValueError(f"follow-up questions missing for {panelist!r}: {sorted(missing)}")
        return self


class WriterReasons(StrictModel):
    """Claim templates of the debrief's reasons."""

    strength: str
    thin: str
    missing: str
    red_flag: str
    buzzwords: str
    buzzword_sentence: str
    injection: str
    empty: str
    gibberish: str
    not_english: str
    off_topic: str
    off_question: str
    off_product: str
    missing_asks: str  # parts the question named that the answer never took up ({asks})
    hedge: str
    hedge_on: str  # the hedges name what they admit ({topics})
    hedge_further: str  # ... about what the answer did show: pushed further, no reply ({topics})
    undecided_on: str  # options offered and never chosen ({topics})
    not_assessed: str
    decision_hire: str
    decision_thin_hire: str  # a hire with under half the assessed stages covered in depth
    decision_spread_hire: str  # a hire with no assessed stage in depth, only partial credit
    decision_no_hire: str
    decision_none: str
    decision_single_hire: str  # a one-stage question ({stage_name})
    decision_single_no_hire: str
    decision_flagged: str  # covered stages outweighed by one disqualifying practice ({flag})


class VoteVoice(StrictModel):
    """How one panelist words its vote about this answer."""

    hire: str
    no_hire: str
    strength: str
    worry_flag: str
    worry_thin: str
    worry_missing: str
    worry_hedge: str
    worry_elsewhere: str  # its own stages hold up; the no comes from another's ({stage}, {gap})
    nothing: str  # none of its assessed stages shows an idea ({topics})
    topics: dict[str, str]
    """Per stage it owns, what it listens for there ("routing and fallbacks"): `nothing` names
    only the stages this question assesses."""
    partial: str  # its own stages show an idea or two, short of a strength ({quote})
    carried: (
        str  # a hire although its own stages are thin: the others' best line ({quote}, {stage})
    )
    outside: str
    outside_shown: str  # none of its stages assessed, yet the answer shows one ({quote}, {stage})


class AdviceText(StrictModel):
    """Advice templates: each refers to the candidate's sentence or names an in-scope gap."""

    thin: str
    flag: str
    hedge: str
    answered: str  # a hedge that replies to a probe with nothing of its own
    undecided: str  # one option among several, never chosen ({quote}, {focus})
    missing_near: str
    missing: str
    missing_signal_near: str
    missing_signal: list[str] = Field(min_length=1)
    buzzwords: str


class Writer(StrictModel):
    """Every sentence the debrief writer emits, as templates."""

    summary_templates: dict[str, str]
    reasons: WriterReasons
    vote_voice: dict[str, VoteVoice]
    part_names: dict[str, str]
    asks_for: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    advice: AdviceText
    flag_fix: dict[str, str]

    @model_validator(mode="after")
    def _complete(self) -> Writer:
        for key in ("credited", "thin_only", "absent"):
            if key not in self.summary_templates:
                raise ValueError(f"summary template {key!r} missing")
        for panelist in PANELIST_IDS:
            if panelist not in self.vote_voice:
                raise ValueError(f"vote voice missing for {panelist!r}")
        return self


class DesignShape(StrictModel):
    """Signals a design of one shape has no use for (no prompts for a gradient-boosted model)."""

    unused: list[str] = Field(min_length=1)
    names: list[str] = Field(default_factory=list)
    """Wording that names a model of this shape (none: any design is of it, unless ...)."""
    unless: list[str] = Field(default_factory=list)
    """Wording that names another kind of model or part as well (the signals apply again)."""

    _ok = field_validator("names", "unless")(check_patterns)

    @model_validator(mode="after")
    def _recognisable(self) -> DesignShape:
        if not self.names and not self.unless:
            raise ValueError("a design shape needs names or unless")
        return self


class Calibration(StrictModel):
    """Everything tunable about the offline brain."""

    @field_validator("flag_excuses", "flag_context_excuses", "flag_needs_context")
    @classmethod
    def _excuse_patterns(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for patterns in value.values():
            check_patterns(patterns)
        return value

    limits: Limits
    similarity: Similarity
    classifier: ClassifierConfig
    substance: Substance
    buzzwords: Buzzwords
    negation: Negation
    stance: StanceCues
    injection: Injection
    answer_checks: AnswerChecks
    structural_flags: dict[str, StructuralFlag]
    absence_flags: dict[str, AbsenceFlag]
    flag_excuses: dict[str, list[str]]
    flag_context_excuses: dict[str, list[str]] = Field(default_factory=dict)
    flag_needs_context: dict[str, list[str]] = Field(default_factory=dict)
    """Per red flag, wordings one of which the candidate must have used somewhere for a sentence
    stating it to count (judging by accuracy is a fault only where the event is rare)."""
    flag_overrides: dict[str, list[str]]
    flag_override_exempt: dict[str, list[str]] = Field(default_factory=dict)
    flag_withdraws: dict[str, list[str]] = Field(default_factory=dict)
    """Per red flag, signals it shows were never done soundly: raised, they are not credited."""
    implies: dict[str, list[str]] = Field(default_factory=dict)
    design_shapes: dict[str, DesignShape] = Field(default_factory=dict)
    density: EvidenceDensity
    scoring: Scoring
    probes: Probes
    writer: Writer


@lru_cache(maxsize=4)
def load_calibration(path: Path = CALIBRATION_PATH) -> Calibration:
    """The calibration file, validated (KnowledgeFileError naming file and field when bad)."""
    return load_model(path, Calibration)
