"""Firings → Evaluation: the answer, built from what the engine recorded. It decides nothing legal.

The outcome of a question is the conclusion of the rule that fired for it, or `undetermined` when none did. A duty
is `not_applicable` when its condition is definitely false; otherwise `fulfilled` when what fulfils it is on record
(an activity condition that was set fulfils § 20 a even while it is unknown whether weighty reasons would have
excused it); and `open` otherwise — including while it is unknown whether it applies, because an open duty is the
safe reading of an incomplete record.

What depends on the rule book only (citations, provision blocks, duty texts, considerations) is built once in the
`AnswerCatalogue` and shared by every answer (the answer models are immutable).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any, NamedTuple

from engine import ENGINE_VERSION
from engine.answer.amount import breakdown
from engine.answer.citation import legal_basis
from engine.answer.missing import Missing
from engine.answer.models import (
    Bilingual,
    ConsiderationOut,
    DutyOptionOut,
    DutyOut,
    DutyStatus,
    Evaluation,
    Law,
    LeanDuty,
    LeanEvaluation,
    LeanReceipt,
    LegalBasis,
    OpenBecause,
    Provision,
    Receipt,
    ScopeOut,
)
from engine.case.facts import VOCABULARY, FactKind, Observations, lower, upper
from engine.case.glossary import glossary
from engine.case.model import Case
from engine.case.types import kroner_range, kroner_text, to_kroner
from engine.law.expressions import NEED_SUFFIX, questions_in, truth
from engine.law.rulebook import UNDETERMINED, Amount, Duty, Joint, Rule, Rulebook, RuleSet, Weighing
from engine.law.rulebook import Provision as ProvisionFile
from engine.law.schema import Basis
from engine.run.runtime import Firing, Record

_CACHE_LIMIT = 50_000  # answer parts kept per catalogue (each a few hundred bytes), so memory stays bounded


class ConflictError(RuntimeError):
    """Two rules concluded different outcomes for one question: a defect in the rule files."""


NOT_APPLICABLE = Bilingual(nb="Plikten gjelder ikke i denne saken.", en="The duty does not arise in this case.")
FULFILLED = Bilingual(nb="Saken viser det som oppfyller plikten.", en="The record shows what fulfils the duty.")
APPLIES_OPEN = Bilingual(nb="Plikten gjelder, og saken viser ennå ikke at den er oppfylt.",
                         en="The duty applies and the record does not yet show it fulfilled.")


# The firings as plain strings (a StrEnum member hashes in Python code; a str in C).
_CONCLUDES, _JOINTLY, _APPLIES, _NOT_APPLICABLE, _FULFILLED, _CONSIDERATION = (str(firing) for firing in (
    Firing.concludes, Firing.concludes_jointly, Firing.duty_applies, Firing.duty_not_applicable, Firing.duty_fulfilled,
    Firing.consideration_applies))
# Why a duty has its status, as the answer's parts for duties are cached by it: the firing that closed it
# (`_NOT_APPLICABLE`, `_FULFILLED`); open, `_BLOCKED` (the duty it waits for is open) or `_APPLIES`; or open as it may
# apply, (the fields the case does not give that would tell, whether they are named with their need's place in the
# list). Plain strings and tuples, cheap to hash; each stands for exactly one status and reason.
DutyReason = str | tuple[tuple[str, ...], bool]
_OPEN, _BLOCKED = "open", "blocked"


class RuleParts(NamedTuple):
    """What a rule's reason shows that depends on the rule book alone."""

    rule: Rule
    concludes: tuple[str, str]  # its firing when it concludes
    basis: LegalBasis


class Weighed(NamedTuple):
    """A consideration the facts may call for, as a decision shows it."""

    firing: tuple[str, str]  # the firing that calls for it: (its id, consideration_applies)
    shown: ConsiderationOut

    @property
    def id(self) -> str:
        return self.firing[0]


class QuestionParts(NamedTuple):
    """What a decision on one question of a rule set shows that depends on the rule set alone."""

    rules: tuple[RuleParts, ...]  # the rules that answer it
    shown_as: str  # the question as the answer names it: a need's without its suffix
    provision: Provision
    discretion: list[ConsiderationOut]  # what a discretionary outcome asks the caseworker to weigh
    discretion_ids: list[str]  # the same, by id (the lean answer's `consideration_ids`)
    weighings: tuple[Weighed, ...]  # what the facts may call for
    amount: Amount | None  # the guideline calculation (a case's question only), and its basis
    amount_basis: LegalBasis | None


class AnswerCatalogue:
    """The parts of an answer that depend on the rule book only: built once per rule, shared by every answer
    (the answer models are immutable)."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self.rule_files = dict(sorted(rulebook.file_digests.items()))
        self._bases: dict[tuple, LegalBasis] = {}
        self._provisions: dict[str, Provision] = {}
        self._duties: dict[str, tuple[Bilingual, Bilingual]] = {}
        self._considerations: dict[str, list[ConsiderationOut]] = {}
        self._weighings: dict[str, ConsiderationOut] = {}
        self._premises: dict[str, frozenset[str]] = {}
        self._duty_answers: dict[tuple, DutyOut] = {}
        self._lean_duties: dict[tuple, LeanDuty] = {}
        self._trace_steps: dict[int, tuple[Record, tuple[str, tuple[str, ...]] | None]] = {}
        self._laws: dict[str, Law] = {}
        self._conclusions: dict[str, dict[tuple[str, str], tuple[str, str]]] = {}
        self._items: dict[str, dict[str, Rule | Joint | Duty]] = {}
        self._questions: dict[str, dict[str, QuestionParts]] = {}

    def prepare(self, ruleset: RuleSet) -> None:
        """Build every part of an answer that depends on the rule set alone now, when it is loaded, rather than on
        the first answer that needs it."""
        # `questions` makes the rules' bases, the provisions, their considerations and the weighings of every question
        self.law(ruleset), self.items(ruleset), self.conclusions(ruleset), self.questions(ruleset)
        for duty in ruleset.duties:
            self.basis(duty.spec.basis, duty.provision.act.id), self.duty_texts(duty), self.premises(duty)

    def basis(self, basis: Basis, own_act: str) -> LegalBasis:
        key = (basis.act or own_act, basis.section, basis.ledd, basis.punktum, basis.bokstav)
        if key not in self._bases:
            self._bases[key] = legal_basis(self.rulebook, basis, own_act)
        return self._bases[key]

    def provision(self, provision: ProvisionFile) -> Provision:
        if provision.path not in self._provisions:
            spec, act = provision.spec, provision.act
            self._provisions[provision.path] = Provision(
                act=act.id, short_name=act.short_name, section=spec.section, title=spec.title.nb, url=act.url,
                valid_from=spec.valid.valid_from, valid_to=spec.valid.valid_to)
        return self._provisions[provision.path]

    def considerations(self, provision: ProvisionFile) -> list[ConsiderationOut]:
        """What a discretionary outcome asks the caseworker to weigh: the provision's considerations without `when`."""
        if provision.path not in self._considerations:
            self._considerations[provision.path] = [
                ConsiderationOut(id=c.id, nb=c.nb, en=c.en, source=c.source)
                for c in provision.contents.considerations if c.when is None]
        return self._considerations[provision.path]

    def weighing(self, weighing: Weighing) -> ConsiderationOut:
        """A consideration the facts call for."""
        if weighing.id not in self._weighings:
            spec = weighing.spec
            self._weighings[weighing.id] = ConsiderationOut(id=spec.id, nb=spec.nb, en=spec.en, source=spec.source)
        return self._weighings[weighing.id]

    def premises(self, duty: Duty) -> frozenset[str]:
        """The questions whose outcome a duty's `applies_when` asks about."""
        if duty.id not in self._premises:
            self._premises[duty.id] = frozenset(questions_in(duty.applies))
        return self._premises[duty.id]

    def duty_answer(self, duty: Duty, why: DutyReason, options: tuple[bool, ...]) -> DutyOut:
        """A duty's part of the answer, which depends on the duty, why it has its status and which options of a
        choice are fulfilled only: built once, shared by every answer that has it."""
        cache_key = (duty.id, why, options)
        answer = self._duty_answers.get(cache_key)
        if answer is None:
            text, fulfil_by = self.duty_texts(duty)
            status, reason = self._status_reason(duty, why)
            answer = DutyOut(id=duty.id, provision=self.basis(duty.spec.basis, duty.provision.act.id),
                             source=duty.spec.source, status=status, duty=text, reason=reason, fulfil_by=fulfil_by,
                             options=[DutyOptionOut(id=option.spec.id, fulfil_by=Bilingual(
                                 nb=option.spec.fulfil_by.nb, en=option.spec.fulfil_by.en), fulfilled=fulfilled)
                                 for option, fulfilled in zip(duty.options, options, strict=True)])
            if len(self._duty_answers) < _CACHE_LIMIT:
                self._duty_answers[cache_key] = answer
        return answer

    def lean_duty(self, duty: Duty, why: DutyReason) -> LeanDuty:
        """An open duty's part of the lean answer, which depends on the duty and why it is open only (shared like
        `duty_answer`): why, by name, where the full answer's `reason` says it in words."""
        cache_key = (duty.id, why)
        lean = self._lean_duties.get(cache_key)
        if lean is None:
            if why == _BLOCKED:
                because = dict(open_because=OpenBecause.blocked, waits_for=duty.after)
            elif why == _APPLIES:
                because = dict(open_because=OpenBecause.applies)
            else:  # it may apply: (the fields that would tell, numbered); the lean answer lists open duties only
                because = dict(open_because=OpenBecause.may_apply, missing_facts=list(why[0]))
            lean = LeanDuty(id=duty.id, status=DutyStatus.open, **because)
            if len(self._lean_duties) < _CACHE_LIMIT:
                self._lean_duties[cache_key] = lean
        return lean

    def _status_reason(self, duty: Duty, why: DutyReason) -> tuple[DutyStatus, Bilingual]:
        """The status and the reason `why` stands for (`AnswerBuilder._why`)."""
        if why == _NOT_APPLICABLE:
            return DutyStatus.not_applicable, NOT_APPLICABLE
        if why == _FULFILLED:
            return DutyStatus.fulfilled, FULFILLED
        if why == _BLOCKED:
            return DutyStatus.open, self.blocked(duty)
        if why == _APPLIES:
            return DutyStatus.open, APPLIES_OPEN
        return DutyStatus.open, _may_apply(*why)

    def blocked(self, duty: Duty) -> Bilingual:
        """Why a duty cannot be fulfilled yet: the duty it waits for (`after`) is open."""
        first, _ = self.duty_texts(self.rulebook.duties[duty.after])
        return Bilingual(nb=f"Plikten kan ikke oppfylles før dette er gjort: {first.nb}",
                         en=f"The duty cannot be fulfilled before this is done: {first.en}")

    def trace_step(self, ruleset: RuleSet, record: Record) -> tuple[str, tuple[str, ...]] | None:
        """What the trace shows of a firing: its name, and the facts it looked at in the order shown; None for a
        firing the trace leaves out. Kept by the record object (an engine makes each record once per rule set, and
        the identity check guards against a reused id): a joint conclusion of one provision reads the rules of the
        questions it asks about, which differ between the rule sets it is in."""
        cached = self._trace_steps.get(id(record))
        if cached is not None and cached[0] is record:
            return cached[1]
        firing = record.firing
        step = None
        if firing not in (Firing.ruled_out, Firing.consideration_applies):
            item = self.items(ruleset)[record.item_id]
            step = (firing.value, tuple(sorted(
                item.fulfilled_facts if firing == Firing.duty_fulfilled else
                item.applies_facts if firing in (Firing.duty_applies, Firing.duty_not_applicable) else item.facts)))
        if len(self._trace_steps) < _CACHE_LIMIT:
            self._trace_steps[id(record)] = (record, step)
        return step

    def items(self, ruleset: RuleSet) -> dict[str, Rule | Joint | Duty]:
        """The rules, joint conclusions and duties of a rule set by id."""
        if ruleset.digest not in self._items:
            self._items[ruleset.digest] = {rule.id: rule for rule in ruleset.rules} | \
                {joint.id: joint for joints in ruleset.joints.values() for joint in joints} | \
                {duty.id: duty for duty in ruleset.duties}
        return self._items[ruleset.digest]

    def conclusions(self, ruleset: RuleSet) -> dict[tuple[str, str], tuple[str, str]]:
        """What each concluding firing of a rule set concludes: (item id, firing) -> (question, outcome)."""
        if ruleset.digest not in self._conclusions:
            self._conclusions[ruleset.digest] = {(rule.id, _CONCLUDES): (rule.question, rule.outcome)
                                                 for rule in ruleset.rules} | {
                (joint.id, _JOINTLY): (question, joint.outcome)
                for question, joints in ruleset.joints.items() for joint in joints}
        return self._conclusions[ruleset.digest]

    def questions(self, ruleset: RuleSet) -> dict[str, QuestionParts]:
        """What a decision on each question of a rule set (the case's and the per-need ones) shows that depends on
        the rule set alone."""
        parts = self._questions.get(ruleset.digest)
        if parts is None:
            parts = self._questions[ruleset.digest] = {}
            for question, provision in (ruleset.questions | ruleset.need_questions).items():
                per_need = question in ruleset.need_questions
                amount = None if per_need else self.rulebook.amounts.get(provision.path)
                parts[question] = QuestionParts(
                    rules=tuple(RuleParts(rule, (rule.id, _CONCLUDES),
                                          self.basis(rule.spec.basis, rule.provision.act.id))
                                for rule in ruleset.rules_by_question[question]),
                    shown_as=question.removesuffix(NEED_SUFFIX),
                    provision=self.provision(provision), discretion=self.considerations(provision),
                    discretion_ids=[provision.item_id(c.id) for c in self.considerations(provision)],
                    weighings=tuple(Weighed((weighing.id, _CONSIDERATION), self.weighing(weighing))
                                    for weighing in ruleset.weighings_of.get((provision.path, per_need), ())),
                    amount=amount,
                    amount_basis=None if amount is None else self.basis(amount.spec.basis, provision.act.id))
        return parts

    def law(self, ruleset: RuleSet) -> Law:
        if ruleset.digest not in self._laws:
            act = next(iter(ruleset.questions.values())).act
            self._laws[ruleset.digest] = Law(act=act.id, short_name=act.short_name, version=act.version)
        return self._laws[ruleset.digest]

    def duty_texts(self, duty: Duty) -> tuple[Bilingual, Bilingual]:
        if duty.id not in self._duties:
            spec = duty.spec
            self._duties[duty.id] = (Bilingual(nb=spec.duty.nb, en=spec.duty.en),
                                     Bilingual(nb=spec.fulfil_by.nb, en=spec.fulfil_by.en))
        return self._duties[duty.id]


class AnswerBuilder:
    """The answer to a case from its session's firings; or, given `need` (its index in request.needs) and that
    need's session, the need's own decisions (`decisions()`), read on the case's facts and the need's. `lean`: the
    parts of a `LeanEvaluation` (`build_lean`), else of an `Evaluation` (`build`)."""

    def __init__(self, catalogue: AnswerCatalogue, ruleset: RuleSet, case: Case, observations: Observations,
                 records: list[Record], records_ruled_out: bool = True,
                 need_records: dict[str, list[Record]] | None = None, need: int | None = None,
                 lean: bool = False) -> None:
        self.catalogue, self.ruleset, self.case = catalogue, ruleset, case
        self.need, self.lean = need, lean
        self.need_records = need_records or {}
        if need is None:
            self.observations, self.questions = observations, ruleset.questions
        else:
            self.questions = ruleset.need_questions
            self.observations = observations.of_need(case.request.needs[need].id)
        self.facts = self.observations.values
        self.rulebook = catalogue.rulebook
        self.records = records
        self.fired = {record.key for record in records}
        self.outcomes = self._outcomes()
        self.records_ruled_out = records_ruled_out
        self._concluded: dict[str, str] | None = None
        self._missing: Missing | None = None
        self._unknown_paths: dict[tuple[frozenset[str], frozenset[str]], tuple[str, ...]] = {}
        self.shown = _Shown(self.facts)
        self.figures = _Figures(self.facts, self.shown)

    def _outcomes(self) -> dict[str, str]:
        """The outcome of every question concluded in this session (the need's session also concludes the case's
        questions, which its need questions may ask about)."""
        concluded: dict[str, set[str]] = {}
        conclusion_of = self.catalogue.conclusions(self.ruleset)
        for firing in conclusion_of.keys() & self.fired:  # the concluding firings, picked out in one set operation
            question, outcome = conclusion_of[firing]
            concluded.setdefault(question, set()).add(outcome)
        for question in self.questions:
            if len(concluded.get(question, ())) > 1:
                raise ConflictError(f"question {question}: rules concluded {sorted(concluded[question])}")
        return dict.fromkeys(self.ruleset.rules_by_question, UNDETERMINED) | {
            q: next(iter(o)) for q, o in concluded.items() if len(o) == 1}

    # --- presentation helpers ----------------------------------------------------------------------------

    def _fact_values(self, names: tuple[str, ...]) -> dict[str, Any]:
        facts, shown = self.facts, self.shown
        return {name: shown[name] for name in names if name in facts}

    # --- decisions ---------------------------------------------------------------------------------------

    @property
    def missing(self) -> Missing:
        """What the undetermined questions are missing (worked out only when one is). It needs to know which rules
        are ruled out: the firings of the rules' F forms where the engine records them, else `Missing` reads the F
        forms of the rules it asks about."""
        if self._missing is None:
            self._missing = Missing(self.rulebook, self.ruleset, self.observations, self.outcomes,
                                    self.fired if self.records_ruled_out else None)
        return self._missing

    def _reason(self, parts: RuleParts, jointly: bool = False) -> dict[str, Any]:
        """A `Reason`, as the dict pydantic validates with the rest of the answer (in one call, which is cheaper
        than a model per reason)."""
        rule, figures = parts.rule, self.figures
        names = rule.own_facts
        shown = {name: figures[name] for name in names}  # the same in both languages
        because = rule.spec.because
        reason = dict(rule_id=rule.id, text_nb=because.nb.format_map(shown), text_en=because.en.format_map(shown),
                      facts=self._fact_values(names), provisional=rule.spec.provisional, jointly=jointly)
        if self.lean:
            reason["citation"] = parts.basis.citation
        else:
            reason["basis"] = parts.basis
        return reason

    def _reasons(self, question: str, rules: tuple[RuleParts, ...], concluding: list[RuleParts]) \
            -> list[dict[str, Any]]:
        """The rules that concluded (`concluding`); or, where only the rules together did, those of them not ruled
        out."""
        if concluding:
            return [self._reason(parts) for parts in concluding]
        together = {rule.id for joint in self.ruleset.joints[question] if (joint.id, _JOINTLY) in self.fired
                    for rule in joint.rules}
        return [self._reason(parts, jointly=True) for parts in rules
                if parts.rule.id in together and not self.missing.ruled_out(parts.rule)]

    def _decision(self, question: str, parts: QuestionParts) -> dict[str, Any]:
        outcome, fired = self.outcomes[question], self.fired
        concluding = [each for each in parts.rules if each.concludes in fired]
        reasons = self._reasons(question, parts.rules, concluding)
        lean = self.lean
        if self.rulebook.outcomes[outcome].discretion:
            considerations = list(parts.discretion_ids if lean else parts.discretion)
        else:
            considerations = []
        considerations += [weighed.id if lean else weighed.shown for weighed in parts.weighings
                           if weighed.firing in fired]
        undetermined = outcome == UNDETERMINED
        missing = self.missing.paths(question) if undetermined else []
        settles = self.missing.settles(question) if undetermined else []
        scopes = [each.rule.spec.scope for each in concluding]
        scope = scopes[0] if scopes and None not in scopes else None  # a rule without a limit gives the full right
        amount = parts.amount if scope is None else None
        if amount is not None:
            amount = breakdown(amount, parts.amount_basis, outcome, self.observations)
        decision = dict(question=parts.shown_as, outcome=outcome, reasons=reasons, missing_facts=missing,
                        settles=settles, scope=scope and ScopeOut(id=scope.id, nb=scope.nb, en=scope.en),
                        amount=amount)
        if lean:
            decision["consideration_ids"] = considerations
        else:
            decision["provision"], decision["considerations"] = parts.provision, considerations
        return decision

    def decisions(self) -> list[dict[str, Any]]:
        """This session's decisions, in dependency order: the case's, or (given a need) the need's."""
        parts = self.catalogue.questions(self.ruleset)
        return [self._decision(q, parts[q]) for q in self.ruleset.question_order if q in self.questions]

    # --- duties ------------------------------------------------------------------------------------------

    def _options(self, duty: Duty) -> tuple[bool, ...]:
        """Which options of a choice the record fulfils, read off their conditions in the same three-valued logic
        on the same facts and outcomes as the engine's firing for the choice as a whole."""
        if self._concluded is None:
            self._concluded = {q: o for q, o in self.outcomes.items() if o != UNDETERMINED}
        return tuple(truth(option.fulfilled, self.facts, self._concluded) is True for option in duty.options)

    def _why(self, duty: Duty, statuses: dict[str, str]) -> DutyReason:
        """Why the duty has its status (`DutyReason`): a closed one by the firing that closed it; an open one because
        the duty it waits for is open, or because it applies, or else because it may apply — the fields the case does
        not give that would tell (a need's duty names the need's fields without its place in the list)."""
        status = statuses[duty.id]
        if status != _OPEN:
            return status
        if duty.after is not None and statuses[duty.after] == _OPEN:
            return _BLOCKED
        if (duty.id, _APPLIES) in self.fired:
            return _APPLIES
        reads = (duty.applies_facts, self.catalogue.premises(duty))  # what `unknown_paths` depends on here
        unknown = self._unknown_paths.get(reads)
        if unknown is None:  # many duties apply under the same facts and questions (as those of one section do)
            unknown = self._unknown_paths[reads] = tuple(sorted(self.missing.unknown_paths(*reads)))
        return unknown, self.need is None

    def _duties(self) -> list[DutyOut] | list[LeanDuty]:
        """This session's duties: the case's, or (given a need) those owed on the need's own decision; lean, the
        open ones only. Each is built once for every answer that has it (`duty_answer`, `lean_duty`)."""
        duties = self.ruleset.duties_of[self.need is not None]
        fired = self.fired
        # The firing that decides each duty's status (`_NOT_APPLICABLE`, `_FULFILLED`), or `_OPEN`.
        statuses = {duty.id: _NOT_APPLICABLE if (duty.id, _NOT_APPLICABLE) in fired else
                    _FULFILLED if (duty.id, _FULFILLED) in fired else _OPEN for duty in duties}
        if self.lean:
            lean = self.catalogue.lean_duty
            return [lean(duty, self._why(duty, statuses)) for duty in duties if statuses[duty.id] == _OPEN]
        answer = self.catalogue.duty_answer
        return [answer(duty, self._why(duty, statuses), self._options(duty) if duty.options else ())
                for duty in duties]

    # --- the whole answer --------------------------------------------------------------------------------

    def _trace(self) -> list[dict[str, Any]]:
        """`TraceEntry`s, as dicts (see `_reason`)."""
        facts, shown, step_of, ruleset = self.facts, self.shown, self.catalogue.trace_step, self.ruleset
        entries = []
        for record in self.records:
            step = step_of(ruleset, record)
            if step is not None:
                entries.append(dict(step=len(entries) + 1, id=record.item_id, firing=step[0],
                                    facts={name: shown[name] for name in step[1] if name in facts}))
        return entries

    def _receipt(self) -> Receipt:
        # The validated case as pydantic-core writes it (fields in the model's order, lists and maps in the order
        # received): one pass in Rust, rather than a dump to Python objects and a key-sorted encoding of them.
        # As bytes: `model_dump_json` is this, decoded to a str (which would only be encoded again).
        canonical = self.case.__pydantic_serializer__.to_json(self.case, by_alias=True, exclude_none=True)
        return Receipt(engine_version=ENGINE_VERSION, rule_files=self.catalogue.rule_files,
                       rulebook_digest=self.rulebook.digest, ruleset_digest=self.ruleset.digest,
                       input_digest="sha256:" + hashlib.sha256(canonical).hexdigest(),
                       evaluated_at=dt.datetime.now(dt.UTC))

    def _needs(self) -> list[dict[str, Any]]:
        """Each need's answer (`NeedAnswer`, or lean `LeanNeed`), as a dict (see `_reason`)."""
        needs = self.case.request.needs if self.case.request and self.case.request.needs else []
        answers = []
        for index, need in sorted(enumerate(needs), key=lambda pair: pair[1].id):
            builder = AnswerBuilder(self.catalogue, self.ruleset, self.case, self.observations,
                                    self.need_records[need.id], self.records_ruled_out, need=index, lean=self.lean)
            answers.append(dict(id=need.id, kind=str(need.kind), decisions=builder.decisions(),
                                duties=builder._duties()))
        return answers

    def _common(self) -> dict[str, Any]:
        """What the full and the lean answer share, as the builder's view makes it."""
        stale = self.observations.rates.table.staleness_warning(self.case.decision_date)
        return dict(case_id=self.case.case_id, decision_date=self.case.decision_date,
                    law=self.catalogue.law(self.ruleset), decisions=self.decisions(), needs=self._needs(),
                    duties=self._duties(), warnings=[Bilingual(nb=stale.nb, en=stale.en)] if stale else [])

    def build(self) -> Evaluation:
        return Evaluation(**self._common(), trace=self._trace(), receipt=self._receipt())

    def build_lean(self) -> LeanEvaluation:
        """The lean answer (built with `lean=True`): no trace, and a receipt without the per-file digests and the
        input's, which cost a canonical dump of the case."""
        receipt = LeanReceipt(engine_version=ENGINE_VERSION, ruleset_digest=self.ruleset.digest,
                              evaluated_at=dt.datetime.now(dt.UTC))
        return LeanEvaluation(**self._common(), receipt=receipt)


class _Shown(dict[str, Any]):
    """The known facts as an answer shows them (money in kroner), each converted when first shown: a hit is a plain
    dict lookup."""

    def __init__(self, facts: dict[str, Any]) -> None:
        super().__init__()
        self.facts = facts

    def __missing__(self, name: str) -> Any:
        value = self.facts[name]
        shown = self[name] = to_kroner(value) if VOCABULARY[name].kind == FactKind.money else value
        return shown


class _Figures(dict[str, str]):
    """The facts as a reason's text shows them, each formatted when first shown: a known fact's value, an amount the
    case gives only in part as its bounds, else "?"."""

    def __init__(self, facts: dict[str, Any], shown: _Shown) -> None:
        super().__init__()
        self.facts, self.shown = facts, shown

    def __missing__(self, name: str) -> str:
        if name in self.facts:
            value = self.shown[name]
            text = kroner_text(value) if isinstance(value, Decimal) else str(value)
        else:
            least, most = self.facts.get(lower(name)), self.facts.get(upper(name))
            text = "?" if not least and most is None else kroner_range(least, most)
        self[name] = text
        return text


def _may_apply(unknown: tuple[str, ...], numbered: bool) -> Bilingual:
    """Why a duty that may apply is open: the fields the case does not give that would tell (none: it hangs on a
    question not yet determined). A need's duty is shown with its need, so `numbered` is False there."""
    if not unknown:
        return Bilingual(nb="Plikten kan gjelde; det avhenger av et spørsmål som ikke er avgjort.",
                         en="The duty may apply; it depends on a question not yet determined.")
    return Bilingual(nb="Plikten kan gjelde; saken mangler: " + ", ".join(glossary().field(path, numbered=numbered)
                                                                        for path in unknown),
                     en="The duty may apply; the case does not give: " + ", ".join(unknown))
