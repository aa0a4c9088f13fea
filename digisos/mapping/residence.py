"""Lawful residence, as far as citizenship settles it (`data.personalia.statsborgerskap`, `nordiskBorger`): a Nordic
citizen needs no residence permit; for anyone else the permit is the document that settles it.
"""

from __future__ import annotations

from digisos import vocabulary as v
from digisos.mapping.core import Mapper, get, outdated


def lawful_residence(m: Mapper) -> bool | None:
    field = "residence.lawful_residence"
    citizenship = get(m.data, "personalia", "statsborgerskap")
    nordic = get(m.data, "personalia", "nordiskBorger")
    country = citizenship.get("verdi") if isinstance(citizenship, dict) and not outdated(citizenship) else None
    flag = nordic.get("verdi") if isinstance(nordic, dict) and not outdated(nordic) else None
    sources = (["data.personalia.statsborgerskap"] if country is not None else []) + (
        ["data.personalia.nordiskBorger"] if flag is not None else [])
    if country == "NOR":
        return m.record(field, True, sources, "A Norwegian citizen (a hint from statsborgerskap).")
    if country in v.NORDIC or flag is True:
        return m.record(field, True, sources, "A citizen of a Nordic country, who needs no residence permit "
                                              "(a hint from statsborgerskap or nordiskBorger; NAV asks no "
                                              "residence permit of Nordic citizens).")
    note = ("Not a Nordic citizen: the residence permit settles it." if country is not None or flag is False
            else "Citizenship is not given.")
    return m.record(field, None, sources, note, [v.RESIDENCE_PERMIT])
