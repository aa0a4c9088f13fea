"""The compiled evaluator (engine/run/compiled.py): the same firings as durable-rules on every example and provision
case, the same answer where the answer does not show the order of the firings, and its place on the command line
and in the service's settings. (On generated cases: tests/test_properties.py.)"""

from __future__ import annotations

import ast
import json

import pytest

from api.settings import EngineSettings
from cli.main import main
from engine.case.facts import observe
from engine.case.model import Case
from engine.evaluate import Evaluator
from engine.run.compiled import CompiledEngine
from engine.run.runtime import DurableEngine
from engine.verify.check import sessions
from tests.conftest import EXAMPLES, essence, load_example
from tests.test_provision_cases import _cases

CASES = [(path.stem, load_example(path)["case"]) for path in EXAMPLES] + [
    (f"{provision}: {name}", entry["case"]) for provision, name, entry in _cases()]


@pytest.fixture(scope="module")
def engines(evaluator):
    """durable-rules and the compiled evaluator, each recording every firing (the rules' F forms too) and only those
    that decide the answer (the engines' default)."""
    return [(DurableEngine(ruled_out=True), CompiledEngine(ruled_out=True)), (evaluator.engine, CompiledEngine())]


@pytest.mark.parametrize("name, body", CASES, ids=[name for name, _ in CASES])
def test_every_session_of_every_example_and_provision_case_fires_alike(evaluator, engines, name, body):
    case = Case.model_validate(body)
    ruleset = evaluator.rulebook.ruleset_on(case.decision_date)
    observations = observe(case, case.rate_table or evaluator.rates)
    for durable, compiled in engines:
        for facts, _ in sessions(observations):
            fired, generated = durable.run(ruleset, facts), compiled.run(ruleset, facts)
            assert len(set(generated)) == len(generated), "a firing recorded twice"
            assert set(fired) == set(generated)
        records = durable.run(ruleset, observations.values)
        for need_facts in observations.needs.values():  # a need's session as the evaluator runs it
            fired = durable.run_need(ruleset, observations.values, records, need_facts)
            assert len(set(fired)) == len(fired), "a firing recorded twice"
            assert set(fired) == set(compiled.run(ruleset, observations.values | need_facts))


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_the_answer_is_the_same_but_for_the_order_of_the_trace(evaluator, path):
    case = Case.model_validate(load_example(path)["case"])
    compiled = Evaluator(rulebook=evaluator.rulebook, engine=CompiledEngine(), rates=evaluator.rates)
    durable, generated = essence(evaluator.evaluate(case)), essence(compiled.evaluate(case))
    for answer in (durable, generated):
        answer["trace"] = sorted((e["id"], e["firing"], json.dumps(e["facts"])) for e in answer["trace"])
    assert generated == durable


def test_the_generated_source_holds_only_the_rule_files_constants(evaluator):
    """Parsed back, the source calls nothing but the set's own methods and one builtin, and its constants are the
    codes, flags and integers of the rule files' conditions (and None, an unknown fact)."""
    ruleset = evaluator.rulebook.ruleset_on(max(p.valid.valid_from for p in evaluator.rulebook.provisions))
    tree = ast.parse(CompiledEngine(ruled_out=True).prepare(ruleset).source)
    called = {node.func.id if isinstance(node.func, ast.Name) else node.func.attr
              for node in ast.walk(tree) if isinstance(node, ast.Call)}
    assert called <= {"record", "get", "add", "set"}
    assert all(type(node.value) in (str, int, bool, type(None)) for node in ast.walk(tree)
               if isinstance(node, ast.Constant))
    assert not any(isinstance(node, ast.Import | ast.ImportFrom | ast.Lambda) for node in ast.walk(tree))


def test_the_engine_is_a_setting_and_a_flag(tmp_path, capsys):
    assert EngineSettings.from_env({}).engine == "durable"
    assert isinstance(EngineSettings.from_env({"REGELMOTOR_ENGINE": "compiled"}).evaluator().engine, CompiledEngine)
    with pytest.raises(ValueError, match="REGELMOTOR_ENGINE must be one of durable, compiled"):
        EngineSettings.from_env({"REGELMOTOR_ENGINE": "oracle"})
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(load_example(path)["case"]) for path in EXAMPLES) + "\n")
    outputs = {}
    for engine in ("durable", "compiled"):
        assert main(["evaluate", "--engine", engine, str(cases)]) == 0
        outputs[engine] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(outputs["compiled"]) == len(EXAMPLES)
    assert [[(d["question"], d["outcome"]) for d in answer["decisions"]] for answer in outputs["compiled"]] == \
        [[(d["question"], d["outcome"]) for d in answer["decisions"]] for answer in outputs["durable"]]
