"""Reading the YAML files the engine is built from: the rule files, the rate tables and the glossary.

With libyaml's safe loader where PyYAML was built with it (the wheels are): the pure-Python loader took about
two thirds of a worker's start-up parsing the rule files. Both load the same safe subset of YAML.
"""

from __future__ import annotations

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def load_yaml(text: str | bytes) -> object:
    """The data of a YAML document; raises `YAMLError` when it is not valid YAML."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 — a safe loader (CSafeLoader or SafeLoader)
