"""Test helpers that need the engine's internals."""

from engine.compiler import CASE, OUTCOME, durable_rule, simplify
from engine.runtime import QuietHost

_host = QuietHost()
_sids = iter(range(10**9))


class ConditionProbe:
    """The two compiled forms of one condition as a durable-rules ruleset of their own."""

    def __init__(self, name, true_dnf, false_dnf):
        self.name = name
        self.fired = set()
        rules = {}
        for label, dnf in (("T", true_dnf), ("F", false_dnf)):
            for index, conjunction in enumerate(simplify(dnf)):
                rules[f"{label}{index}"] = durable_rule(conjunction, self._recorder(label))
        for kind in (CASE, OUTCOME):  # as in the runtime: an unhandled fact crashes delete_state
            rules[f"sink-{kind}"] = {"all": [{"m": {"t": kind}}], "run": lambda c: None}
        _host.set_rulesets({name: rules})

    def _recorder(self, label):
        def act(_closure):
            self.fired.add(label)
        return act

    def run(self, facts, outcomes):
        """Which forms matched: (true form, false form)."""
        self.fired = set()
        sid = str(next(_sids))
        given = [{"sid": sid, "t": OUTCOME, "q": q, "o": o, "r": "given"} for q, o in outcomes.items()]
        try:
            for message in given + [{"sid": sid, "t": CASE, **facts}]:
                _host.assert_fact(self.name, message)
        finally:
            _host.delete_state(self.name, sid)
        return "T" in self.fired, "F" in self.fired
