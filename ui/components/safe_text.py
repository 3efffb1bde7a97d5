"""Render untrusted text as inert Markdown: every syntax character escaped, highlights added after.

Everything a candidate (or a model quoting a candidate) wrote goes through here before it
reaches `st.markdown`, never with `unsafe_allow_html`. Escaping every ASCII punctuation
character with a backslash (CommonMark allows it for all of them) disables links, images,
raw HTML, autolinks, emphasis, headings, lists, tables, LaTeX (`$`), and Streamlit's own
directives (`:red[...]`, `:material/icon:`, emoji shortcodes). Our own markup is added only
around already-escaped segments.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable

_PUNCTUATION = frozenset(string.punctuation)
# Leading spaces or tabs would turn a line into an indented code block, where escapes show
# literally; a no-break space keeps the indentation visible without being Markdown syntax.
_NBSP = "\u00a0"
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
HIGHLIGHT_OPEN = ":orange-background["
HIGHLIGHT_CLOSE = "]"
# What GitHub-flavoured Markdown turns into a link by itself even when every character is
# escaped (its autolinker runs on the parsed text): URLs, www. names and e-mail addresses.
# They are shown as inline code instead, which nothing links.
# A URL stops at brackets, so a code span never swallows a highlight's closing bracket.
URL_LIKE = re.compile(
    r"(?i)(?:\b(?:https?|ftp)://|\bwww\.|\b(?:mailto|xmpp):)[^\s\[\]()<>`]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
# The characters that make Markdown in an export (GitHub, editors): escaped wherever they
# appear; everything else (. , ' " ( ) - / ! : …) stays as typed, so the file reads as text.
_EXPORT_SPECIAL = frozenset("\\`*_[]<>|~$")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d{1,9}[.)])")
_ENTITY = re.compile(r"&(#?\w+;)")


def _code_span(text: str) -> str:
    """Text as an inline code span whose fence is longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _escape_chars(text: str) -> str:
    out: list[str] = []
    cursor = 0
    for match in URL_LIKE.finditer(text):
        out.append(_escape_all(text[cursor : match.start()]))
        out.append(_code_span(match.group(0)))
        cursor = match.end()
    out.append(_escape_all(text[cursor:]))
    return "".join(out)


def _escape_all(text: str) -> str:
    return "".join(f"\\{ch}" if ch in _PUNCTUATION else ch for ch in text)


def _escape_export_chars(text: str) -> str:
    return _ENTITY.sub(r"\\&\1", "".join(f"\\{ch}" if ch in _EXPORT_SPECIAL else ch for ch in text))


def export_inline(text: str) -> str:
    """One line of untrusted text for a Markdown file: readable, escaped only where needed."""
    flat = " ".join(_clean(text).split())
    return _export_line(flat)


def _export_line(line: str) -> str:
    out: list[str] = []
    cursor = 0
    for match in URL_LIKE.finditer(line):
        out.append(_escape_export_chars(line[cursor : match.start()]))
        out.append(_code_span(match.group(0)))
        cursor = match.end()
    out.append(_escape_export_chars(line[cursor:]))
    escaped = "".join(out)
    start = _LINE_START.match(escaped)
    if start:
        indent, marker = start.groups()
        at = len(indent) + len(marker) - 1
        escaped = escaped[:at] + "\\" + escaped[at:]
    return escaped


def export_markdown(text: str) -> str:
    """Untrusted text as a Markdown block for a file: line breaks kept, no markup, readable."""
    lines = []
    for line in _clean(text).split("\n"):
        body = line.lstrip(" \t")
        indent = line[: len(line) - len(body)].replace("\t", _NBSP * 4).replace(" ", _NBSP)
        lines.append(indent + _export_line(body))
    return "  \n".join(lines)


def _visible(ch: str) -> bool:
    if ch in "\n\t":
        return True
    if ch in _BIDI_CONTROLS:
        return False
    return unicodedata.category(ch) != "Cc"


def _clean(text: str) -> str:
    """Normalise line ends; drop control characters and bidi overrides that disguise text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if _visible(ch))


def escape_markdown(text: str) -> str:
    """The text as Markdown that renders exactly these characters, line breaks kept."""
    return highlight_markdown(text, ())


def escape_inline(text: str, limit: int | None = None) -> str:
    """One line of untrusted text for a label or caption: escaped, whitespace collapsed."""
    flat = " ".join(_clean(text).split())
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return _escape_chars(flat)


def inline_list(items: Iterable[str]) -> str:
    """Untrusted names for one line of Markdown: each escaped, comma-separated."""
    return ", ".join(escape_inline(item) for item in items)


def code_inline(text: str, limit: int = 80) -> str:
    """An identifier as an inline code span (escapes do not work inside one, so backticks and
    line breaks are removed instead)."""
    flat = " ".join(_clean(text).replace("`", "'").split())[:limit]
    return f"`{flat}`" if flat else "``"


def quote_spans(text: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of every occurrence of each non-blank quote in the text."""
    spans: list[tuple[int, int]] = []
    for quote in quotes:
        if not quote or not quote.strip():
            continue
        start = text.find(quote)
        while start != -1:
            spans.append((start, start + len(quote)))
            start = text.find(quote, start + len(quote))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _mark_line(segments: list[tuple[str, bool]]) -> str:
    out: list[str] = []
    at_start = True
    for chunk, marked in segments:
        if at_start:
            chunk_body = chunk.lstrip(" \t")
            indent = chunk[: len(chunk) - len(chunk_body)]
            out.append(indent.replace("\t", _NBSP * 4).replace(" ", _NBSP))
            chunk = chunk_body
            if chunk:
                at_start = False
        if not chunk:
            continue
        if marked and chunk.strip():
            out.append(f"{HIGHLIGHT_OPEN}{_escape_chars(chunk)}{HIGHLIGHT_CLOSE}")
        else:
            out.append(_escape_chars(chunk))
    return "".join(out)


def highlight_markdown(text: str, quotes: Iterable[str]) -> str:
    """Escaped Markdown of the text with every quoted passage highlighted."""
    text = _clean(text)
    pieces: list[tuple[str, bool]] = []
    cursor = 0
    for start, end in quote_spans(text, (_clean(q) for q in quotes)):
        if start > cursor:
            pieces.append((text[cursor:start], False))
        pieces.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], False))
    lines: list[str] = []
    segments: list[tuple[str, bool]] = []
    for chunk, marked in pieces:
        parts = chunk.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append(_mark_line(segments))
                segments = []
            segments.append((part, marked))
    lines.append(_mark_line(segments))
    return "  \n".join(lines)
