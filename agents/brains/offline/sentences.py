"""Split candidate turns into sentences that keep their exact text and turn id.

Markdown is read, not quoted: headings (``#``, a bold line, a short ``Label:`` line) become the
section of the sentences under them and are never sentences themselves; bullet and number markers
are cut; a table's header and separator rows are skipped and each body cell is read on its own
(a short leading label cell becomes the section of the cells after it); a fenced code block is
read line by line, never as wrapped prose; a pictograph that opens a line marks it like a bullet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from agents.transcript import Turn

LineKind = Literal["prose", "bullet", "table"]

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-/.%$]*")
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space, but not at
# "e.g." / "i.e." / "vs." / "approx." / "6 a.m." inside one.
_BOUNDARY = re.compile(
    r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bapprox\.)(?<!\b[ap]\.m\.)"
    r"(?<=[.!?])[\"'”’)\]*_]*\s+"
)
# Abbreviations notes write mid-sentence ("excl. refunds"): a lower-case word after one goes on.
_ABBREVIATION_END = re.compile(
    r"\b(?:excl|incl|approx|est|avg|esp|cf|std|resp|prev|mgmt|dept|vol|min|max|wk|wks|mo|yr|yrs)\.$",
    re.I,
)
# A memo's header lines ("To: Head of Support", "Re: the call list") head nothing.
_MEMO_HEADER = re.compile(r"^\W*(to|from|re|subject|cc|bcc|date|attn)\s*:", re.I)
_BULLET = re.compile(
    r"^(?:[-*+•·▪◦]+(?:\s*\[[ xX]\])?|\(?\d{1,2}[.)]|\d{1,2}/|\(?[a-z][.)]"
    r"|(?:step|phase|decision|part|stage|risk) \d+[.:)]|(?!q\d)[a-z]{1,2}\d{1,2}[.:)]"
    # A chat log's timestamp and speaker ("[10:02] me:") open a message as a bullet opens an item.
    r"|\[\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]m)?\](?:\s*[\w.@-]{1,20}:)?)\s+",
    re.I,
)  # "3/ " numbers a post of a thread the way "3." numbers a list item, and "D2." a decision log's
# Pictographs that open a line in chat-style notes ("✅ Review answers weekly", "📈 **Metrics**")
# mark it the way a bullet does; they are not part of what the line says.
_PICTOGRAPH = (
    "(?:[\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
    "|[0-9#*]\ufe0f?\u20e3)[\ufe0f\u200d]*"  # ... and keycap numbers ("1️⃣ Scope first")
)
_PICTOGRAPH_LEAD = re.compile(f"^(?:{_PICTOGRAPH})+\\s+")
_PICTOGRAPH_TAIL = re.compile(f"(?:\\s+{_PICTOGRAPH})+$")
_FENCE = re.compile(r"^\s*(?:```|~~~)")
# Inside a code block "# …" is a comment, not a heading: what it says is read, the marker is not,
# and a comment after code ("x = 5  # why") is read apart from the code it explains.
_CODE_COMMENT = re.compile(r"^(?:#+|//+|--)\s+(?=\S)")
_TRAILING_COMMENT = re.compile(r"\s{2,}(?:#|//)\s+(?=\S)")
_CODE_SYNTAX = re.compile(r"[()=\[\]{}]|^(?:def|class|if|elif|else|for|while|return|try|except)\b")
_ATX = re.compile(r"^#{1,6}\s*(.*?)\s*#*\s*$")
# A config-style line ("auto_post: 0.95", "tier_2: vision LLM when …") is a line of its own.
_KEY_VALUE = re.compile(r"^[A-Za-z_][\w.\-]*:\s+\S")
# "# A field is correct only if …." is a full sentence after a comment marker, not a heading.
_COMMENT_SENTENCE_WORDS = 8
_BOLD_LINE = re.compile(r"^(?:\*\*|__)([^*_]{1,80})(?:\*\*|__)\s*:?\s*$")
_LABEL_LINE = re.compile(r"^([A-Za-z][^.!?|]{0,50}):\s*$")
# "Q: How do we know it works?" asks the question the lines after it answer: a heading, as a
# "### How do we know it works?" would be, and never the candidate's claim.
_QA_QUESTION = re.compile(
    r"^(?:\*\*|__)?(?:q|question)\s*\d{0,2}\s*[:.)]\s*(?:\*\*|__)?\s*([^?]{3,160}\?)\s*(?:\*\*|__)?\s*$",
    re.I,
)
_QA_ANSWER = frozenset({"a", "answer"})
# ... or with its answer on the same line ("Q3. What if it is unsure? It goes to a person.").
_QA_INLINE = re.compile(
    r"^(?:\*\*|__)?(?:q|question)\s*\d{0,2}\s*[:.)]\s*(?:\*\*|__)?\s*([^?]{3,160}\?)"
    r"\s*(?:\*\*|__)?\s+(?=\S)",
    re.I,
)
_LEAD_LABEL = re.compile(
    r"^(?:\*\*|__)([^*_]{1,50}?)(?::\s*)?(?:\*\*|__)\s*[:\-–—]?\s+|^([A-Z][\w/&'’ -]{0,30}):\s+"
    # Lowercase notes label a line too ("goal: 300 jobs in a year"), in a word or two that do not
    # open a clause of their own ("so the catch: …" is the candidate talking); a config key
    # ("auto_accept: …") stays in what the line says.
    r"|^(?!(?:so|then|and|but|or|i|we|it|this|that|also|plus|because|which|basically|honestly|"
    r"ok|okay|yes|no|well|anyway)\b)([a-z][a-z&'’-]{1,18}(?: [a-z][a-z&'’-]{1,18})?):\s+"
)
# A list item's run-in title ending in a full stop ("4. Citation check. Before display, …"): up
# to three words, not a short sentence of the candidate's own.
_RUN_IN_TITLE = re.compile(
    r"^(?!(?:i|we|they|it|this|that|you|he|she|our|my|their|so|then|yes|no|mrs?|dr|prof|approx)\b)"
    # ("Compare model vs. tech call" is one sentence: an abbreviation's stop ends no title.)
    r"([A-Z][\w/&'’-]*(?: [\w/&'’-]+){0,2})(?<!\bvs)(?<!\betc)(?<!\bincl)(?<!\bexcl)"
    r"\.\s+(?=[A-Z0-9\"“(])",
    re.I,
)
_TABLE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_EMPHASIS_EDGE = "*_` "
_CLAUSE_CUT = re.compile(r";\s+|,\s+(?=(?:and|but|so|which|then|because|while|whereas)\b)|\s[—–]\s")
# Spoken answers run on without stops ("ok so the costly error is … and if the item isn't in the
# list it says … and to check it works we'd take …"): a piece still too long after the comma
# cuts is cut before these spoken joints, and the bits merged back into sentence-sized parts.
_SPOKEN_CUT = re.compile(
    r"(?<!\band)(?<!\bbut)"
    r"\s(?=(?:(?:and|but) )?(?:so|then|also|plus|honestly|anyway|okay|ok|um|uh)\s)"
    r"|\s(?=(?:and|but) (?:if|once|after|before|to|where|when|we|i|they|it|that|for|on|the "
    r"(?:goal|model|cost|bar|plan))\b)"
    r"|\s(?=(?:cost|price|money|latency|data|eval|evaluation|quality)[- ]wise\b)",
    re.I,
)
SPOKEN_PART_WORDS = 30
SPOKEN_MIN_WORDS = 6
# A colon or semicolon between two full clauses splits a sentence for reading (each part verbatim).
_CLAUSE_SPLIT = re.compile(r"(?<=[a-z0-9)\]”\"'])(?:;|:)\s+(?=\S)")
CLAUSE_MIN_WORDS = 6
# ", and we …" between two full clauses often joins two separate claims (a reference set, and
# the bar a release must clear); each is read on its own when both halves are this long and
# carry a figure of their own. Not at
# "so" or "but": those tie a hedge or a rejection to its reason, and the stance needs both.
_COMPOUND_SPLIT = re.compile(r",\s+and\s+(?=(?:then\s+)?(?:we|i|they)\b)", re.I)
COMPOUND_MIN_WORDS = 10
_OWN_REASON = re.compile(r"\bbecause\b", re.I)
_FIGURE = re.compile(
    r"\d|\b(two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|fifty|hundred|"
    r"thousand|million|dozen|half)\b",
    re.I,
)
_LABEL_MAX_WORDS = 4
_BOLD_LABEL_MAX_WORDS = 8
_TITLE_MAX_WORDS = 5
_HEADER_MAX_WORDS = 2
_WRAP_MIN_WORDS = 6
"""A line this long that stops mid-sentence was wrapped by hand; the next line continues it."""
_OUTLINE_TITLE_WORDS = 5  # longest list item that can title the deeper items under it
# "North star: two-way chats per week" opens an outline item of its own, never a wrapped line.
_RUN_IN_LABEL = re.compile(r"^[A-Z][\w'’/&-]*(?: [\w'’/&-]+){0,3}:\s+\S")
CONTEXT_LABEL_WORDS = 4
# Quoted words: “…”, "…" or '…' (an apostrophe inside a word does not end a single quote).
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|(?<!\w)'(?:[^']|(?<=\w)'(?=\w)){3,}?'(?!\w)")
# Labels of an answer's frame (STAR, CIRCLES, Q and A, options, steps) say where a sentence sits
# in the telling, not what it is about: they stay out of the text as read.
_FRAME_LABEL = re.compile(
    r"^(?:situation|task|action|actions|result|results|context|background|q|a|question|answer|"
    r"summary|tl;?dr|in short|overall|recap|(?:step|option|phase|part) "
    r"(?:\d+|[a-e]|one|two|three|four|five)|comprehend the situation|identify the customer|"
    r"report the customer'?s needs|cut through prioriti[sz]ation|list solutions|"
    r"evaluate trade-?offs|summari[sz]e|what i'?d do(?: instead)?|what i would do(?: instead)?|"
    r"instead|my approach|the approach|the plan|my plan|approach|plan|proposal)$",
    re.I,
)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a candidate turn; `text` appears verbatim in that turn."""

    index: int
    turn_id: str
    position: int
    text: str
    section: str = ""  # the heading or label it sits under, if any
    kind: LineKind = "prose"
    block: int = 0  # the line (paragraph, bullet or table row) of the turn it came from
    joined: bool = False  # continues the sentence before it (cut at a colon, semicolon or length)
    lead_label: bool = False  # the section is this line's own lead label, not a heading above it

    @property
    def words(self) -> list[str]:
        """Lower-cased word tokens."""
        return words_of(self.text)

    @property
    def flat(self) -> str:
        """The text on one line: a hard-wrapped sentence reads as one ("is the\nkiller")."""
        return " ".join(self.text.split())

    @property
    def context(self) -> str:
        """The text as read: under a short heading or label, the label goes in front
        ("Reference set: 300 contracts, …"); the quote stays `text`."""
        label = self.section.strip().rstrip(".:")
        if label and len(label.split()) <= CONTEXT_LABEL_WORDS and not _FRAME_LABEL.match(label):
            return f"{self.section}: {self.flat}"
        return self.flat


def words_of(text: str) -> list[str]:
    """Lower-cased word tokens of a text (numbers, contractions and hyphenations kept)."""
    return [w.lower().rstrip(".") for w in _WORD.findall(text)]


@dataclass(frozen=True)
class _Line:
    text: str
    section: str
    kind: LineKind
    block: int = 0


def _heading(line: str, next_line: str | None) -> str | None:
    """The heading text if this line is a heading, else None."""
    if _MEMO_HEADER.match(line):
        return None
    m = _ATX.match(line)
    if m:
        return m.group(1).strip("*_ ")
    m = _BOLD_LINE.match(line) or _LABEL_LINE.match(line)
    if m:
        return m.group(1).strip()
    words = line.split()
    if (
        next_line is not None
        and 0 < len(words) <= _TITLE_MAX_WORDS
        and not re.search(r"[.!?,;:|]$|\d", line)
        # Notes write their headings in lower case ("fallbacks") over a bulleted list.
        and (line[:1].isupper() or _BULLET.match(next_line) is not None)
    ):
        return line.strip("*_ ")
    return None


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in inner.split("|")]


def _table_row(line: str) -> tuple[str, list[tuple[str, int]]]:
    """A table body row's cells, each verbatim with its column, without a short leading label
    cell."""
    cells = [(c, k) for k, c in enumerate(_cells(line)) if c and any(ch.isalnum() for ch in c)]
    if not cells:
        return "", []
    first = cells[0][0]
    if len(cells) >= 2 and len(first.split()) <= 3 and not re.search(r"\d", first):
        return first.strip("*_ "), cells[1:]
    return "", cells


def _cell_section(label: str, header: str, section: str) -> str:
    """What a cell is read under: its row's label and its column's name ("Grounded (target)"),
    so a bare figure in a "Target" column reads as a target."""
    header = header.strip("*_ ")
    if not header or len(header.split()) > _HEADER_MAX_WORDS or re.search(r"\d", header):
        return label or section
    return f"{label} ({header.lower()})" if label else header


def _starts_block(line: str) -> bool:
    """A line that opens its own markdown block (bullet, table row, heading), never a wrap."""
    return bool(
        _BULLET.match(line)
        or _PICTOGRAPH_LEAD.match(line)
        or line.count("|") >= 2
        or _TABLE_SEP.match(line)
        or _ATX.match(line)
        or _BOLD_LINE.match(line)
        or _LABEL_LINE.match(line)
        or _KEY_VALUE.match(line)
    )


def _unwrap(text: str) -> list[str]:
    """Logical lines: a hard-wrapped line (long, cut mid-sentence) and the line after it are one
    line, joined by the exact whitespace between them so every sentence stays verbatim."""
    raw = text.splitlines()
    out: list[str] = []
    glue_ok = False
    fenced = False
    previous_indent = 0
    for line in raw:
        stripped = line.strip()
        if _FENCE.match(stripped):
            fenced = not fenced
        if not stripped or fenced or _FENCE.match(stripped):
            out.append(line)  # a code block's lines are its own, never wrapped prose
            glue_ok = False
            continue
        indent = len(line) - len(line.lstrip())
        if (
            glue_ok
            and out
            and not _starts_block(stripped)
            # An outline's next item: back out to a shallower level, or a run-in label.
            and indent >= previous_indent
            and not _RUN_IN_LABEL.match(stripped)
        ):
            previous_raw = out.pop()
            out.append(previous_raw + "\n" + line)
        else:
            out.append(line)
        previous_indent = indent
        last = out[-1].strip()
        glue_ok = (
            last.count("|") < 2
            and not _ATX.match(stripped)  # a heading ends where its line does
            and not _BOLD_LINE.match(stripped)
            and len(stripped.split()) >= _WRAP_MIN_WORDS
            and not re.search(r"[.!?:;]['\"”’)*_]*$", stripped)
        )
    return out


def _outline_title(line: str, indent: int, below: tuple[str, int] | None) -> str | None:
    """A short list item with deeper items under it ("- Shadow period" over "  - compare …")
    titles them the way a heading would; it says nothing itself."""
    bullet = _BULLET.match(line)
    if bullet is None or below is None or below[1] <= indent or not _BULLET.match(below[0]):
        return None
    body = line[bullet.end() :].strip().strip("*_ ").rstrip(":").strip("*_ ")
    words = body.split()
    if not 1 <= len(words) <= _OUTLINE_TITLE_WORDS or re.search(r"[.!?;]$", body):
        return None
    return body


def _lines(text: str) -> list[_Line]:
    unwrapped = _unwrap(text)
    raw = [ln.strip() for ln in unwrapped]
    indents = [len(ln) - len(ln.lstrip()) for ln in unwrapped]
    titles: list[tuple[int, str]] = []  # open outline titles: (indent, the section they replaced)
    out: list[_Line] = []
    section = ""
    header: list[str] = []
    outside = ""  # the section a code block sits in, restored when it closes
    fenced = False
    above = ""  # the section before the latest heading
    for i, line in enumerate(raw):
        if _FENCE.match(line):
            fenced = not fenced
            if fenced:
                before = next((r for r in reversed(raw[:i]) if r), "")
                # "The pipeline:" just above a block introduces the block, not what follows it.
                outside = above if _LABEL_LINE.match(before) else section
            else:
                section = outside
            continue
        pictograph = _PICTOGRAPH_LEAD.match(line)
        if pictograph:
            line = line[pictograph.end() :]
        tail = _PICTOGRAPH_TAIL.search(line)
        if tail and _BOLD_LINE.match(line[: tail.start()]):
            line = line[: tail.start()]  # "**v1 plan** 🚀" is a heading all the same
        if not line:
            continue
        if fenced and (parts := _commented(line)):
            out.extend(_Line(part, section, "bullet", i) for part in parts if part)
            continue
        if fenced and _CODE_SYNTAX.search(line):
            out.append(_Line(line, section, "bullet", i))  # "def route(req):" heads nothing
            continue
        if _KEY_VALUE.match(line) and (parts := _commented(line)):
            out.extend(_Line(part, section, "bullet", i) for part in parts if part)
            continue
        atx = _ATX.match(line)
        if atx and _sentence_after_marker(atx.group(1)):
            out.append(_Line(line[line.index(atx.group(1)) :], section, "prose", i))
            continue
        nxt = next((r for r in raw[i + 1 :] if r), None)
        # A list item whose formula has bars in it ("- WAPE = sum |a - f| / sum a") is no row.
        in_list = _BULLET.match(line) is not None and not line.startswith("|")
        if (line.count("|") >= 2 and not in_list) or _TABLE_SEP.match(line):
            if _TABLE_SEP.match(line):
                continue
            if nxt is not None and _TABLE_SEP.match(nxt):
                header = _cells(line)  # a header row names columns, it says nothing itself
                continue
            label, cells = _table_row(line)
            out.extend(
                _Line(
                    cell,
                    _cell_section(label, header[k] if k < len(header) else "", section),
                    "table",
                    i,
                )
                for cell, k in cells
            )
            continue
        header = []
        while titles and indents[i] <= titles[-1][0]:
            section = titles.pop()[1]
        below = next(((r, indents[k]) for k, r in enumerate(raw[i + 1 :], i + 1) if r), None)
        if not fenced and (title := _outline_title(line, indents[i], below)) is not None:
            titles.append((indents[i], section))
            section = title
            continue
        asked = _QA_QUESTION.match(_BULLET.sub("", line, count=1))
        if asked:
            titles.clear()
            above, section = section, asked.group(1).strip("*_ ")
            continue
        inline = _QA_INLINE.match(_BULLET.sub("", line, count=1))
        if inline:
            titles.clear()
            above, section = section, inline.group(1).strip("*_ ")
            out.append(_Line(_BULLET.sub("", line, count=1)[inline.end() :], section, "prose", i))
            continue
        bullet = _BULLET.match(line)
        marked = pictograph and not (
            _ATX.match(line) or _BOLD_LINE.match(line) or _LABEL_LINE.match(line)
        )
        if bullet or marked:
            body = line[bullet.end() :].strip() if bullet else line
            while (inner := _BULLET.match(body)) is not None:
                body = body[inner.end() :].strip()
            if body:
                out.append(_Line(body, section, "bullet", i))
            continue
        title = _heading(line, nxt)
        if title is not None:
            titles.clear()
            above, section = section, title
            continue
        out.append(_Line(line, section, "prose", i))
    return out


def _sentence_after_marker(text: str) -> bool:
    """A long full sentence behind a "#" marks a comment in config-style notes, not a heading."""
    return len(text.split()) >= _COMMENT_SENTENCE_WORDS and bool(re.search(r"[.!?]$", text))


def _commented(line: str) -> list[str]:
    """A code block's comment line as its words, or code and its trailing comment apart; none
    for a line with no comment."""
    comment = _CODE_COMMENT.match(line)
    if comment:
        return [line[comment.end() :]]
    trailing = _TRAILING_COMMENT.search(line)
    if trailing:
        return [line[: trailing.start()], line[trailing.end() :]]
    return []


def _strip_label(piece: str, run_in: bool = False) -> tuple[str, str]:
    """Cut a short leading label (``**Cost:**``, ``Latency:``, and in a list item a run-in
    title: ``Citation check. …``) off a piece: (label, rest)."""
    m = _LEAD_LABEL.match(piece)
    if not m:
        title = _RUN_IN_TITLE.match(piece) if run_in else None
        if title and piece[:1].isupper() and len(piece[title.end() :].split()) >= 3:
            return title.group(1), piece[title.end() :]
        return "", piece
    label = (m.group(1) or m.group(2) or m.group(3) or "").strip()
    rest = piece[m.end() :]
    # Bold marks a label however long it runs ("**Weekly audit of the approved claims:** …").
    longest = _BOLD_LABEL_MAX_WORDS if m.group(1) else _LABEL_MAX_WORDS
    if _WH_TITLE.match(f"{label}. A") and not _COPULA.search(label):
        longest = max(longest, WH_TITLE_MAX_WORDS)  # "How I'd know it works: …" titles what follows
    if len(label.split()) > longest or len(rest.split()) < 3:
        return "", piece
    return label, rest


def _split_clauses(sentences: list[str]) -> list[tuple[str, bool]]:
    """Cut each sentence at a colon or semicolon, then at ", and we", when both sides are full
    clauses; each piece with whether it continues the one before."""
    out: list[tuple[str, bool]] = []
    for sentence in sentences:
        parts = _clauses(sentence)
        if len(parts) < 2 or not all(len(words_of(p)) >= CLAUSE_MIN_WORDS for p in parts):
            parts = [sentence]
        for n, part in enumerate(parts):
            halves = _COMPOUND_SPLIT.split(part)
            if len(halves) < 2 or not all(_full_claim(h) for h in halves):
                halves = [part]
            out.extend((h, n > 0 or k > 0) for k, h in enumerate(halves))
    return out


def _clauses(sentence: str) -> list[str]:
    """The sentence cut at each colon or semicolon outside brackets: an aside "(and this is
    where it went wrong: …)" stays whole."""
    parts, start = [], 0
    for m in _CLAUSE_SPLIT.finditer(sentence):
        before = sentence[: m.start()]
        if before.count("(") > before.count(")") or before.count("[") > before.count("]"):
            continue
        parts.append(sentence[start : m.start()])
        start = m.end()
    return [*parts, sentence[start:]]


def _full_claim(clause: str) -> bool:
    """Long enough and with a figure or a reason of its own: a claim that stands without the
    other half (a rule with neither leans on the figure before it, and keeps it)."""
    return len(words_of(clause)) >= COMPOUND_MIN_WORDS and (
        _FIGURE.search(clause) is not None or _OWN_REASON.search(clause) is not None
    )


# A prose paragraph may open on a one-word title ("Cost. It runs nightly…", "Why. Today…").
_PROSE_TITLE = re.compile(r"^(?:The |Our )?([A-Z]?[a-z]+)\.\s+(?=[A-Z0-9])")
_TITLE_WORDS = frozenset(
    [
        "why",
        "what",
        "how",
        "who",
        "when",
        "where",
        "cost",
        "costs",
        "data",
        "model",
        "models",
        "evaluation",
        "eval",
        "metrics",
        "metric",
        "scale",
        "scaling",
        "latency",
        "labels",
        "risks",
        "risk",
        "rollout",
        "objective",
        "goal",
        "summary",
        "context",
        "approach",
        "plan",
    ]
)


# ... or on a short indirect question as its title ("Where the labels come from. We log…").
_WH_TITLE = re.compile(
    r"^((?:What|Where|How|Why|Who|When|Which)\b[^.!?:;]{0,40}?)\.\s+(?=[A-Z0-9\"“(])"
)
WH_TITLE_MAX_WORDS = 6
_COPULA = re.compile(r"\b(is|are|was|were)\b", re.I)


def _titled(text: str) -> bool:
    """A prose line that opens on a one-word title naming a part of the design."""
    m = _PROSE_TITLE.match(text)
    return m is not None and m.group(1).lower() in _TITLE_WORDS


def _wh_title(text: str) -> tuple[str, str]:
    """A prose line's opening indirect-question title and the rest ("", text: none)."""
    m = _WH_TITLE.match(text)
    # "What we log is edits." is a claim, not a title.
    if m is None or len(m.group(1).split()) > WH_TITLE_MAX_WORDS or _COPULA.search(m.group(1)):
        return "", text
    rest = text[m.end() :]
    return (m.group(1), rest) if len(rest.split()) >= 3 else ("", text)


def _rejoin_abbreviations(parts: list[str]) -> list[str]:
    """Sentences cut after an abbreviation or a spoken pause ("The goal would be... um, fewer
    wasted visits"), rejoined where a lower-case word goes on."""
    out: list[str] = []
    for part in parts:
        end = out[-1].rstrip() if out else ""
        if part[:1].islower() and (_ABBREVIATION_END.search(end) or end.endswith("...")):
            out[-1] = f"{out[-1].rstrip()} {part}"
        else:
            out.append(part)
    return out


def _pieces(text: str) -> list[tuple[str, str, LineKind, int, bool, bool]]:
    out: list[tuple[str, str, LineKind, int, bool, bool]] = []
    for line in _lines(text):
        label, body = _strip_label(line.text, run_in=line.kind == "bullet" or _titled(line.text))
        if not label and line.kind in ("prose", "bullet"):
            label, body = _wh_title(line.text)
        # "A: …" answers the question above it: that question stays its section.
        if label.lower() in _QA_ANSWER and line.section:
            label = ""
        section = label or line.section
        for raw, joined in _split_clauses(_rejoin_abbreviations(_BOUNDARY.split(body))):
            piece = raw.strip(_EMPHASIS_EDGE)
            if piece.endswith("*") or piece.endswith("_"):
                piece = piece.rstrip(_EMPHASIS_EDGE)
            if piece and any(c.isalnum() for c in piece):
                out.append((piece, section, line.kind, line.block, joined, bool(label)))
    return out


def _cut_long(piece: str, max_words: int) -> list[str]:
    """Cut an over-long sentence at clause boundaries, then at word counts."""
    if len(words_of(piece)) <= max_words:
        return [piece]
    parts: list[str] = []
    current = ""
    cursor = 0
    for match in _CLAUSE_CUT.finditer(piece):
        clause = piece[cursor : match.start()]
        cursor = match.start()
        if current and len(words_of(current + clause)) > max_words:
            parts.append(current.strip())
            current = clause
        else:
            current += clause
    current += piece[cursor:]
    if current.strip():
        parts.append(current.strip())
    out: list[str] = []
    for part in parts:
        if len(words_of(part)) <= max_words:
            out.append(part.strip(" ;,—–"))
            continue
        for spoken in _spoken_parts(part):
            tokens = spoken.split()
            if len(words_of(spoken)) <= max_words:
                out.append(spoken.strip(" ;,—–"))
                continue
            for start in range(0, len(tokens), max_words):
                out.append(" ".join(tokens[start : start + max_words]).strip(" ;,—–"))
    return [p for p in out if p]


def _spoken_parts(text: str) -> list[str]:
    """A run-on stretch cut before its spoken joints, the bits merged into parts of about
    SPOKEN_PART_WORDS words; a bit shorter than SPOKEN_MIN_WORDS never stands alone."""
    bits, start = [], 0
    for m in _SPOKEN_CUT.finditer(text):
        bits.append(text[start : m.start()])
        start = m.start()
    bits.append(text[start:])
    parts: list[str] = []
    for bit in bits:
        if parts and (
            len(words_of(bit)) < SPOKEN_MIN_WORDS
            or len(words_of(parts[-1])) < SPOKEN_MIN_WORDS
            or len(words_of(parts[-1] + bit)) <= SPOKEN_PART_WORDS // 2
        ):
            parts[-1] += bit
        else:
            parts.append(bit)
    return [p.strip() for p in parts if p.strip()]


def split_candidate_turns(
    transcript: list[Turn], *, max_words: int, max_sentence_words: int
) -> tuple[list[Sentence], bool]:
    """Sentences of every candidate turn in order, and whether the word cap cut the text."""
    sentences: list[Sentence] = []
    budget = max_words
    truncated = False
    for turn in transcript:
        if turn.speaker != "candidate":
            continue
        position = 0
        for piece, section, kind, block, joined, lead_label in _pieces(turn.text):
            for k, part in enumerate(_cut_long(piece, max_sentence_words)):
                if part not in turn.text:  # word-cut pieces re-join on single spaces
                    part = _longest_verbatim_prefix(part, turn.text)
                    if not part:
                        continue
                n = len(words_of(part))
                if n > budget:
                    truncated = True
                    return sentences, truncated
                budget -= n
                sentences.append(
                    Sentence(
                        len(sentences),
                        turn.id,
                        position,
                        part,
                        section,
                        kind,
                        block,
                        joined or k > 0,
                        lead_label,
                    )
                )
                position += 1
    return sentences, truncated


def _longest_verbatim_prefix(part: str, text: str) -> str:
    """The longest word-prefix of `part` that appears verbatim in `text`."""
    tokens = part.split()
    while tokens and " ".join(tokens) not in text:
        tokens.pop()
    return " ".join(tokens)
