"""The project's exception classes. Library code raises these; the CLI turns them into messages."""

from __future__ import annotations

__all__ = [
    "KGError",
    "ModelNotFoundError",
    "SourceError",
    "UnreadableFileError",
    "GraphLoadError",
    "QuerySyntaxError",
    "QueryNotFoundError",
    "PackError",
    "QueryError",
    "QueryRefusedError",
    "RuleFileError",
    "ExportError",
    "OutputError",
    "AmbiguousEntityError",
    "AnalysisError",
    "EndpointError",
]


class KGError(Exception):
    """Base class of every error this package raises on purpose."""


class ModelNotFoundError(KGError):
    """No spaCy pipeline could be loaded."""


class SourceError(KGError):
    """A source path is missing or holds no readable document."""


class GraphLoadError(KGError):
    """An RDF file could not be read."""


class RuleFileError(KGError):
    """A pattern, rule or gazetteer file is malformed."""


class PackError(KGError):
    """A pack name that no packaged pack has, or a pack folder that does not exist."""


class QueryNotFoundError(KGError):
    """A query name matches no file and is not SPARQL either."""


#: Characters of a query's line shown at most in an error.
SHOWN = 80


class QuerySyntaxError(KGError):
    """A SPARQL query could not be parsed.

    Args:
        message: what the parser said.
        query: the query text.
        line: 1-based line of the error.
        column: 1-based column of the error.
    """

    def __init__(self, message: str, query: str, line: int, column: int) -> None:
        super().__init__(message)
        self.query = query
        self.line = line
        self.column = column

    def pointer(self) -> str:
        """The offending line with a caret under the column; at most 80 characters of a long
        line are shown, around the column.

        >>> QuerySyntaxError("bad", "SELECT\\nWHERE x", 2, 7).pointer()
        'line 2, column 7: bad\\n  WHERE x\\n        ^'
        >>> print(QuerySyntaxError("bad", "x" * 500 + " ?y", 1, 502).pointer())
        line 1, column 502: bad
          …xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ?y
                                                                                        ^
        """
        lines = self.query.splitlines() or [""]
        text = lines[self.line - 1] if 0 < self.line <= len(lines) else ""
        offset = self.column - 1
        if len(text) > SHOWN:
            start = max(0, min(offset - SHOWN // 2, len(text) - SHOWN))
            text = text[start : start + SHOWN]
            if start > 0:
                text = "…" + text[1:]
            if start + SHOWN < len(lines[self.line - 1]):
                text = text[:-1] + "…"
            offset -= start
        text = "".join(c if c.isprintable() else "\ufffd" for c in text)
        caret = " " * offset + "^"
        return f"line {self.line}, column {self.column}: {self.args[0]}\n  {text}\n  {caret}"


class QueryError(KGError):
    """A query parsed but cannot run: a required parameter is missing, or evaluation failed."""


class QueryRefusedError(KGError):
    """A query holds a form that is never run: SERVICE, FROM, LOAD, or an update not allowed."""


class ExportError(KGError):
    """An export could not be written: the output path is unwritable or of the wrong kind."""


class OutputError(KGError):
    """A build folder or store cannot be written: another process is writing it, or the
    previous write was interrupted and cannot be undone."""


class AmbiguousEntityError(KGError):
    """A name matches several entities; the message lists them with their IRIs."""


class AnalysisError(KGError):
    """An analysis cannot run as asked: an unknown measure, type or format, or a bad depth."""


class UnreadableFileError(SourceError):
    """One source file cannot be read as a document (unreadable, empty, binary, no text); the
    build skips it (``--strict``: stops). The message is the reason, without the path."""


class EndpointError(KGError):
    """A remote SPARQL store cannot be reached, or answered with an error (``kg push``,
    ``kg query --endpoint``); the message is one line with the status and the server's words."""
