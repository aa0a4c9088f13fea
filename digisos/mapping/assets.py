"""Assets: savings and valuables (`data.okonomi.oversikt.formue`), with the applicant's yes/no answers on whether
the household has any (`bekreftelse` sparing, verdi).
"""

from __future__ import annotations

from typing import Any

from digisos import vocabulary as v
from digisos.answer import Document
from digisos.mapping.core import Mapper, dotted, get, indexed, kroner, unknown_note
from engine.case.model import Asset


def assets(m: Mapper) -> list[Asset] | None:
    field, base = "assets", "data.okonomi.oversikt.formue"
    assets: list[Asset] = []
    sources: list[str] = []
    documents: list[Document] = []
    unknown: list[str] = []
    codes: set[Any] = set()
    for index, item in indexed(get(m.data, "okonomi", "oversikt", "formue")):
        path, code = dotted(base, index), item.get("type")
        if not m.live(item, path):
            continue
        sources.append(path)
        codes.add(code)
        kind = v.ASSETS.get(code)
        if kind is None:
            m.unknown_code(path)
            kind = v.ASSETS["annet"]
        value = kroner(item.get("belop"))
        if value is None:
            unknown.append("an asset's value is not given")
            documents.append(v.ASSET_DOCUMENTS.get(code, v.BANK_STATEMENT))
        else:
            assets.append(Asset(kind=kind, value=value))
    for confirmation, group, document, what in (
            (v.CONFIRM_SAVINGS, v.SAVINGS_CODES, v.BANK_STATEMENT, "savings"),
            (v.CONFIRM_VALUABLES, v.VALUABLES_CODES, v.VALUABLES, "valuables")):
        answer, where = m.confirmation(confirmation)
        sources += where
        listed = bool(codes & group) or bool(codes - set(v.ASSETS))
        if answer is True and not listed:
            unknown.append(f"the applicant has {what} but lists none")
            documents.append(document)
        elif answer is None and not listed:
            unknown.append(f"not answered whether the household has {what} ({confirmation})")
            documents.append(document)
    if len(assets) > 100:
        unknown.append("more assets than the case model holds (100)")
    if unknown:
        return m.record(field, None, sources, unknown_note(unknown), documents)
    if not assets:
        return m.record(field, [], sources, "The applicant has no savings and no valuables.")
    return m.record(field, assets, sources,
                    f"{len(assets)} asset(s) with their values. Whether each is needed for daily living is "
                    "the caseworker's judgement (assets[].needed_for_daily_living): until it is recorded, "
                    "the household's means stay unknown.")
