"""Test helpers that need the engine's internals."""

from engine.run.compiler import CASE, OUTCOME, durable_rule
from engine.run.runtime import Action, Firing, Record, register, run_session


class ConditionProbe:
    """The two compiled forms of one condition as a durable-rules ruleset of their own."""

    def __init__(self, name, true_dnf, false_dnf):
        rules = {}
        for label, firing, dnf in (("T", Firing.concludes, true_dnf), ("F", Firing.ruled_out, false_dnf)):
            for index, conjunction in enumerate(dnf):
                rules[f"{label}{index}"] = (durable_rule(conjunction), Action(Record(label, firing)))
        self.ruleset = register(name, rules)

    def run(self, facts, outcomes):
        """Which forms matched: (true form, false form)."""
        given = [{"t": OUTCOME, "q": q, "o": o, "r": "given"} for q, o in outcomes.items()]
        fired = {record.item_id for record in run_session(self.ruleset, given + [{"t": CASE, **facts}])}
        return "T" in fired, "F" in fired
