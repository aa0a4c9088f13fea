"""The cost of one request is bounded: the costliest bodies we can craft within each limit take under 0.5 s of CPU
and under 200 MB of peak memory to answer, in-process.

Each body is checked to be within the limits — no larger than its route's body limit, and holding no more JSON
values, nor objects and arrays, than the service reads (counted here by parsing it) — so that it reaches the
parser, the strict checks and the model or schema validation: the costly stages. Valid bodies are among them (a
batch of the largest cases that fit, an application of as many register payments as fit), because evaluating is
work too. The bodies the issue found costly (up to 39 s of CPU and 5 GB) are measured as well: they are now refused
before they are parsed.

CPU is the process's CPU time (every thread: the test client's and the service's); peak memory is the rise of the
process's peak resident set (VmHWM, reset before each request by writing 5 to /proc/self/clear_refs, after
malloc_trim has handed the memory the last request freed back to the system). The bounds leave room for a loaded
machine (the figures measured are printed with every run, and quoted in SECURITY.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import gc
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from pydantic import BaseModel

from api import digisos
from api.settings import Settings
from api.strict_json import MAX_CONTAINERS, MAX_DEPTH, MAX_VALUES
from engine.case.model import Case
from engine.case.rates import RateTable
from engine.law.rulebook import load_rulebook
from engine.verify.casegen import Context, _bound, _strip, model_data
from tests.conftest import ROOT, app_client, load_example
from tests.digisos_data import FIXTURES, load, minimal

MAX_CPU_SECONDS = 0.5
MAX_PEAK_MIB = 200
CASES, BATCH, SOKNAD = "/v1/evaluations", "/v1/evaluations/batch", digisos.PATH + "?decision_date=2024-01-01"
SIZE = {CASES: Settings.max_body_bytes, BATCH: Settings.max_body_bytes, SOKNAD: Settings.max_digisos_body_bytes}
KINDERGARTEN = load_example(ROOT / "examples" / "kindergarten-bill.json")["case"]
PAYMENT = load(FIXTURES / "soknad/okonomi/opplysninger/utbetaling/fullstendig-utbetaling.json")


def counted(text: str) -> tuple[int, int]:
    """(values, objects and arrays) in a JSON text, counted on the parsed document."""
    values = containers = 0
    stack = [json.loads(re.sub(r",\s*([}\]])", r"\1", text))]  # `before` + `after` may end their list with a comma
    while stack:
        value = stack.pop()
        values += 1
        if isinstance(value, dict | list):
            containers += 1
            stack += value.values() if isinstance(value, dict) else value
    return values, containers


def within_limits(path: str, body: bytes) -> bool:
    values, containers = counted(body.decode())
    return len(body) <= SIZE[path] and values <= MAX_VALUES and containers <= MAX_CONTAINERS


def _item_counted(item: str) -> tuple[int, int]:
    try:  # an object member ("k": 0) counts its value
        values, containers = counted("{" + item + "}")
        return values - 1, containers - 1
    except json.JSONDecodeError:  # an array item counts itself
        return counted(item)


def as_many_as_fit(path: str, before: str, item: str | Callable[[int], str], after: str) -> str:
    """`before` + items + `after`, with as many items as the body limit and the value and container limits allow.
    `item` is the text of each item, or makes the n-th (for keys, which must differ); `before` + `after` is JSON."""
    make = item if callable(item) else lambda _: item
    fixed_values, fixed_containers = counted(before + after)
    item_values, item_containers = _item_counted(make(0))
    count = (MAX_VALUES - fixed_values) // item_values
    if item_containers:
        count = min(count, (MAX_CONTAINERS - fixed_containers) // item_containers)
    items: list[str] = []
    length = len(before) + len(after)
    while len(items) < count and length + len(make(len(items))) + 1 <= SIZE[path]:
        items.append(make(len(items)))
        length += len(items[-1]) + 1
    return before + ",".join(items) + after


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


class Largest:
    """A casegen source that always takes the last option and the highest number: every field present."""

    def integer(self, low: int, high: int) -> int:
        return high

    def choice(self, options):
        return options[-1]


def largest_case() -> dict:
    """A valid case with every field set, every list at its model maximum and every text at its longest, and a
    rate table of as many categories and rows as the model takes."""
    data = _widen(model_data(Case, Largest(), Context(dt.date(2024, 6, 1), absent=0, rulebook=load_rulebook())), Case)
    # The listed needs fill the list, so the acute need must be one of them (else the model adds it, one too many).
    data["request"]["acute_need"] = True
    data["request"]["needs"][0].update(kind="immediate")
    return json.loads(json.dumps({**data, "rate_table": _largest_rate_table()}, default=str))


def _largest_rate_table() -> dict:
    fields = RateTable.model_fields
    categories = [f"category_{n}" for n in range(_bound(fields["categories"].metadata, "max_length", 0))]
    return {
        "id": "largest", "title": {"nb": "Største", "en": "Largest"}, "unit": "NOK per month",
        "categories": {name: {"nb": name, "en": name} for name in categories},
        "household": {"alone": categories[0], "partner": categories[1], "sharing_home": categories[2],
                      "children": [{"category": categories[3], "from_age": 0, "to_age": 17}]},
        "rows": [{"from": f"{1800 + n}-01-01", "source": "the largest table",
                  "rates": {name: 9999.99 for name in categories}}
                 for n in range(_bound(fields["rows"].metadata, "max_length", 0))],
    }


def _widen(data: dict, model: type[BaseModel]) -> dict:
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in data or name == "rate_table":
            continue
        annotation, _, metadata = _strip(field.annotation)
        metadata = list(field.metadata) + metadata
        if get_origin(annotation) is list and data[key]:
            longest = _bound(metadata, "max_length", 10)
            data[key] = (data[key] * longest)[:longest]
            (item,) = get_args(annotation)
            item, _, _ = _strip(item)
            if isinstance(item, type) and issubclass(item, BaseModel):
                data[key] = [_widen(dict(entry), item) for entry in data[key]]
                if "id" in item.model_fields:  # items named by an id must each have their own (needs)
                    width = _bound(item.model_fields["id"].metadata, "max_length", 10)
                    for number, entry in enumerate(data[key]):
                        entry["id"] = f"{number:0{width}d}"
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _widen(data[key], annotation)
        elif annotation is str and _bound(metadata, "pattern", None) is None:
            data[key] = "æ" * _bound(metadata, "max_length", 0)
    return data


def _soknad(where: tuple[str, ...]) -> tuple[str, str]:
    """A minimal application split around an empty list at `where`: (before, after)."""
    document = minimal()
    node = document
    for key in where[:-1]:
        node = node.setdefault(key, {})
    node[where[-1]] = ["@"]
    before, after = json.dumps(document).split('"@"')
    return before, after


INCOME, PAYMENTS = _soknad(("data", "okonomi", "oversikt", "inntekt")), _soknad(("data", "okonomi", "opplysninger",
                                                                                 "utbetaling"))
CASE_START = '{"decision_date": "2024-01-01", '


def _bodies() -> dict[str, tuple[str, Callable[[], str], int]]:
    """name: (path, body, expected status)."""
    wrong_payment = json.dumps({**PAYMENT, "utbetalingsdato": 17, "komponenter": [{"type": 1, "belop": "x"}] * 3})
    largest = json.dumps(largest_case())
    return {
        # cases and batches: within 1 MiB
        "arrays nested 32 deep, as many as fit": (CASES, lambda: as_many_as_fit(
            CASES, CASE_START + '"income": [', nested(MAX_DEPTH - 2), "]}"), 422),
        "objects nested 32 deep, as many as fit": (CASES, lambda: as_many_as_fit(
            CASES, CASE_START + '"income": [', '{"a":' * (MAX_DEPTH - 2) + "0" + "}" * (MAX_DEPTH - 2), "]}"), 422),
        "unknown fields, each an error": (CASES, lambda: as_many_as_fit(
            CASES, CASE_START, lambda n: f'"k{n}": 0', "}"), 422),
        "wrong values under a rate table's title": (CASES, lambda: as_many_as_fit(
            CASES, CASE_START + '"rate_table": {"title": {', lambda n: f'"t{n}": 0', "}}}"), 422),
        "numbers a double does not hold": (CASES, lambda: as_many_as_fit(
            CASES, CASE_START + '"income": [', "0.10000000000000000001", "]}"), 422),
        "long strings of escapes": (CASES, lambda: CASE_START + '"case_id": "' + "\\u00e6" * 174_000 + '"}', 422),
        "the largest valid case (a rate table of 200 rows of 40 rates)": (CASES, lambda: largest, 200),
        "a batch of the largest valid cases that fit": (BATCH, lambda: as_many_as_fit(BATCH, "[", largest, "]"), 200),
        "a batch of 100 scenarios": (BATCH, lambda: json.dumps([KINDERGARTEN] * 100), 200),
        "a batch of 100 cases of unknown fields": (BATCH, lambda: "[" + ",".join(
            ["{" + ",".join(f'"k{i}": 0' for i in range(MAX_VALUES // 100 - 2)) + "}"] * 100) + "]",
            200),
        # Digisos applications: within 256 KiB
        "an application of empty income items": (SOKNAD, lambda: as_many_as_fit(SOKNAD, INCOME[0], "{}", INCOME[1]),
                                                 422),
        "an application of full payments": (SOKNAD, lambda: as_many_as_fit(
            SOKNAD, PAYMENTS[0], json.dumps(PAYMENT), PAYMENTS[1]), 200),
        "an application of wrong payments": (SOKNAD, lambda: as_many_as_fit(
            SOKNAD, PAYMENTS[0], wrong_payment, PAYMENTS[1]), 422),
        "arrays nested 32 deep under an unknown property": (SOKNAD, lambda: as_many_as_fit(
            SOKNAD, json.dumps(minimal())[:-1] + ', "x": [', nested(MAX_DEPTH - 2), "]}"), 200),
        # The bodies issue 16 found: 39 s and 5 GB, 15-30 s and 1.5 GB, 1.5-2.9 s on the event loop.
        "1 MiB of empty income items (issue 16)": (SOKNAD, lambda: INCOME[0] + ",".join(["{}"] * 349_000)
                                                   + INCOME[1], 413),
        "317 KB of empty income items (issue 16)": (SOKNAD, lambda: INCOME[0] + ",".join(["{}"] * 105_000)
                                                    + INCOME[1], 413),
        "1 MiB of arrays nested 31 deep (issue 16)": (CASES, lambda: CASE_START + '"income": [' + ",".join(
            [nested(MAX_DEPTH - 1)] * 16_500) + "]}", 413),
    }


BODIES = _bodies()


_LIBC = ctypes.CDLL(ctypes.util.find_library("c"))


def _kib(field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M).group(1))


def _measure(client, path: str, body: bytes) -> tuple[Any, float, float]:
    """(response, CPU seconds, peak MiB above the resident set before the request)."""
    gc.collect()
    _LIBC.malloc_trim(0)  # memory the last request freed back to the system: this one's peak shows in full
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _kib("VmRSS")
    cpu = time.process_time()
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    cpu = time.process_time() - cpu
    return response, cpu, (_kib("VmHWM") - before) / 1024


@pytest.fixture(scope="module")
def measured(evaluator, report):
    figures: dict[str, tuple[int, int, float, float]] = {}
    with app_client(evaluator) as client:
        for path, body in ((CASES, KINDERGARTEN), (BATCH, [KINDERGARTEN]), (SOKNAD, minimal())):
            assert client.post(path, json=body).status_code == 200  # first requests: lazy imports, compiled schemas
        yield client, figures
    width = max(map(len, figures))
    report("\ncost of one request, in-process (CPU seconds, peak MiB above the resident set before it):\n" + "\n".join(
        f"  {name:<{width}}  {size:>9,} bytes  {status}  {cpu:5.3f} s  {peak:6.1f} MiB"
        for name, (size, status, cpu, peak) in figures.items()))


@pytest.mark.parametrize("name", list(BODIES))
def test_the_costliest_bodies_within_each_limit_are_answered_cheaply(measured, name):
    client, figures = measured
    path, make, status = BODIES[name]
    body = make().encode()
    if status != 413:  # within the limits: it reaches the costly stages
        assert within_limits(path, body), (name, len(body), counted(body.decode()))
    response, cpu, peak = _measure(client, path, body)
    figures[name] = (len(body), response.status_code, cpu, peak)
    assert response.status_code == status, response.text[:300]
    assert cpu < MAX_CPU_SECONDS, f"{name}: {cpu:.3f} s of CPU"
    assert peak < MAX_PEAK_MIB, f"{name}: {peak:.1f} MiB at peak"
