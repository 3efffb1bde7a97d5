"""Pull one string field out of JSON while it is still arriving, character by character."""

from __future__ import annotations

from dataclasses import dataclass

_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t"}
PathPart = str | int


@dataclass
class _Frame:
    """An open object (key of the current member) or array (index of the current item)."""

    is_object: bool
    slot: PathPart | None
    awaiting_key: bool = False


class JsonFieldStream:
    """Feed JSON text in chunks; get back the newly decoded characters of the string at `path`.

    `path` names object keys and array indexes from the root, e.g. ("probes", 0, "text").
    The scanner tracks nesting and keys only (it does not validate the JSON: the finished text
    is validated as a whole afterwards) and decodes escapes, including \\uXXXX surrogate pairs.
    Only the first string found at the path is emitted; anything after it is ignored.
    """

    def __init__(self, path: tuple[PathPart, ...]) -> None:
        self._path = path
        self._stack: list[_Frame] = []
        self._in_string = False
        self._string_is_key = False
        self._emitting = False
        self._key: list[str] = []
        self._escape: str | None = None  # None, "\\", or "u" followed by the hex digits so far
        self._high_surrogate: int | None = None
        self.finished = False

    def feed(self, chunk: str) -> str:
        """The characters of the target string decoded from this chunk (often empty)."""
        out: list[str] = []
        for ch in chunk:
            if self.finished:
                break
            if self._in_string:
                self._string_char(ch, out)
            else:
                self._structural_char(ch)
        return "".join(out)

    # ---- outside strings ------------------------------------------------------------

    def _structural_char(self, ch: str) -> None:
        top = self._stack[-1] if self._stack else None
        if ch == '"':
            self._in_string = True
            self._string_is_key = top is not None and top.is_object and top.awaiting_key
            self._key = []
            self._emitting = not self._string_is_key and self._at_path()
        elif ch == "{":
            self._stack.append(_Frame(is_object=True, slot=None, awaiting_key=True))
        elif ch == "[":
            self._stack.append(_Frame(is_object=False, slot=0))
        elif ch in "}]":
            if self._stack:
                self._stack.pop()
        elif ch == ":" and top is not None and top.is_object:
            top.awaiting_key = False
        elif ch == "," and top is not None:
            if top.is_object:
                top.awaiting_key = True
                top.slot = None
            elif isinstance(top.slot, int):
                top.slot += 1
        # whitespace, numbers, true/false/null: nothing to track

    def _at_path(self) -> bool:
        return len(self._stack) == len(self._path) and all(
            frame.slot == part for frame, part in zip(self._stack, self._path, strict=True)
        )

    # ---- inside strings -------------------------------------------------------------

    def _string_char(self, ch: str, out: list[str]) -> None:
        if self._escape is not None:
            self._escaped_char(ch, out)
        elif ch == "\\":
            self._escape = "\\"
        elif ch == '"':
            self._end_string(out)
        else:
            self._emit(ch, out)

    def _escaped_char(self, ch: str, out: list[str]) -> None:
        assert self._escape is not None
        if self._escape == "\\":
            if ch == "u":
                self._escape = "u"
                return
            self._escape = None
            self._emit(_SIMPLE_ESCAPES.get(ch, ch), out)
            return
        self._escape += ch
        if len(self._escape) < 5:
            return
        digits, self._escape = self._escape[1:], None
        try:
            code = int(digits, 16)
        except ValueError:
            self._emit("\ufffd", out)
            return
        self._emit_code_point(code, out)

    def _emit_code_point(self, code: int, out: list[str]) -> None:
        if 0xD800 <= code <= 0xDBFF:
            self._flush_surrogate(out)
            self._high_surrogate = code
        elif 0xDC00 <= code <= 0xDFFF and self._high_surrogate is not None:
            high, self._high_surrogate = self._high_surrogate, None
            self._emit(chr(0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)), out)
        else:
            self._emit(chr(code), out)

    def _flush_surrogate(self, out: list[str]) -> None:
        if self._high_surrogate is not None:
            lone, self._high_surrogate = self._high_surrogate, None
            if self._emitting:
                out.append(chr(lone))

    def _emit(self, text: str, out: list[str]) -> None:
        self._flush_surrogate(out)
        if self._emitting:
            out.append(text)
        elif self._string_is_key:
            self._key.append(text)

    def _end_string(self, out: list[str]) -> None:
        self._flush_surrogate(out)
        self._in_string = False
        if self._string_is_key:
            top = self._stack[-1]
            top.slot = "".join(self._key)
        elif self._emitting:
            self._emitting = False
            self.finished = True


class TrimmedText:
    """Passes text on as `str.strip()` of the whole would read: no leading or trailing space."""

    def __init__(self) -> None:
        self._started = False
        self._held: list[str] = []

    def feed(self, text: str) -> str:
        """What can be shown of `text` now (trailing whitespace is held until more follows)."""
        out: list[str] = []
        for ch in text:
            if ch.isspace():
                if self._started:
                    self._held.append(ch)
            else:
                self._started = True
                out.extend(self._held)
                self._held.clear()
                out.append(ch)
        return "".join(out)

