"""The SPARQL safety check: what must never run is refused before anything runs.

A query is read token by token, as the SPARQL 1.1 grammar defines its terminals, so a keyword
in a string, an IRI, a comment, a variable or a prefixed name is not one. Refused always:
``SERVICE`` (a federated query), ``FROM`` / ``FROM NAMED``, ``USING`` and ``LOAD``; updates
unless asked for; and queries too large to parse safely (:func:`check_limits`).

This module imports nothing from ``kg`` (and rdflib only inside the functions that need it),
so the store (:mod:`kg.store`) and the query runner (:mod:`kg.query`) both use it without
importing each other. It raises :class:`Refused`, a ``ValueError``; ``kg`` turns it into
:class:`kg.errors.QueryRefusedError` where a caller sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = [
    "Refused",
    "check_query",
    "check_limits",
    "check_prepared",
    "query_tokens",
    "TOKENS",
    "MAX_LENGTH",
    "MAX_PATTERNS",
    "MAX_DEPTH",
    "MAX_TERM_DEPTH",
]


class Refused(ValueError):
    """A query holds a form that is never run, or is too large to parse safely; the message
    is one line."""


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
TOKENS = re.compile(
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
    return [m.group() for m in TOKENS.finditer(text) if m.lastgroup not in ("space", "comment")]


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
            raise Refused("the query is too intricate to check for SERVICE, FROM, LOAD")
        match = TOKENS.match(text, pos)
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
                raise Refused(f"the query nests brackets more than {MAX_DEPTH} levels deep")
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
    kg.guard.Refused: the query nests [ ], ( ) and << >> more than 32 levels deep...

    Raises:
        Refused: naming the limit and where the query passes it.
    """
    if len(text) > MAX_LENGTH:
        raise Refused(
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
    for match in TOKENS.finditer(text):
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
                raise Refused(
                    f"the query nests brackets more than {MAX_DEPTH} levels deep" + _near(text, at)
                )
            if terms > MAX_TERM_DEPTH:
                raise Refused(
                    f"the query nests [ ], ( ) and << >> more than {MAX_TERM_DEPTH} levels deep"
                    + _near(text, at)
                )
        if patterns > MAX_PATTERNS:
            raise Refused(
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
    kg.guard.Refused: SERVICE (a federated query) is refused: ...

    Raises:
        Refused: the query holds a refused form, or is too large.
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
                raise Refused(message)
    updates = [word for group, word in words if word in _UPDATE and group == "word"]
    if updates and not allow_update:
        raise Refused(
            f"{updates[0]} is an update and updates are refused: the graph is read-only"
            " (the CLI's --allow-update writes to a local store)"
        )
    return "update" if updates else "query"


def check_prepared(query: Any) -> None:
    """:func:`check_query` for a query rdflib has already parsed (``prepareQuery``).

    Raises:
        Refused: the query holds SERVICE or FROM / FROM NAMED.
    """
    from rdflib.plugins.sparql.parserutils import CompValue

    if getattr(query.algebra, "datasetClause", None):
        raise Refused(_OUTSIDE["FROM"])
    stack: list[Any] = [query.algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise Refused(_OUTSIDE["SERVICE"])
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
