"""A CSV file edited in place: change a few cells, keep every other byte as it was.

An LMS re-imports its own export only when it still looks like its own export: the byte-order
mark, the line endings (``\\r\\n`` or ``\\n``), which fields were quoted, the column order, blank
rows and a missing final newline all stay. :class:`CsvFile` tokenizes the text itself (RFC 4180:
``"`` quotes, ``""`` inside quotes, ``,`` between fields, a newline inside quotes belongs to the
field) and remembers where every field starts and ends; :meth:`CsvFile.set` replaces one field's
text and :meth:`CsvFile.to_bytes` splices the changes into the original text.

    table = CsvFile.read("gradebook.csv")
    table.rows[0]                    # ['Student', 'ID', ...]  (values, quotes removed)
    table.set(3, 5, "7.50")          # row 3, column 5
    Path("out.csv").write_bytes(table.to_bytes())
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

BOM = "\ufeff"


class CsvError(ValueError):
    """The file is not a CSV this module can edit safely; the message says why."""


@dataclass
class _Field:
    start: int  # offset of the field's first character in the text (after the BOM)
    end: int  # offset just after its last character
    value: str
    quoted: bool


@dataclass
class CsvFile:
    text: str  # the decoded text without the BOM
    bom: bool = False
    encoding: str = "utf-8"
    fields: list[list[_Field]] = field(default_factory=list)
    newline: str = "\n"
    quote_spaces: bool = False
    _edits: dict[tuple[int, int], str] = field(default_factory=dict)

    # --------------------------------------------------------------------------- reading

    @classmethod
    def read(cls, path: str | Path) -> CsvFile:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise CsvError(f"cannot read {path}: {err.strerror or err}") from None
        return cls.parse(data, name=str(path))

    @classmethod
    def parse(cls, data: bytes, name: str = "the CSV file") -> CsvFile:
        if b"\x00" in data[:4096]:
            raise CsvError(
                f"{name} is not a text CSV file (it holds NUL bytes: a spreadsheet saved as "
                ".xlsx/.ods? export it as CSV)"
            )
        encoding = "utf-8"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"  # a CSV re-saved by a spreadsheet program on Windows
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as err:
                raise CsvError(f"{name} is neither UTF-8 nor Windows-1252 text ({err})") from None
        bom = text.startswith(BOM)
        if bom:
            text = text[1:]
        table = cls(text=text, bom=bom, encoding=encoding)
        table._tokenize(name)
        return table

    def _tokenize(self, name: str) -> None:
        text, n, i = self.text, len(self.text), 0
        rows: list[list[_Field]] = []
        newlines: dict[str, int] = {}
        while i < n:
            row: list[_Field] = []
            while True:
                start = i
                if i < n and text[i] == '"':
                    i += 1
                    parts = []
                    while True:
                        j = text.find('"', i)
                        if j < 0:
                            raise CsvError(
                                f"{name}: a quoted field starting at line "
                                f"{text.count(chr(10), 0, start) + 1} never ends"
                            )
                        parts.append(text[i:j])
                        if j + 1 < n and text[j + 1] == '"':
                            parts.append('"')
                            i = j + 2
                            continue
                        i = j + 1
                        break
                    # anything between the closing quote and the next separator is kept as text
                    k = i
                    while k < n and text[k] not in ',\r\n':
                        k += 1
                    value = "".join(parts) + text[i:k]
                    i = k
                    row.append(_Field(start, i, value, True))
                else:
                    k = i
                    while k < n and text[k] not in ',\r\n':
                        k += 1
                    row.append(_Field(start, k, text[start:k], False))
                    i = k
                if i < n and text[i] == ",":
                    i += 1
                    if i == n:  # a trailing comma at the very end: one more empty field
                        row.append(_Field(i, i, "", False))
                        break
                    continue
                break
            if i < n:
                eol = "\r\n" if text.startswith("\r\n", i) else text[i]
                newlines[eol] = newlines.get(eol, 0) + 1
                i += len(eol)
            rows.append(row)
        self.fields = rows
        # PHP's fputcsv (Moodle) quotes every field holding a space; Ruby's CSV (Canvas) does not
        plain = [f for row in rows for f in row if not any(ch in f.value for ch in ',"\r\n')]
        self.quote_spaces = any(f.quoted and " " in f.value for f in plain) and not any(
            not f.quoted and " " in f.value for f in plain
        )
        if newlines:
            self.newline = max(newlines, key=newlines.get)

    # --------------------------------------------------------------------------- access

    @property
    def rows(self) -> list[list[str]]:
        """Every row as a list of values (quotes removed); blank lines are ``['']``."""
        return [[self._edits.get((r, c), f.value) for c, f in enumerate(row)] for r, row in enumerate(self.fields)]

    def value(self, row: int, col: int) -> str:
        if col >= len(self.fields[row]):
            return ""
        return self._edits.get((row, col), self.fields[row][col].value)

    def set(self, row: int, col: int, value: str) -> None:
        """Replace one field (quoted the way the file quotes it, or when it must be)."""
        if col >= len(self.fields[row]):
            raise CsvError(f"row {row + 1} has only {len(self.fields[row])} field(s); cannot set column {col + 1}")
        self._edits[(row, col)] = value

    # --------------------------------------------------------------------------- writing

    def _encode(self, row: int, col: int, value: str) -> str:
        f = self.fields[row][col]
        must = any(ch in value for ch in ',"\r\n') or value != value.strip() or (self.quote_spaces and " " in value)
        if f.quoted or must:
            return '"' + value.replace('"', '""') + '"'
        return value

    def to_text(self) -> str:
        out, pos = [], 0
        for row, col in sorted(self._edits, key=lambda rc: self.fields[rc[0]][rc[1]].start):
            f = self.fields[row][col]
            out.append(self.text[pos : f.start])
            out.append(self._encode(row, col, self._edits[(row, col)]))
            pos = f.end
        out.append(self.text[pos:])
        return (BOM if self.bom else "") + "".join(out)

    def to_bytes(self) -> bytes:
        return self.to_text().encode(self.encoding)
