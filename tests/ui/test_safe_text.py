"""Untrusted text becomes inert Markdown; highlights are added only around escaped text."""

from __future__ import annotations

import markdown_it
import pytest

from ui.components.safe_text import (
    HIGHLIGHT_OPEN,
    code_inline,
    escape_inline,
    escape_markdown,
    highlight_markdown,
    inline_list,
    quote_spans,
)

MD = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](http://evil)",
    "![x](http://evil/x.png)",
    "<http://evil/autolink>",
    "[ref]: http://evil\n\n[ref]",
    "# heading\n- item\n1. one\n> quote\n| a | b |\n|---|---|\n| c | d |",
    "    indented code block",
    "```\nfenced\n```",
    "**bold** _it_ ~~strike~~ `code`",
    ":red[colour] :material/home: :smile: $x^2$",
    "&lt;b&gt; &amp; &#60;script&#62;",
    "line one\\\nline two",
]


def rendered(markdown: str) -> str:
    return MD.render(markdown)


def token_types(markdown: str) -> set[str]:
    types: set[str] = set()
    for token in MD.parse(markdown):
        types.add(token.type)
        types |= {c.type for c in token.children or []}
    return types


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_its_own_characters(text: str) -> None:
    out = escape_markdown(text)
    assert token_types(out) <= {
        "paragraph_open", "paragraph_close", "inline", "text", "hardbreak", "softbreak",
        "code_inline",  # URLs: GitHub-flavoured Markdown would link them anywhere else
    }
    html = rendered(out).replace("<code>", "").replace("</code>", "")
    for line in text.splitlines():
        if line.strip():
            visible = line.strip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            assert visible in html.replace("\u00a0", " ").replace("<br />\n", "\n")


def test_streamlit_directives_and_math_are_escaped() -> None:
    out = escape_markdown(":red[x] :material/home: $x$")
    assert ":red[" not in out and ":material/" not in out and "$x$" not in out


def test_line_breaks_and_indentation_survive() -> None:
    out = escape_markdown("a\n    b\r\nc")
    assert out == "a  \n\u00a0\u00a0\u00a0\u00a0b  \nc"


def test_control_and_bidi_characters_are_dropped() -> None:
    assert escape_markdown("a\x07b\u202ec") == "abc"


def test_inline_collapses_whitespace_and_truncates() -> None:
    assert escape_inline("a\n\n b  [c]") == "a b \\[c\\]"
    assert escape_inline("abcdefghij", limit=5) == "abcd…"


def test_code_inline_cannot_break_out_of_its_span() -> None:
    assert code_inline("ab`c\nd") == "`ab'c d`"
    assert code_inline("") == "``"


def test_quote_spans_merge_overlaps_and_repeat() -> None:
    assert quote_spans("abcabc", ["bc", "ab", ""]) == [(0, 6)]
    assert quote_spans("ab-ab", ["ab"]) == [(0, 2), (3, 5)]
    assert quote_spans("abc", ["zz"]) == []


def test_highlight_wraps_only_escaped_quoted_text() -> None:
    text = "We sample 5% [link](http://evil) weekly.\nThen retrain."
    out = highlight_markdown(text, ["5% [link](http://evil)", "retrain"])
    assert out.count(HIGHLIGHT_OPEN) == 2
    assert f"{HIGHLIGHT_OPEN}5\\% \\[link\\]\\(`http://evil`\\)]" in out
    assert token_types(out) <= {
        "paragraph_open", "paragraph_close", "inline", "text", "hardbreak", "code_inline"
    }


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("see http://evil.example/a?b=1 now", "`http://evil.example/a?b=1`"),
        ("or www.evil.example.", "`www.evil.example.`"),
        ("mail eve@evil.example", "`eve@evil.example`"),
        ("odd http://x`y`z", "`http://x`"),
    ],
)
def test_bare_urls_and_emails_become_code_spans(text: str, code: str) -> None:
    out = escape_markdown(text)
    assert code in out
    assert "link_open" not in token_types(out)


def test_highlight_across_lines_marks_each_line() -> None:
    out = highlight_markdown("one two\nthree four", ["two\nthree"])
    assert out == f"one {HIGHLIGHT_OPEN}two]  \n{HIGHLIGHT_OPEN}three] four"


def test_no_quotes_is_plain_escaping() -> None:
    assert highlight_markdown("a*b", []) == escape_markdown("a*b") == "a\\*b"


def test_inline_list_escapes_each_name_and_joins_them() -> None:
    assert inline_list(["Gold *set*", "a\nb"]) == "Gold \\*set\\*, a b"
    assert inline_list([]) == ""
