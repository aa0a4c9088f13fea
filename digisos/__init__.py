"""Digisos: NAV's digital application for financial assistance (JsonSoknad) in, the engine's Evaluation out,
with candidate events in the format case-management systems publish (JsonDigisosSoker).

    schemas/     NAV's JSON Schemas, vendored (SOURCE.md names the commit; MIT licence)
    schema.py    validation of an application, and of every event, against them
    vocabulary.py  the format's type codes and document kinds, and what they mean in the case model
    mapping/     JsonSoknad → Case, with the mapping report: one module for each part of the application
                 (household, income, assets, expenses, residence, request, participation …)
    events.py    Evaluation → candidate Digisos events
    answer.py    the answer's models
    service.py   the whole flow, for the command line and the HTTP route
"""
