"""Register look-ups that failed when the application was made (`driftsinformasjon`).

NAV's form fetches wages, NAV benefits and housing allowance from registers; when a look-up fails the form says
so instead, and what it would have fetched is missing from the application. The report lists each failure, and
the income is unknown until the office has the data (income.py asks `lookup_failed`).
"""

from __future__ import annotations

from digisos.answer import LookupFailed
from digisos.mapping.core import Mapper

# (driftsinformasjon flag, the register, what its failure leaves unknown)
FAILED = [
    ("inntektFraSkatteetatenFeilet", "Skatteetaten (taxable income, a-ordningen)",
     "Wages are read from the applicant's own answers only; where the application shows work but no "
     "wages, income is unknown."),
    ("utbetalingerFraNavFeilet", "NAV (payments of NAV benefits)",
     "Benefits paid by NAV may be missing from the application: income is unknown until the office has "
     "looked them up."),
    ("stotteFraHusbankenFeilet", "Husbanken (housing allowance)",
     "Housing allowance may be missing from the application: income is unknown until it is documented."),
]


def record_failed_lookups(m: Mapper) -> None:
    info = m.doc.get("driftsinformasjon")
    if not isinstance(info, dict):  # the older layout's driftsinformasjon is free text: nothing to read
        return
    for flag, register, consequence in FAILED:
        if info.get(flag) is True:
            m.lookups.append(LookupFailed(register_name=register, soknad_field=f"driftsinformasjon.{flag}",
                                          consequence=consequence))


def lookup_failed(m: Mapper, flag: str) -> bool:
    return any(lookup.soknad_field == f"driftsinformasjon.{flag}" for lookup in m.lookups)
