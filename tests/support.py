"""Test helpers that need the engine's internals."""

from engine.run.compiler import CASE, OUTCOME, durable_rules
from engine.run.runtime import Action, Firing, Record, fact_json, register, run_session


class ConditionProbe:
    """The two compiled forms of one condition as a durable-rules ruleset of their own."""

    def __init__(self, name, true_dnf, false_dnf):
        rules = {}
        for label, firing, dnf in (("T", Firing.concludes, true_dnf), ("F", Firing.ruled_out, false_dnf)):
            for index, rule in enumerate(durable_rules(dnf)):
                rules[f"{label}{index}"] = (rule, Action(Record(label, firing)))
        self.ruleset = register(name, rules)

    def run(self, facts, outcomes):
        """Which forms matched: (true form, false form)."""
        given = [fact_json({"t": OUTCOME, "q": q, "o": o, "r": "given"}) for q, o in outcomes.items()]
        fired = {record.item_id for record in run_session(self.ruleset, given + [fact_json({"t": CASE, **facts})])}
        return "T" in fired, "F" in fired
