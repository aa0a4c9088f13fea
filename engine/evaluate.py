"""case → facts → the rule set in force → the engine's firings → Evaluation: the `Evaluator` ties the stages up."""

from __future__ import annotations

import datetime as dt
import functools

from engine.answer.build import AnswerBuilder, AnswerCatalogue
from engine.answer.models import Evaluation, LeanEvaluation
from engine.case.facts import observe
from engine.case.model import Case
from engine.case.rates import RateTable
from engine.law.rulebook import Rulebook, RuleSet, load_rulebook
from engine.run.compiled import CompiledEngine
from engine.run.runtime import DurableEngine

DEFAULT_HORIZON_DAYS = 366
# The engines an Evaluator can run, by the name the service's setting and the command line use: durable-rules (the
# service's engine, the default), or the same firings from one generated Python function per rule set (bulk runs),
# which records the rules ruled out too: a few µs more, and the missing facts need no second run.
ENGINES = {"durable": DurableEngine, "compiled": functools.partial(CompiledEngine, ruled_out=True)}


class LawNotEncoded(ValueError):
    """No encoded provision is in force on the decision date. The message is English; `nb` says it in bokmål."""

    def __init__(self, message: str, nb: str) -> None:
        super().__init__(message)
        self.nb = nb


class Evaluator:
    """Evaluates cases against one rule book. `rates` replaces the rule book's national rate table (a
    municipality's own); a case may still bring its own. A decision date more than `horizon_days` ahead is refused."""

    def __init__(self, rulebook: Rulebook | None = None, engine: DurableEngine | CompiledEngine | None = None,
                 rates: RateTable | None = None, horizon_days: int = DEFAULT_HORIZON_DAYS) -> None:
        self.rulebook = rulebook or load_rulebook()
        self.engine = engine or DurableEngine()
        self.rates = rates or self.rulebook.rates
        self.horizon_days = horizon_days
        starts = [p.valid.valid_from for p in self.rulebook.provisions if p.spec.question]
        self.earliest = min(starts)
        self.catalogue = AnswerCatalogue(self.rulebook)
        self._rulesets: dict[dt.date, RuleSet] = {}  # by decision date: at most one entry per day of encoded law

    def check_date(self, day: dt.date) -> None:
        """Refuse a decision date no encoded law covers, or one too far in the future to be a real decision."""
        latest = dt.date.today() + dt.timedelta(days=self.horizon_days)
        if day < self.earliest:
            raise LawNotEncoded(f"decision_date {day.isoformat()} is before {self.earliest.isoformat()}, the "
                                "earliest date the encoded law covers",
                                f"Vedtaksdatoen {day.isoformat()} er før {self.earliest.isoformat()}, den tidligste "
                                "datoen regelverket dekker.")
        if day > latest:
            raise LawNotEncoded(f"decision_date {day.isoformat()} is more than {self.horizon_days} days in the "
                                "future", f"Vedtaksdatoen {day.isoformat()} er mer enn {self.horizon_days} dager "
                                          "fram i tid.")

    def warm_up(self) -> None:
        """Compile every rule set that some day can select, and build the parts of the answer that depend on it
        alone, so no request pays for them."""
        starts = sorted({p.valid.valid_from for p in self.rulebook.provisions})
        for day in starts:
            ruleset = self.rulebook.ruleset_on(day)
            self.engine.prepare(ruleset)
            self.catalogue.prepare(ruleset)

    def ruleset_on(self, day: dt.date) -> RuleSet:
        """The rule set in force on a decision date (checked as `check_date` does)."""
        self.check_date(day)
        ruleset = self._rulesets.get(day)
        if ruleset is None:
            ruleset = self._rulesets[day] = self.rulebook.ruleset_on(day)
        if not ruleset.questions:
            raise LawNotEncoded(f"no encoded provision is in force on {day.isoformat()}",
                                f"Ingen paragraf i regelverket gjelder {day.isoformat()}.")
        return ruleset

    def evaluate(self, case: Case) -> Evaluation:
        """The full answer (`?view=full`)."""
        return self._builder(case, lean=False).build()

    def evaluate_lean(self, case: Case) -> LeanEvaluation:
        """The lean answer, the default: what is particular to the case (engine/answer/models.py)."""
        return self._builder(case, lean=True).build_lean()

    def _builder(self, case: Case, lean: bool) -> AnswerBuilder:
        ruleset = self.ruleset_on(case.decision_date)
        observations = observe(case, case.rate_table or self.rates)
        records = self.engine.run(ruleset, observations.values)
        # Each need is answered in a session of its own, on the case's facts and that need's only: so one need's
        # answer cannot depend on another need.
        need_records = {need_id: self.engine.run_need(ruleset, observations.values, records, facts)
                        for need_id, facts in observations.needs.items()}
        return AnswerBuilder(self.catalogue, ruleset, case, observations, records,
                             self.engine.records_ruled_out, need_records, lean=lean)
