"""Amounts of money in text: "RMB 1,599", "1699 RMB", "$16 bn", "RMB 3,499 yuan"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from kg.resources import read_json

__all__ = ["Money", "find_money"]


@dataclass(frozen=True)
class Money:
    """An amount found in a text: offsets, value (a plain decimal string) and ISO 4217 code."""

    start: int
    end: int
    value: str
    currency: str
    scaled: bool  # whether a scale word (million, bn ...) multiplied the number


@cache
def _lexicon() -> tuple[re.Pattern[str], dict[str, str], dict[str, str], dict[str, int]]:
    data = read_json("currencies.json")
    before, after, scales = data["before"], data["after"], data["scales"]

    def alternatives(words: dict[str, object]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    def amount(n: int) -> str:
        return (
            # Indian grouping first ("Rs 1,29,999"), then thousands ("1,299"), then digits
            rf"(?P<amt{n}>\d{{1,2}}(?:,\d{{2}})+,\d{{3}}(?!\d)|\d{{1,3}}(?:,\d{{3}})+|\d+)"
            rf"(?:\.(?P<dec{n}>\d+))?"
            rf"(?:\s?(?P<scale{n}>{alternatives(scales)})\b)?"
        )

    pattern = (
        rf"(?:(?<![A-Za-z])(?P<cur>{alternatives(before)})\s?{amount(1)}(?:\s(?:{alternatives(after)})\b)?"
        rf"|(?<![\d.,]){amount(2)}[\s-]?(?P<cur2>{alternatives(after)})\b)"
    )
    return re.compile(pattern), before, after, scales


def find_money(text: str) -> list[Money]:
    """Amounts of money in ``text``, left to right.

    >>> found = find_money("at RMB 1,599 and 1699 RMB, or $16 bn")
    >>> [(m.value, m.currency, m.scaled) for m in found]
    [('1599', 'CNY', False), ('1699', 'CNY', False), ('16000000000', 'USD', True)]
    >>> [(m.value, m.currency) for m in find_money("Rs 1,29,999 or Rs 43,574 crore")]
    [('129999', 'INR'), ('435740000000', 'INR')]
    """
    pattern, before, after, scales = _lexicon()
    found: list[Money] = []
    for match in pattern.finditer(text):
        groups = match.groupdict()
        currency = before.get(groups["cur"] or "") or after.get(groups["cur2"] or "", "")
        if not currency:
            continue
        n = 1 if groups["amt1"] else 2
        digits, decimals, scale = groups[f"amt{n}"], groups[f"dec{n}"], groups[f"scale{n}"]
        number = Decimal(digits.replace(",", "") + (f".{decimals}" if decimals else ""))
        if scale:
            number *= scales[scale]
        value = format(number.normalize(), "f") if number == number.to_integral() else str(number)
        found.append(Money(match.start(), match.end(), value, currency, bool(scale)))
    return found
