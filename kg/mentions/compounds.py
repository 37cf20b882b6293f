"""Compound names: an organization and a place that name one organization ("Acme India")."""

from __future__ import annotations

import dataclasses
import re

from kg.mentions.names import normalize_name
from kg.mentions.places import countries, place
from kg.mentions.words import cues
from kg.records import Document, Mention

__all__ = ["join_subsidiaries"]


def join_subsidiaries(document: Document, mentions: list[Mention]) -> list[Mention]:
    """An organization name right before a country or region names its local arm.

    "Acme India shipped 9 million units": one Organization "Acme India" (kind
    ``subsidiary``), instead of Acme followed by India.
    """
    places = countries()
    ordered = sorted(mentions, key=lambda m: (m.start, -m.end))
    out: list[Mention] = []
    i = 0
    while i < len(ordered):
        org = ordered[i]
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        if (
            nxt is not None
            and org.type == "Market"
            and nxt.type == "Organization"
            and nxt.start == org.end + 1
            and nxt.text.split()[-1] in cues()["org_heads"]
        ):  # "the Ruritania Quality Committee": a national body, one organization
            start, end = org.start, nxt.end
            out.append(
                dataclasses.replace(
                    nxt, start=start, end=end, text=document.text[start:end], canonical=""
                )
            )
            i += 2
            continue
        if (
            nxt is not None
            and org.type == "Organization"
            and nxt.type == "Market"
            and nxt.start == org.end + 1
            and document.text[org.end] == " "
            and (nxt.kind in ("country", "region") or nxt.text in places or place(nxt.text))
            and not org.heading
        ):
            start, end = org.start, nxt.end
            out.append(
                Mention(
                    doc_id=org.doc_id,
                    start=start,
                    end=end,
                    text=document.text[start:end],
                    type="Organization",
                    source="rule",
                    sentence=org.sentence,
                    kind="subsidiary",
                    canonical=f"{org.canonical or normalize_name(org.text)} "
                    f"{nxt.canonical or normalize_name(nxt.text)}",
                    heading=org.heading,
                )
            )
            i += 2
            continue
        arm = re.match(
            r" (Global|International|Worldwide)\b", document.text[org.end : org.end + 15]
        )
        if org.type == "Organization" and arm and not org.heading and org.source != "rule":
            end = org.end + arm.end()
            name = f"{org.canonical or normalize_name(org.text)} {arm.group(1)}"
            out.append(
                dataclasses.replace(
                    org,
                    end=end,
                    text=document.text[org.start : end],
                    source="rule",
                    kind="subsidiary",
                    canonical=name,
                )
            )
            i += 1
            continue
        out.append(org)
        i += 1
    return out
