"""Assets: savings and valuables (`data.okonomi.oversikt.formue`), with the applicant's yes/no answers on whether
the household has any (`bekreftelse` sparing, verdi).

Every item listed is counted with its value; an item listed without one is an asset of unknown value. "Owns
something of value: yes" with no valuable listed is one valuable of unknown value (its kind not given: the case
records it as `other`, which the law weighs as it weighs a home or a vehicle). "Has savings: yes" with none listed
leaves the assets unknown: whether those savings are bank deposits, which count as means, or shares, which do not,
is not given.
"""

from __future__ import annotations

from typing import Any

from digisos import vocabulary as v
from digisos.mapping.core import ListReading, Mapper, dotted, get, indexed, kroner
from engine.case.model import Asset, AssetKind


def assets(m: Mapper) -> list[Asset] | None:
    base = "data.okonomi.oversikt.formue"
    r = ListReading()
    codes: set[Any] = set()
    for index, item in indexed(get(m.data, "okonomi", "oversikt", "formue")):
        path, code = dotted(base, index), item.get("type")
        if not m.live(item, path):
            continue
        codes.add(code)
        kind = v.ASSETS.get(code)
        if kind is None:
            m.unknown_code(path)
            kind = v.ASSETS["annet"]
        r.take(path, Asset(kind=kind), "value", kroner(item.get("belop")), "an asset listed without its value",
               v.ASSET_DOCUMENTS.get(code, v.BANK_STATEMENT))
    listed_other = bool(codes - set(v.ASSETS))  # an unknown code may be either
    for confirmation, group, document, what in (
            (v.CONFIRM_SAVINGS, v.SAVINGS_CODES, v.BANK_STATEMENT, "savings"),
            (v.CONFIRM_VALUABLES, v.VALUABLES_CODES, v.VALUABLES, "valuables")):
        answer, where = m.confirmation(confirmation)
        r.sources += where
        if codes & group or listed_other:
            continue
        if answer is None:
            r.unknown.append(f"not answered whether the household has {what} ({confirmation})")
            r.documents.append(document)
        elif answer and group is v.VALUABLES_CODES:
            r.add_open(None, Asset(kind=AssetKind.other),
                       "the applicant owns something of value and lists none (nor its kind)", document)
        elif answer:
            r.unknown.append(f"the applicant has {what} but lists none")
            r.documents.append(document)
    if not r.items and not r.unknown:
        return m.record("assets", [], r.sources, "The applicant has no savings and no valuables.")
    return r.record(m, "assets", f"{len(r.items)} asset(s) listed. Whether a bank deposit is needed for daily "
                                 "living is the caseworker's judgement (assets[].needed_for_daily_living): until it "
                                 "is recorded, the household's means stay unknown; other assets are weighed, not "
                                 "counted.", "assets")
