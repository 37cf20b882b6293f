"""SPARQL over a built graph: resolve a query by file, name or text, run it, format the results.

This module never imports spaCy, so ``kg query`` starts fast.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.query import Result

from kg.errors import (
    EndpointError,
    QueryError,
    QueryNotFoundError,
    QueryRefusedError,
    QuerySyntaxError,
)
from kg.namespaces import PREFIXES, XSD, bind_prefixes
from kg.resources import queries_dir
from kg.store import oxigraph_store

__all__ = [
    "load_graph",
    "resolve_query",
    "named_queries",
    "run_query",
    "check_query",
    "check_limits",
    "check_prepared",
    "format_result",
    "FORMATS",
    "GRAPH_FORMATS",
    "required_params",
    "resident_bytes",
    "query_tokens",
]

#: Local names that a prefixed name can carry as they are (no "/", no final ".").
_LOCAL_NAME = re.compile(r"^[A-Za-z_][\w\-.]*(?<!\.)$")
_KEYWORDS = re.compile(
    r"^\s*(?:#[^\n]*\n\s*)*(?:PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE"
    r"|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)",  # no \b: "LOADSILENT" too
    re.IGNORECASE,
)


def resident_bytes(pid: int | None = None) -> int | None:
    """The memory a process holds (its resident set), in bytes; None where unknown.

    Read from ``/proc`` (Linux): cheap enough to check ten times a second.
    """
    import os

    try:
        with open(f"/proc/{pid or 'self'}/statm", "rb") as stream:
            pages = int(stream.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def load_graph(path: Path) -> Graph:
    """Read a graph: a store folder, a build folder, or an RDF file (see :mod:`kg.store`).

    Raises:
        GraphLoadError: no such file, unknown format, or unparsable content.
    """
    from kg.store import open_graph

    return open_graph(Path(path))


def named_queries() -> dict[str, Path]:
    """The named queries: name -> ``.rq`` file."""
    folder = queries_dir()
    return {p.stem: p for p in sorted(folder.glob("*.rq"))} if folder.is_dir() else {}


def resolve_query(query: str) -> tuple[str, str]:
    """The text of ``query`` and where it came from.

    ``query`` is a path to a file, the name of a query in ``queries/``, or SPARQL text.

    Raises:
        QueryNotFoundError: it is none of these.
    """
    named = named_queries()
    name = query[:-3] if query.endswith(".rq") else query
    if name in named:
        return named[name].read_text(encoding="utf-8"), str(named[name])
    path = Path(query)
    if "\n" not in query and _is_file(path):
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.reason if isinstance(exc, UnicodeDecodeError) else exc.strerror
            raise QueryNotFoundError(f"{path}: cannot read it as UTF-8 text ({reason})") from None
    if _KEYWORDS.match(query):
        return query, "<inline>"
    raise QueryNotFoundError(_not_found(query, named))


def _not_found(query: str, named: dict[str, Path]) -> str:
    """Why ``query`` is no query, with the closest named query or SPARQL keyword.

    >>> print(_not_found("foundrs", {"founders": Path("founders.rq")}))
    no query file or named query 'foundrs'; did you mean founders? (named queries: founders)
    >>> print(_not_found("SELEC ?x WHERE {}", {}))
    'SELEC ?x WHERE {}' is no SPARQL query (did you mean SELECT?), query file or named query
    """
    words = query.split()
    name = query[:-3] if query.endswith(".rq") else query
    if len(words) > 1 or "{" in query:  # SPARQL text whose first word is no keyword
        keywords = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE"]
        close = difflib.get_close_matches(words[0].upper(), keywords, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        shown = query if len(query) <= 60 else query[:59] + "…"
        return f"{shown!r} is no SPARQL query{hint}, query file or named query"
    close = difflib.get_close_matches(name.lower(), list(named), n=3, cutoff=0.6)
    listed = ", ".join(named) or "(none)"
    if close:
        return f"no query file or named query {query!r}; did you mean {' or '.join(close)}?" + (
            f" (named queries: {listed})"
        )
    return f"no query file or named query {query!r}; named queries: {listed}"


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. a name too long: a query written on one line
        return False


def _prepare(text: str) -> Any:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(text, initNs=dict(PREFIXES))
    except ParseBaseException as exc:
        raise _explain(QuerySyntaxError(str(exc.msg), text, exc.lineno, exc.col)) from None
    except Exception as exc:  # e.g. an unknown prefix
        raise _explain(QuerySyntaxError(str(exc).splitlines()[0], text, 1, 1)) from None


#: Words of the SPARQL grammar a mistyped word is compared with ("LIMT": did you mean LIMIT?).
_GRAMMAR_WORDS = (
    "SELECT ASK CONSTRUCT DESCRIBE WHERE PREFIX BASE DISTINCT REDUCED AS FROM NAMED ORDER BY"
    " ASC DESC GROUP HAVING LIMIT OFFSET VALUES OPTIONAL UNION MINUS FILTER BIND GRAPH NOT"
    " EXISTS IN COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR UNDEF STR LANG LANGMATCHES"
    " DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE"
    " CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY NOW COALESCE IF REGEX"
    " REPLACE SUBSTR ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC SAMETERM"
).split()
_OPENING = {"{": "}", "(": ")", "[": "]"}


def _at(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _explain(error: QuerySyntaxError) -> QuerySyntaxError:
    """A parser's error as one line that names the problem, where one is plain from the text:
    an undeclared prefix (which one), a string or a bracket never closed, a bracket that closes
    nothing, a mistyped keyword. Otherwise ``error`` as it is.

    >>> error = _explain(QuerySyntaxError("?", "SELECT * { ?s shema:name ?n }", 1, 1))
    >>> str(error), error.column
    ("unknown prefix 'shema:' (did you mean 'schema:'?)", 15)
    >>> str(_explain(QuerySyntaxError("?", "SELECT * { ?s ?p ?o", 1, 20)))
    "'{' is never closed"
    >>> str(_explain(QuerySyntaxError("Expected end of text", "ASK {} LIMT 3", 1, 8)))
    "unexpected 'LIMT' (did you mean LIMIT?)"
    """
    text = error.query
    tokens = [m for m in _TOKENS.finditer(text) if m.lastgroup not in ("space", "comment")]
    declared = {
        token.group().split(":", 1)[0]
        for before, token in zip(tokens, tokens[1:], strict=False)
        if before.group().upper() == "PREFIX" and token.lastgroup == "pname"
    }
    known = set(PREFIXES) | declared
    for token in tokens:
        prefix = token.group().split(":", 1)[0] if token.lastgroup == "pname" else "_"
        if prefix != "_" and prefix not in known:
            close = difflib.get_close_matches(prefix, sorted(known), n=1, cutoff=0.6)
            hint = (
                f"did you mean '{close[0]}:'?"
                if close
                else f"declare it with PREFIX {prefix}: <...>; these need no declaration: "
                + ", ".join(PREFIXES)
            )
            return QuerySyntaxError(
                f"unknown prefix '{prefix}:' ({hint})", text, *_at(text, token.start())
            )
    opened: list[re.Match[str]] = []
    for token in tokens:
        mark = token.group()
        if token.lastgroup == "other" and mark in "'\"":
            return QuerySyntaxError("this string is never closed", text, *_at(text, token.start()))
        if mark in _OPENING:
            opened.append(token)
        elif mark in _CLOSING:
            if not opened or opened[-1].group() != _CLOSING[mark]:
                why = f"'{mark}' closes nothing" if not opened else (
                    f"'{mark}' where '{_OPENING[opened[-1].group()]}' was expected"
                )
                return QuerySyntaxError(why, text, *_at(text, token.start()))
            opened.pop()
    if opened:
        return QuerySyntaxError(
            f"'{opened[-1].group()}' is never closed", text, *_at(text, opened[-1].start())
        )
    lines = text.splitlines()
    if 0 < error.line <= len(lines):
        word = re.match(r"[A-Za-z_]\w*", lines[error.line - 1][error.column - 1 :])
        if word and word.group().upper() not in _GRAMMAR_WORDS:
            close = difflib.get_close_matches(word.group().upper(), _GRAMMAR_WORDS, n=1)
            if close:
                message = f"unexpected '{word.group()}' (did you mean {close[0]}?)"
                return QuerySyntaxError(message, text, error.line, error.column)
    return error


# The terminals of the SPARQL 1.1 grammar that can hide a word: comments, strings, IRIs,
# variables, prefixed names and language tags. Everything else is a word or a single character.
_STRINGS = "|".join(
    (
        r"'''(?:[^'\\]|\\.|'(?!''))*'''",
        r'"""(?:[^"\\]|\\.|"(?!""))*"""',
        r"'(?:[^'\\\r\n]|\\.)*'",
        r'"(?:[^"\\\r\n]|\\.)*"',
    )
)
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
#: A local name's escapes (PLX): ``ex:a\#b`` is one name, and its ``#`` starts no comment.
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_TOKENS = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<comment>#[^\r\n]*)"
    rf"|(?P<string>{_STRINGS})"
    rf'|(?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)'
    r"|(?P<var>[?$]\w+)"
    r"|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    rf"|(?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w.\-:]|{_PLX})*)"
    r"|(?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)"
    r"|(?P<word>[^\W\d]\w*)"
    r"|(?P<other>.)",
    re.DOTALL,
)
_CLOSING = {")": "(", "}": "{", "]": "["}
#: The longest query read, in characters: a longer one is refused before it is parsed.
MAX_LENGTH = 100_000
#: Triple patterns a query may hold, counted as the separators ``.``, ``;``, ``,`` between
#: them plus one per ``{ }`` group: Oxigraph's planner takes seconds past a few hundred, and
#: its parser overflowed its stack (a segfault) at 40,000.
MAX_PATTERNS = 500
#: Brackets of every kind (``( { [ <<``) nested deeper are refused: Oxigraph's parser
#: overflows its stack near 5,000.
MAX_DEPTH = 200
#: The brackets that make a term (``[ ]`` blank nodes, ``( )`` collections, ``<< >>`` quoted
#: triples) nested deeper are refused: Oxigraph parses them in time cubic in their depth
#: (50 levels 0.3 s, 200 levels 24 s, 500 levels of ``<<`` minutes).
MAX_TERM_DEPTH = 32
#: Keywords that reach outside the graph: refused on every path, updates included.
_OUTSIDE = {
    "SERVICE": "SERVICE (a federated query) is refused: queries never reach the network",
    "FROM": "FROM and FROM NAMED are refused: a query reads only the graph it is given",
    "USING": "USING and USING NAMED are refused: an update reads only the graph it is given",
    "LOAD": "LOAD is refused: nothing is fetched from the network or read from files",
}
#: Keywords that only SPARQL Update has.
_UPDATE = {"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def query_tokens(text: str) -> list[str]:
    """The tokens of ``text``, as the SPARQL grammar reads them, without space and comments.

    >>> query_tokens('ASK { ?s  rdfs:label "a # b" } # done')
    ['ASK', '{', '?s', 'rdfs:label', '"a # b"', '}']
    """
    return [m.group() for m in _TOKENS.finditer(text) if m.lastgroup not in ("space", "comment")]


def _words(text: str) -> Iterator[tuple[str, str]]:
    """``("word", WORD)`` for each word and ``("pname", PREFIX)`` for each prefixed name.

    A ``<`` is read two ways where it may be the less-than operator (inside parentheses) or
    half of RDF-star's ``<<``: as an IRI, and as a single character followed by the tokens of
    what looked like the IRI's text. That text holds no keyword either way, but on the second
    reading a ``#`` in it starts a comment and a ``'`` a string that may run past the ``>``.
    Every reading is followed, so a keyword the parser sees is found.
    """
    seen: set[tuple[int, tuple[str, ...], int]] = set()
    todo: list[tuple[int, tuple[str, ...], int]] = [(0, (), 0)]
    budget = 8 * len(text) + 1000
    while todo:
        pos, stack, quiet = todo.pop()
        state = (pos, stack, quiet if pos < quiet else 0)
        if state in seen:
            continue
        seen.add(state)
        if len(seen) > budget:
            raise QueryRefusedError("the query is too intricate to check for SERVICE, FROM, LOAD")
        match = _TOKENS.match(text, pos)
        if match is None:
            continue
        group, token = match.lastgroup, match.group()
        if group == "word" and pos >= quiet:
            yield "word", token.upper()
        elif group == "pname" and pos >= quiet:
            yield "pname", token.partition(":")[0].upper()
        elif group == "iri" and (stack[-1:] == ("(",) or text[pos - 1 : pos] == "<"):
            todo.append((pos + 1, stack, match.end()))  # "<" as less-than, or of "<<"
        elif group == "other" and token in "([{":
            stack = (*stack, token)
            if len(stack) > MAX_DEPTH:
                raise QueryRefusedError(
                    f"the query nests brackets more than {MAX_DEPTH} levels deep"
                )
        elif group == "other" and token in _CLOSING and _CLOSING[token] in stack:
            stack = stack[: len(stack) - 1 - stack[::-1].index(_CLOSING[token])]
        todo.append((match.end(), stack, state[2]))


def _expand_escapes(text: str) -> str | None:
    """``text`` as rdflib's parser reads it, ``\\u`` escapes replaced anywhere; None if alike."""
    if "\\u" not in text.lower():
        return None
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    try:
        expanded = str(expandUnicodeEscapes(text))
    except ValueError:  # rdflib cannot read it either
        return None
    return expanded if expanded != text else None


def _near(text: str, pos: int) -> str:
    """Where ``pos`` is in ``text``, quoting at most 60 characters from a little before it.

    >>> _near("SELECT *\\nWHERE { ?s ?p ?o }", 15)
    ' at line 2, column 7: “SELECT * WHERE { ?s ?p ?o }”'
    """
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f" at line {line}, column {column:,}: {_quote(text, max(0, pos - 20))}"


def _quote(text: str, start: int) -> str:
    """At most 60 characters of ``text`` from ``start``, on one line, in quotes."""
    words = " ".join(text[start : start + 200].split())
    shown = "".join(c if c.isprintable() else "\ufffd" for c in words)
    if start > 0:
        shown = "…" + shown
    if len(shown) > 60:
        shown = shown[:59] + "…"
    return f"“{shown}”"


def check_limits(text: str) -> None:
    """Refuse a query too large to parse safely, before it is parsed.

    Limits: :data:`MAX_LENGTH` characters, :data:`MAX_PATTERNS` triple patterns,
    :data:`MAX_DEPTH` nested brackets of any kind, :data:`MAX_TERM_DEPTH` nested term brackets
    (``[ ]``, collections, ``<< >>``). Each refusal is one line quoting at most 60 characters
    of the query. The text is read once, token by token, so a refusal takes milliseconds.

    >>> check_limits("SELECT * WHERE { " + "[ :p " * 40 + "] " * 40 + "}")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.QueryRefusedError: the query nests [ ], ( ) and << >> more than 32 levels deep...

    Raises:
        QueryRefusedError: naming the limit and where the query passes it.
    """
    if len(text) > MAX_LENGTH:
        raise QueryRefusedError(
            f"the query is {len(text):,} characters long, more than the {MAX_LENGTH:,} allowed:"
            f" {_quote(text, 0)}"
        )
    expanded = _expand_escapes(text)  # rdflib reads a \\u escape as the character it names
    for source in (text,) if expanded is None else (text, expanded):
        _measure(source)


def _measure(text: str) -> None:
    """:func:`check_limits` on one reading of ``text``; ``<<`` is a bracket of its own."""
    stack: list[tuple[str, int]] = []  # (bracket, term brackets open with it)
    patterns = 0
    previous: tuple[str | None, str | None] = (None, None)  # kinds of the last two tokens
    skip = -1
    for match in _TOKENS.finditer(text):
        group, token, at = match.lastgroup, match.group(), match.start()
        if group in ("space", "comment") or at == skip:
            continue
        terms = stack[-1][1] if stack else 0
        parent = stack[-1][0] if stack else ""
        opened = ""
        if group == "other":
            following = text[match.end() : match.end() + 1]
            if token == "<" and following == "<":
                opened, skip = "<<", match.end()
            elif token == ">" and following == ">" and any(b == "<<" for b, _ in stack):
                skip = match.end()
                del stack[max(i for i, (b, _) in enumerate(stack) if b == "<<") :]
            elif token == "(":
                # A collection where a term may stand: not after a keyword or a function name.
                call = previous[0] == "word" or (
                    previous[0] in ("pname", "iri") and previous[1] == "word"
                )
                opened = "c" if parent in ("{", "[", "<<", "c") and not call else "("
            elif token in "{[":
                opened = token
            elif token in _CLOSING:
                kinds = ("(", "c") if token == ")" else (_CLOSING[token],)
                found = [i for i, (b, _) in enumerate(stack) if b in kinds]
                if found:
                    del stack[found[-1] :]
            elif token in ".;," and parent in ("{", "["):
                patterns += 1
        if opened:
            patterns += opened == "{"
            if opened in ("[", "<<", "c"):
                terms += 1
            stack.append((opened, terms))
            if len(stack) > MAX_DEPTH:
                raise QueryRefusedError(
                    f"the query nests brackets more than {MAX_DEPTH} levels deep"
                    + _near(text, at)
                )
            if terms > MAX_TERM_DEPTH:
                raise QueryRefusedError(
                    f"the query nests [ ], ( ) and << >> more than {MAX_TERM_DEPTH} levels deep"
                    + _near(text, at)
                )
        if patterns > MAX_PATTERNS:
            raise QueryRefusedError(
                f"the query has more than {MAX_PATTERNS} triple patterns" + _near(text, at)
            )
        previous = (group, previous[0])


def check_query(text: str, *, allow_update: bool = False) -> str:
    """Refuse what must never run, before anything runs; return ``"query"`` or ``"update"``.

    The check reads the query's tokens as the SPARQL grammar defines them, so a keyword in a
    string, an IRI, a comment, a variable or a prefixed name is not one. Where a ``<`` can be
    read two ways, both readings are checked; ``\\u`` escapes are checked expanded as well
    (rdflib's engine expands them before parsing). SERVICE, FROM / FROM NAMED, USING / USING
    NAMED and LOAD are refused always, the update forms unless ``allow_update``. A prefix
    named like SERVICE, FROM or LOAD is refused too: ``SERVICE:x`` may parse as ``SERVICE :x``,
    and so is a word holding one (``SERVICESILENT``). A query past the size limits of
    :func:`check_limits` is refused first.

    >>> check_query('SELECT ?s WHERE { ?s ?service "FROM" } # LOAD')
    'query'
    >>> check_query("ASK { SERVICE <http://example.org/> {} }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.errors.QueryRefusedError: SERVICE (a federated query) is refused: ...

    Raises:
        QueryRefusedError: the query holds a refused form, or is too large.
    """
    check_limits(text)
    expanded = _expand_escapes(text)
    words = [
        (group, word)
        for source in ((text,) if expanded is None else (text, expanded))
        for group, word in _words(source)
    ]
    for _, word in words:  # what reaches outside first: it stays refused with --allow-update
        # Inside a word too: Oxigraph's parser needs no space after a keyword, so it reads
        # "SERVICESILENT" as SERVICE SILENT and "trueSERVICE" as true SERVICE.
        for keyword, message in _OUTSIDE.items():
            if keyword in word:
                raise QueryRefusedError(message)
    updates = [word for group, word in words if word in _UPDATE and group == "word"]
    if updates and not allow_update:
        raise QueryRefusedError(
            f"{updates[0]} is an update and updates are refused: the graph is read-only"
            " (the CLI's --allow-update writes to a local store)"
        )
    return "update" if updates else "query"


_IRI_UNSAFE = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def _term(value: Any) -> str:
    """``value`` as a SPARQL term, escaped; an IRI that could end its brackets is refused."""
    if isinstance(value, URIRef):
        if _IRI_UNSAFE.search(str(value)):
            raise QueryError(f"not a valid IRI: <{value}>")
        return f"<{value}>"
    if isinstance(value, Literal):
        if value.datatype is not None and _IRI_UNSAFE.search(str(value.datatype)):
            raise QueryError(f"not a valid datatype IRI: <{value.datatype}>")
        return str(value.n3())
    raise QueryError(f"cannot bind {value!r}: give a string or an <IRI>")


def _check_variables(tokens: Iterable[re.Match[str]], bindings: dict[str, Any]) -> None:
    """Refuse to bind a variable the query's ``tokens`` do not have (a misspelt ``--param``).

    Raises:
        QueryError: naming the first such variable.
    """
    used = {m.group()[1:] for m in tokens if m.lastgroup == "var"}
    unknown = [name for name in bindings if name not in used]
    if unknown:
        raise QueryError(f"the query has no variable ?{unknown[0]} to bind")


def _with_values(text: str, bindings: dict[str, Any]) -> tuple[str, int, int, int]:
    """``text`` with ``bindings`` as a VALUES block at the top of its WHERE clause.

    Returns the new text, and the line, column (1-based) and length of the insertion, so that
    a syntax error's position can be given in the user's text.

    >>> _with_values('SELECT ?s WHERE { ?s ?p ?o }', {"o": Literal('a "b"')})[0]
    'SELECT ?s WHERE { VALUES (?o) { ("a \\\\"b\\\\"") } ?s ?p ?o }'
    """
    tokens = [m for m in _TOKENS.finditer(text) if m.lastgroup not in ("space", "comment")]
    _check_variables(tokens, bindings)
    computed = {m.group(1) for m in re.finditer(r"\bAS\s+[?$](\w+)", text, re.IGNORECASE)}
    if set(bindings) & computed:
        name = sorted(set(bindings) & computed)[0]
        raise QueryError(f"?{name} is computed by the query (AS ?{name}): it cannot be bound")
    # The WHERE clause is the first top-level group, or the second after a CONSTRUCT template.
    depth, groups = 0, []
    for i, m in enumerate(tokens):
        if m.group() == "{":
            if depth == 0:
                groups.append(i)
            depth += 1
        elif m.group() == "}":
            depth = max(0, depth - 1)
    first_word = next((m.group().upper() for m in tokens if m.lastgroup == "word"), "")
    start = groups[0] if groups else 0
    before = [t.group().upper() for t in tokens[max(0, start - 2) : start]]
    if first_word == "CONSTRUCT" and before == ["CONSTRUCT", "WHERE"]:
        raise QueryError("--param needs CONSTRUCT { ... } WHERE { ... }, not CONSTRUCT WHERE")
    template = first_word == "CONSTRUCT" and before[-1:] == ["CONSTRUCT"]
    where = groups[1:2] if template else groups[:1]
    if not where:
        raise QueryError("--param needs a query with a WHERE clause")
    brace = tokens[where[0]]
    names = " ".join(f"?{n}" for n in bindings)
    values = " ".join(_term(v) for v in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }}"
    at = brace.end()
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return text[:at] + block + text[at:], line, column, len(block)


#: Queries up to this length get rdflib's position of a syntax error, longer ones Oxigraph's.
_RDFLIB_POSITION_LENGTH = 10_000


def _syntax_error(
    exc: SyntaxError, text: str, inserted: tuple[int, int, int]
) -> QuerySyntaxError:
    """The error to show for a query Oxigraph cannot parse.

    Oxigraph's parser tells the furthest point it reached, often the end of the query; rdflib's
    usually stops where the mistake is, but knows no position for an unknown prefix.
    """
    oxigraph = _explain(_oxigraph_syntax_error(exc, text, inserted))
    if len(text) > _RDFLIB_POSITION_LENGTH:  # rdflib's parser can take minutes on long ones
        return oxigraph
    try:
        _prepare(text)
    except QuerySyntaxError as rdflib:
        if (rdflib.line, rdflib.column) != (1, 1):
            return rdflib
    return oxigraph


def check_prepared(query: Any) -> None:
    """:func:`check_query` for a query rdflib has already parsed (``prepareQuery``).

    Raises:
        QueryRefusedError: the query holds SERVICE or FROM / FROM NAMED.
    """
    from rdflib.plugins.sparql.parserutils import CompValue

    if getattr(query.algebra, "datasetClause", None):
        raise QueryRefusedError(_OUTSIDE["FROM"])
    stack: list[Any] = [query.algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise QueryRefusedError(_OUTSIDE["SERVICE"])
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)


def _oxigraph_syntax_error(
    exc: SyntaxError, text: str, inserted: tuple[int, int, int] = (0, 0, 0)
) -> QuerySyntaxError:
    message = str(exc).strip()
    found = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if not found:
        return QuerySyntaxError(message.splitlines()[0] if message else "syntax error", text, 1, 1)
    detail = " ".join(found.group(3).split())
    if len(detail) > 100:
        detail = detail[:99] + "…"
    line, column = int(found.group(1)), int(found.group(2))
    if line == inserted[0] and column > inserted[1]:  # after the VALUES block put in
        column = max(inserted[1], column - inserted[2])
    return QuerySyntaxError(detail, text, line, column)


_REQUIRES = re.compile(r"^#\s*requires:\s*(.+)$", re.MULTILINE | re.IGNORECASE)


def required_params(text: str) -> list[str]:
    """Parameters a query declares it needs, in a ``# requires: a, b`` header line (each may
    name its kind in parentheses: see :mod:`kg.params`).

    >>> required_params("# How are two things linked?\\n# requires: a (entity), b\\nSELECT ...")
    ['a', 'b']
    """
    found = _REQUIRES.search(text)
    names = re.sub(r"\([^)]*\)", " ", found.group(1)) if found else ""
    return [n for n in re.split(r"[\s,]+", names.strip()) if n]


def run_query(
    graph: Graph | Any,
    text: str,
    bindings: dict[str, Any] | None = None,
    *,
    limit: int | None = None,
    allow_update: bool = False,
) -> Result:
    """Check, parse and run a SPARQL query; the project's prefixes need no declaration.

    On an Oxigraph-backed graph (:mod:`kg.store`), or a ``pyoxigraph.Store``, the query runs
    in Oxigraph, with ``bindings`` in a VALUES block; on any other ``rdflib.Graph`` in
    rdflib's engine, with ``bindings`` as its initial bindings. Either way the result is an
    ``rdflib`` ``Result`` of rdflib terms.
    A SELECT result is evaluated here (its first ``limit`` rows when given), so evaluation
    errors surface here.

    Args:
        graph: the graph to query: an ``rdflib.Graph`` or a ``pyoxigraph.Store``.
        text: SPARQL text.
        bindings: initial values of variables (by name, without ``?``); never formatted into
            the text.
        limit: keep at most this many SELECT rows (the rest is not computed when the query
            has no ORDER BY).
        allow_update: run SPARQL Update (INSERT, DELETE ...) too; the graph must be writable.
            The result of an update is an empty ASK-less ``Result`` of type ``"UPDATE"``.

    The query runs in a thread of its own with a large stack (:data:`STACK_BYTES`).

    Raises:
        QueryRefusedError: the query holds SERVICE, FROM, LOAD or (unless allowed) an update,
            or it is too large (:func:`check_limits`).
        QuerySyntaxError: the query does not parse; carries line and column.
        QueryError: a required parameter is missing, or the engine failed on the query.
    """
    return _on_large_stack(
        lambda: _run_query(graph, text, bindings, limit=limit, allow_update=allow_update)
    )


#: The stack of the thread a query runs in. Oxigraph's parser and planner recurse once per
#: element of a flat query (a BIND, a FILTER, a UNION branch, an operator), and overflowed the
#: 8 MB main thread (a segfault) from 3,000 BINDs; 256 MB holds every query under the limits.
#: Only the pages used are ever backed by memory.
STACK_BYTES = 256 << 20

T = TypeVar("T")


def _on_large_stack(work: Callable[[], T]) -> T:
    """``work()`` run in a new thread with a :data:`STACK_BYTES` stack; its error re-raised."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(("value", work()))
        except BaseException as exc:  # handed to the caller as it is
            outcome.append(("error", exc))

    previous = threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="kg-query", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    kind, value = outcome[0]
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]


def _run_query(
    graph: Graph | Any,
    text: str,
    bindings: dict[str, Any] | None,
    *,
    limit: int | None,
    allow_update: bool,
) -> Result:
    bindings = bindings or {}
    original = text
    inserted = (0, 0, 0)
    kind = check_query(text, allow_update=allow_update)
    missing = [n for n in required_params(text) if n not in bindings]
    if missing:
        wanted = " ".join(f"--param {n}=VALUE" for n in missing)
        raise QueryError(f"this query needs {wanted}")
    # On Oxigraph the query goes to it straight, past oxrdflib's conversion of every term
    # (the check it would repeat is done): kg query stays within a small factor of Oxigraph.
    inner = oxigraph_store(graph)
    namespaces = {p: str(ns) for p, ns in PREFIXES.items()}
    try:
        if kind == "update":
            if bindings:
                raise QueryError("--param cannot be used with an update")
            if isinstance(graph, Graph):  # its store decides whether it may be written
                graph.update(text, initNs=namespaces if inner is not None else dict(PREFIXES))
            else:
                inner.update(text, prefixes=namespaces)
            done = Result("ASK")  # rdflib's Result knows only the four query forms
            done.type = "UPDATE"
            return done
        if inner is not None:
            # Oxigraph substitutes only projected variables (SEP-0007): bind through VALUES.
            if bindings:
                text, *where = _with_values(text, bindings)
                inserted = (where[0], where[1], where[2])
            return _from_oxigraph(inner.query(text, prefixes=namespaces), limit)
        _check_variables(_TOKENS.finditer(text), bindings)
        result = graph.query(_prepare(text), initBindings=bindings)
        if result.type == "SELECT":
            rows = result.bindings if limit is None else islice(result.bindings, limit)
            result.bindings = [{k: _plain(v) for k, v in row.items()} for row in rows]
        elif result.type in ("CONSTRUCT", "DESCRIBE"):
            _ = len(result)
    except SyntaxError as exc:  # Oxigraph's parser
        raise _syntax_error(exc, original, inserted) from None
    except (QuerySyntaxError, QueryError, EndpointError):  # a remote store's error as it is
        raise
    except Exception as exc:  # the engines raise many kinds of errors while evaluating
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise QueryError(f"the query failed while running: {first}") from None
    return result


_XSD_STRING = str(XSD.string)


def _from_oxigraph(answer: Any, limit: int | None) -> Result:
    """Oxigraph's answer as an rdflib ``Result``; each distinct term is converted once.

    ``"x"^^xsd:string`` becomes the plain literal ``"x"`` (the same in RDF 1.1).
    """
    import pyoxigraph as ox

    named, literal, triple = ox.NamedNode, ox.Literal, ox.Triple
    cache: dict[Any, Any] = {}

    def term(value: Any) -> Any:
        found = cache.get(value)
        if found is None:
            if isinstance(value, named):
                found = URIRef(value.value)
            elif isinstance(value, literal):
                datatype = value.datatype.value
                if value.language:
                    found = Literal(value.value, lang=value.language)
                elif datatype == _XSD_STRING:
                    found = Literal(value.value)
                else:
                    found = Literal(value.value, datatype=term(value.datatype))
            elif isinstance(value, triple):
                raise QueryError("RDF-star triples in results are not supported")
            else:
                found = BNode(value.value)
            cache[value] = found
        return found

    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, ox.QueryTriples):
        result = Result("CONSTRUCT")
        result.graph = Graph()
        for t in answer:
            result.graph.add((term(t.subject), term(t.predicate), term(t.object)))
        return result
    result = Result("SELECT")
    names = [Variable(v.value) for v in answer.variables]
    result.vars = names
    rows = answer if limit is None else islice(answer, limit)
    result.bindings = [
        {name: term(value) for name, value in zip(names, row, strict=True) if value is not None}
        for row in rows
    ]
    return result


def _plain(term: Any) -> Any:
    """``"x"^^xsd:string`` as the plain literal ``"x"`` (the same in RDF 1.1), else ``term``."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _short(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, ns in PREFIXES.items():
            local = text[len(str(ns)) :]
            if text.startswith(str(ns)) and _LOCAL_NAME.match(local):
                return f"{prefix}:{local}"
        return f"<{text}>"  # as SPARQL writes it, so it can be pasted back into a query
    return str(term)


def _nt(term: Any) -> str:
    return "" if term is None else str(term.n3())


def _table(result: Result) -> str:
    names = [str(v) for v in result.vars or []]
    rows = [[_short(row[i]) for i in range(len(names))] for row in result]  # type: ignore[index]
    widths = [min(80, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]

    def fit(text: str, width: int) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(fit(c, w).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _tsv(result: Result) -> str:
    names = [str(v) for v in result.vars or []]
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join(_nt(row[i]) for i in range(len(names))) for row in result]  # type: ignore[index]
    return "\n".join(lines) + "\n"


def _serialized(fmt: str) -> Callable[[Result], str]:
    def serialize(result: Result) -> str:
        out = io.BytesIO()
        result.serialize(out, format=fmt)
        text = out.getvalue().decode("utf-8")
        if fmt == "json":  # pretty, stable output
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"
        return text if text.endswith("\n") else text + "\n"

    return serialize


#: Result formats for SELECT and ASK results.
FORMATS: dict[str, Callable[[Result], str]] = {
    "table": _table,
    "csv": _serialized("csv"),
    "tsv": _tsv,
    "json": _serialized("json"),
    "xml": _serialized("xml"),
}
#: Formats for the graphs that CONSTRUCT and DESCRIBE return: name -> rdflib serializer.
GRAPH_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}


def format_result(result: Result, fmt: str) -> str:
    """A result as text.

    SELECT in ``fmt`` (a key of :data:`FORMATS`); ASK as ``true``/``false`` (or SPARQL JSON or
    XML); CONSTRUCT and DESCRIBE in a key of :data:`GRAPH_FORMATS` (``table`` gives Turtle,
    ``json`` JSON-LD).

    Raises:
        QueryError: ``fmt`` does not fit the kind of result.
    """
    if result.type == "UPDATE":
        return ""
    if result.type == "ASK":
        if fmt in ("json", "xml"):
            return FORMATS[fmt](result)
        if fmt in GRAPH_FORMATS:
            raise QueryError(f"an ASK result cannot be written as {fmt}")
        return ("true" if result.askAnswer else "false") + "\n"
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        name = {"table": "turtle", "json": "jsonld"}.get(fmt, fmt)
        if name not in GRAPH_FORMATS:
            raise QueryError(
                f"a {result.type} result is a graph: use --format {', '.join(GRAPH_FORMATS)}"
            )
        out = bind_prefixes(Graph())
        for s, p, o in result:  # type: ignore[misc]
            out.add((s, p, _plain(o)))
        text = str(out.serialize(format=GRAPH_FORMATS[name]))
        return text if text.endswith("\n") else text + "\n"
    if fmt not in FORMATS:
        raise QueryError(f"a SELECT result is a table: use --format {', '.join(FORMATS)}")
    return FORMATS[fmt](result)
