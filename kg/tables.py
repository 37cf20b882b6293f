"""Rows as text: an aligned table, CSV or JSON.

The one formatter of tabular output: ``kg query``'s table, the analytics (``kg stats``,
``kg rank`` ...) and ``kg eval`` all print through it, so they read alike.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Sequence
from typing import Any

__all__ = ["fit", "table", "csv_text", "json_text"]


def fit(text: str, width: int) -> str:
    """``text`` on one line (runs of white space as one space), cut to ``width`` characters
    with an ellipsis.

    >>> fit("a  long\\nline", 6)
    'a lon…'
    """
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    max_width: int | None = 60,
    free_last: bool = False,
    right: Collection[int] = (),
    min_widths: Sequence[int] = (),
    rule: bool = True,
) -> str:
    """Aligned columns, two spaces apart, a line of dashes under the headers.

    Args:
        headers: the column names.
        rows: the cells, as text.
        max_width: a cell past this many characters is cut (see :func:`fit`); ``None``: none is.
        free_last: the last column is never cut.
        right: the columns (by index) aligned to the right, their header too.
        min_widths: the least width of each column, by index.
        rule: draw the line of dashes.

    >>> print(table(["name", "n"], [["Jo", "1"], ["Alexandra", "12"]], right={1}), end="")
    name        n
    ---------  --
    Jo          1
    Alexandra  12
    """
    widths = []
    for i, header in enumerate(headers):
        width = max([len(header), *(len(row[i]) for row in rows)])
        if max_width is not None and not (free_last and i == len(headers) - 1):
            width = min(max_width, width)
        widths.append(max(width, min_widths[i] if i < len(min_widths) else 0))

    def line(cells: Sequence[str], cut: bool) -> str:
        return "  ".join(
            (fit(c, w) if cut else c).rjust(w) if i in right else (fit(c, w) if cut else c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    lines = [line(headers, False)]
    if rule:
        lines.append("  ".join("-" * w for w in widths))
    lines += [line(row, True) for row in rows]
    return "\n".join(lines) + "\n"


def csv_text(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """RFC 4180 CSV with ``\\n`` line ends: a header line, then a line per row.

    >>> csv_text(["a", "b"], [["x, y", 1]])
    'a,b\\n"x, y",1\\n'
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def json_text(data: Any) -> str:
    """``data`` as JSON, indented by two, non-ASCII letters as they are, with a final newline.

    >>> print(json_text({"name": "Zoë"}), end="")
    {
      "name": "Zoë"
    }
    """
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
