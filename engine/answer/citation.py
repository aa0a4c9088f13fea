"""Citations: a rule's or duty's legal basis as a lawyer writes it ("sosialtjenesteloven (1991) § 5-1 første ledd
første punktum"), with the act's Lovdata address. One function, used by the answer and the catalogue alike."""

from __future__ import annotations

from engine.answer.models import LegalBasis
from engine.law.rulebook import Rulebook
from engine.law.schema import Basis


def legal_basis(rulebook: Rulebook, basis: Basis, own_act: str) -> LegalBasis:
    """A rule's or duty's basis as the answer and the catalogue show it, with the citation a lawyer writes."""
    act = rulebook.acts[basis.act or own_act]
    parts = [f"{act.short_name} ({act.version}) § {basis.section}"]
    if basis.ledd:
        parts.append(f"{_ordinal(basis.ledd)} ledd")
    if basis.punktum:
        parts.append(f"{_ordinal(basis.punktum)} punktum")
    if basis.bokstav:
        parts.append(f"bokstav {basis.bokstav}")
    return LegalBasis(act=act.id, short_name=act.short_name, section=basis.section, ledd=basis.ledd,
                      punktum=basis.punktum, bokstav=basis.bokstav, citation=" ".join(parts), url=act.url)


def _ordinal(number: int) -> str:
    ordinals = ["første", "andre", "tredje", "fjerde", "femte", "sjette", "sjuende", "åttende", "niende", "tiende"]
    return ordinals[number - 1] if number <= len(ordinals) else f"{number}."
