"""Loading the rule files: schema validation, condition parsing, cross-file checks, and selection by date.

The loader refuses to start on anything a lawyer would call a drafting error: an unknown fact, a duplicate id,
a rule without its legal basis, an outcome `outcomes.yaml` does not describe, two versions of one provision in
force on the same day, an `overrides` naming a rule that does not exist, or a condition that asks for the outcome
of a question no provision answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from engine.case.facts import VOCABULARY, fact_of
from engine.case.rates import RateTable, load_rate_table
from engine.law.expressions import (
    NEED_SUFFIX,
    And,
    Condition,
    ConditionError,
    Not,
    Or,
    Value,
    facts_in,
    linear_terms,
    need_question,
    parse_condition,
    parse_value,
    questions_in,
)
from engine.law.jointly import joint_conditions
from engine.law.normal_form import DNF, Conjunction, OutcomeIs, normal_form, reads
from engine.law.schema import (
    Act,
    AmountSpec,
    Basis,
    Consideration,
    DutyOption,
    DutySpec,
    OutcomeSpec,
    ProvisionFile,
    RuleSpec,
    Texts,
    Validity,
)
from engine.yaml_files import YAMLError, load_yaml

RULES_DIR = Path(__file__).resolve().parent.parent.parent / "rules"
NATIONAL_RATES = "parameters/national-guideline-rates.yaml"
CASES_SUFFIX = ".cases.yaml"  # a provision's own test cases, beside it: not a rule file
UNDETERMINED = "undetermined"  # the outcome of a question no rule concludes; outcomes.yaml describes it


class RuleFileError(ValueError):
    """A rule file (or the set of them) that the engine refuses to run."""


# --- loaded, checked objects --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contents:
    """What a provision file says once rules shared from an earlier act are taken in."""

    rules: tuple[RuleSpec, ...]
    duties: tuple[DutySpec, ...]
    considerations: tuple[Consideration, ...]
    definitions: dict[str, str]
    amount: AmountSpec | None


@dataclass(frozen=True)
class Provision:
    key: str  # "<act slug>/<section>": the same for every version of a provision
    act: Act
    spec: ProvisionFile
    path: str  # relative to the rules directory
    digest: str
    contents: Contents

    @property
    def valid(self) -> Validity:
        return self.spec.valid

    @property
    def id_prefix(self) -> str:
        """Rule ids name the version when the file encodes an amendment: '<key>@<date>'."""
        return f"{self.key}@{self.spec.amended.isoformat()}" if self.spec.amended else self.key

    def item_id(self, own_id: str) -> str:
        """The id of a rule, duty or consideration of this file across the rule book, from its id in the file."""
        return f"{self.id_prefix}/{own_id}"


@dataclass(frozen=True)
class Rule:
    id: str
    provision: Provision
    spec: RuleSpec
    condition: Condition  # as written
    effective: Condition  # as written, and not any rule that overrides it

    @property
    def question(self) -> str:
        """The question the rule answers: the section's, or the section's per need ("19:need")."""
        then = self.spec.then
        return need_question(then.question) if then.per == "need" else then.question

    @property
    def outcome(self) -> str:
        return self.spec.then.outcome

    @cached_property
    def facts(self) -> frozenset[str]:
        """Every fact the rule's effective condition reads (its exceptions' facts included)."""
        return frozenset(facts_in(self.effective))

    @cached_property
    def own_facts(self) -> tuple[str, ...]:
        """The facts of the condition as written, sorted by name: what the rule's reason talks about, in the order
        the reason lists them."""
        return tuple(sorted(set(facts_in(self.condition))))

    @cached_property
    def depends_on(self) -> frozenset[str]:
        return frozenset(questions_in(self.effective))

    @cached_property
    def depends_on_outcomes(self) -> frozenset[tuple[str, str]]:
        """`depends_on` as `true_form_reads` names a question: ("outcome", q)."""
        return frozenset(("outcome", question) for question in self.depends_on)

    @cached_property
    def true_form(self) -> DNF:
        """The conjunctions under which the rule's effective condition is definitely true: what the compiler
        compiles, and what the answer reads to tell what would settle an undetermined question."""
        return normal_form(self.effective, True)

    @cached_property
    def false_form(self) -> DNF:
        """The conjunctions under which the rule's effective condition is definitely false (the rule is ruled
        out): what the compiler compiles for `ruled_out`, and what the answer reads when the engine did not."""
        return normal_form(self.effective, False)

    @cached_property
    def true_form_reads(self) -> tuple[tuple[Conjunction, frozenset[str], frozenset[str], tuple[frozenset, ...]], ...]:
        """Each conjunction of `true_form` with what it reads: the facts its literals read (a money fact for its
        bounds), the questions whose outcome it asks about, and literal by literal what each is about (its facts,
        or ("outcome", q))."""
        found = []
        for conjunction in self.true_form:
            about = tuple(frozenset({("outcome", literal.question)}) if isinstance(literal, OutcomeIs) else
                          frozenset(fact_of(name) for name in reads(literal)) for literal in conjunction)
            found.append((conjunction, frozenset(fact for part in about for fact in part if isinstance(fact, str)),
                          frozenset(literal.question for literal in conjunction if isinstance(literal, OutcomeIs)),
                          about))
        return tuple(found)


@dataclass(frozen=True)
class Joint:
    """An outcome the rules of a question conclude together (`engine.law.jointly`): every value the facts the case
    leaves out can have makes one of `rules` true, though none of them is definitely true on the case."""

    id: str  # "<the question's provision>/jointly-<outcome>-<n>"
    question: str
    outcome: str
    rules: tuple[Rule, ...]
    condition: Condition

    @cached_property
    def facts(self) -> frozenset[str]:
        return frozenset(facts_in(self.condition))

    @cached_property
    def true_form(self) -> DNF:
        return normal_form(self.condition, True)


@dataclass(frozen=True)
class Amount:
    """A provision's guideline calculation, parsed in its own definitions."""

    spec: AmountSpec
    need: Value
    means: Value

    @cached_property
    def parts(self) -> dict[str, tuple[dict[str, int], int]]:
        """"need" and "means", each as its terms (fact name → coefficient) and constant."""
        return {"need": linear_terms(self.need), "means": linear_terms(self.means)}


@dataclass(frozen=True)
class Option:
    """One way of fulfilling a duty that offers a choice (`options` in the rule file)."""

    spec: DutyOption
    fulfilled: Condition


@dataclass(frozen=True)
class Duty:
    id: str
    provision: Provision
    spec: DutySpec
    applies: Condition
    fulfilled: Condition  # for a choice: any of its options
    options: tuple[Option, ...] = ()

    @cached_property
    def after(self) -> str | None:
        """The full id of the duty to be fulfilled first, if any."""
        return self.spec.after and self.provision.item_id(self.spec.after)

    @cached_property
    def applies_facts(self) -> frozenset[str]:
        return frozenset(facts_in(self.applies))

    @cached_property
    def fulfilled_facts(self) -> frozenset[str]:
        return frozenset(facts_in(self.fulfilled))

    @cached_property
    def per_need(self) -> bool:
        """Whether the duty reads a need's facts or answers: then it is owed on each need's decision, and shown with
        that need's answer (an enkeltvedtak on one need carries its own duties)."""
        return any(bool(_need_facts(condition)) or any(q.endswith(NEED_SUFFIX) for q in questions_in(condition))
                   for condition in (self.applies, self.fulfilled))


@dataclass(frozen=True)
class Weighing:
    """A consideration that applies on the facts (`when`): listed on its question's decision whatever the outcome."""

    id: str
    provision: Provision
    spec: Consideration
    condition: Condition

    @cached_property
    def per_need(self) -> bool:
        """Whether the condition reads a need's facts or answers: then it is weighed on the need's decisions."""
        return bool(_need_facts(self.condition)) or any(q.endswith(NEED_SUFFIX) for q in questions_in(self.condition))


@dataclass(frozen=True)
class RuleSet:
    """The provisions in force on one day, with their rules, duties and the considerations that apply on the facts:
    one compiled durable-rules ruleset."""

    provisions: tuple[Provision, ...]
    rules: tuple[Rule, ...]
    duties: tuple[Duty, ...]
    weighings: tuple[Weighing, ...]
    digest: str
    # The joint conclusions found so far in the rule sets of one rule book (`joints`), shared by them.
    joints_found: dict[tuple, tuple[Joint, ...]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def questions(self) -> dict[str, Provision]:
        """The questions answered for the case, by the provision that answers each."""
        return {p.spec.question: p for p in self.provisions if p.spec.question}

    @cached_property
    def need_questions(self) -> dict[str, Provision]:
        """The questions answered once per need ("19:need"), by the provision that answers each."""
        return {rule.question: rule.provision for rule in self.rules if rule.spec.then.per == "need"}

    @cached_property
    def rules_by_question(self) -> dict[str, list[Rule]]:
        grouped: dict[str, list[Rule]] = {question: [] for question in self.questions | self.need_questions}
        for rule in self.rules:
            grouped[rule.question].append(rule)
        return grouped

    @cached_property
    def duties_of(self) -> dict[bool, tuple[Duty, ...]]:
        """By per need: the duties owed on the case's decisions (False) and on each need's (True)."""
        return {per_need: tuple(duty for duty in self.duties if duty.per_need == per_need)
                for per_need in (False, True)}

    @cached_property
    def weighings_of(self) -> dict[tuple[str, bool], tuple[Weighing, ...]]:
        """By (provision path, per need): the considerations a decision under that provision may list."""
        grouped: dict[tuple[str, bool], tuple[Weighing, ...]] = {}
        for weighing in self.weighings:
            key = (weighing.provision.path, weighing.per_need)
            grouped[key] = (*grouped.get(key, ()), weighing)
        return grouped

    @cached_property
    def joints(self) -> dict[str, tuple[Joint, ...]]:
        """By question: the outcomes its rules conclude together (`engine.law.jointly`).

        What resolution finds for a question depends only on its rules and on those of the questions they ask
        about, directly or through another's rules; the rule sets of the days of one rule book mostly share them,
        so a question's joints are found once for all of them (`joints_found`, by those rules' ids: a rule book
        has one rule of each id)."""
        def premises(question: str) -> list[tuple[str, Condition]]:
            return [(rule.outcome, rule.effective) for rule in self.rules_by_question[question]]

        found: dict[str, tuple[Joint, ...]] = {}
        answered = self.questions | self.need_questions
        for question, rules in self.rules_by_question.items():
            prefix = answered[question].id_prefix + ("/per-need" if question in self.need_questions else "")
            key = (prefix, question, tuple((asked, tuple(rule.id for rule in self.rules_by_question[asked]))
                                           for asked in sorted(self._asked_through[question])))
            if key not in self.joints_found:
                by_id = {rule.id: rule for rule in rules}
                self.joints_found[key] = tuple(
                    Joint(f"{prefix}/jointly-{outcome}-{index}", question, outcome,
                          tuple(by_id[rule_id] for rule_id in origin), condition)
                    for outcome in dict.fromkeys(rule.outcome for rule in rules)
                    for index, (origin, condition) in enumerate(joint_conditions(
                        ((rule.id, rule.effective) for rule in rules if rule.outcome == outcome), premises), 1))
            found[question] = self.joints_found[key]
        return found

    @cached_property
    def _asked_through(self) -> dict[str, frozenset[str]]:
        """By question: itself and every question its rules ask about, directly or through another's rules."""
        asked: dict[str, frozenset[str]] = {}
        for question in self.question_order:  # premises first
            asked[question] = frozenset({question}).union(
                *(asked[premise] for rule in self.rules_by_question[question] for premise in rule.depends_on))
        return asked

    @cached_property
    def question_order(self) -> list[str]:
        """Questions in dependency order, so a dependent question's answer can cite its premises."""
        order: list[str] = []

        def visit(question: str, path: tuple[str, ...]) -> None:
            if question in order:
                return
            if question in path:
                raise RuleFileError(f"questions depend on each other in a cycle: {' -> '.join(path + (question,))}")
            for rule in self.rules_by_question[question]:
                for premise in sorted(rule.depends_on):
                    visit(premise, path + (question,))
            order.append(question)

        for question in self.rules_by_question:
            visit(question, ())
        return order


@dataclass
class Rulebook:
    acts: dict[str, Act]
    outcomes: dict[str, OutcomeSpec]
    provisions: list[Provision]
    rules: dict[str, Rule]
    duties: dict[str, Duty]
    weighings: dict[str, Weighing]
    rates: RateTable
    file_digests: dict[str, str]
    amounts: dict[str, Amount]  # by provision path
    _by_date: dict[frozenset[str], RuleSet] = field(default_factory=dict)
    _joints_found: dict[tuple, tuple[Joint, ...]] = field(default_factory=dict)  # shared by its rule sets

    @cached_property
    def digest(self) -> str:
        return _digest("\n".join(f"{path} {digest}" for path, digest in sorted(self.file_digests.items())))

    def in_force(self, day: dt.date) -> list[Provision]:
        return [p for p in self.provisions if p.valid.covers(day)]

    def ruleset_on(self, day: dt.date) -> RuleSet:
        provisions = tuple(self.in_force(day))
        key = frozenset(p.path for p in provisions)
        if key not in self._by_date:
            self._by_date[key] = self._assemble(provisions)
        return self._by_date[key]

    def _assemble(self, provisions: tuple[Provision, ...]) -> RuleSet:
        paths = {p.path for p in provisions}
        rules = tuple(r for r in self.rules.values() if r.provision.path in paths)
        duties = tuple(d for d in self.duties.values() if d.provision.path in paths)
        weighings = tuple(w for w in self.weighings.values() if w.provision.path in paths)
        answered = {p.spec.question for p in provisions if p.spec.question} | {r.question for r in rules}
        for item, condition in [(r.id, r.effective) for r in rules] + \
                               [(d.id, And((d.applies, d.fulfilled))) for d in duties] + \
                               [(w.id, w.condition) for w in weighings]:
            missing = questions_in(condition) - answered
            if missing:
                raise RuleFileError(f"{item}: asks for outcome of {sorted(missing)}, which no provision in force "
                                    f"together with it answers")
        digest = _digest("\n".join(sorted(p.digest for p in provisions)))
        ruleset = RuleSet(provisions, rules, duties, weighings, digest, self._joints_found)
        ruleset.question_order  # noqa: B018 — fail on a dependency cycle now, not mid-evaluation
        return ruleset


def _digest(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _read_yaml(path: Path) -> tuple[object, bytes]:
    raw = path.read_bytes()
    try:
        return load_yaml(raw), raw
    except YAMLError as error:
        raise RuleFileError(f"{path.name}: not valid YAML: {error}") from None


def load_rulebook(rules_dir: Path = RULES_DIR, rates_path: str = NATIONAL_RATES) -> Rulebook:
    acts_data, acts_raw = _read_yaml(rules_dir / "acts.yaml")
    try:
        acts = {a.id: a for a in (Act.model_validate(entry) for entry in acts_data)}
    except ValidationError as error:
        raise RuleFileError(f"acts.yaml: {error}") from None
    digests = {"acts.yaml": _digest(acts_raw)}
    outcomes_data, outcomes_raw = _read_yaml(rules_dir / "outcomes.yaml")
    try:
        outcomes = {o.id: o for o in (OutcomeSpec.model_validate(entry) for entry in outcomes_data)}
    except (ValidationError, TypeError) as error:
        raise RuleFileError(f"outcomes.yaml: {error}") from None
    if UNDETERMINED not in outcomes:
        raise RuleFileError(f"outcomes.yaml: must describe {UNDETERMINED!r}, the outcome when no rule concludes")
    digests["outcomes.yaml"] = _digest(outcomes_raw)

    files: list[tuple[str, ProvisionFile]] = []
    for path in sorted(rules_dir.glob("*/*.yaml")):
        relative = path.relative_to(rules_dir).as_posix()
        if relative.startswith("parameters/") or path.name.endswith(CASES_SUFFIX):
            continue
        data, raw = _read_yaml(path)
        try:
            spec = ProvisionFile.model_validate(data)
        except ValidationError as error:
            raise RuleFileError(f"{relative}: {error}") from None
        if spec.act not in acts:
            raise RuleFileError(f"{relative}: act {spec.act} is not in acts.yaml")
        named = set(spec.outcomes) | {rule.then.outcome for rule in spec.rules}
        if spec.amount:
            named |= {spec.amount.shortfall_when, spec.amount.surplus_when}
        if undescribed := sorted(named - outcomes.keys()):
            raise RuleFileError(f"{relative}: outcomes {undescribed} are not described in outcomes.yaml")
        digests[relative] = _digest(raw)
        files.append((relative, spec))

    def key(spec: ProvisionFile) -> str:
        return f"{acts[spec.act].slug}/{spec.section.replace(' ', '')}"

    def version(spec: ProvisionFile) -> str:
        return f"{key(spec)}@{spec.amended.isoformat()}" if spec.amended else key(spec)

    by_version = {version(spec): (relative, spec) for relative, spec in files}
    contents: dict[str, Contents] = {}

    def contents_of(relative: str, spec: ProvisionFile, sharing: tuple[str, ...] = ()) -> Contents:
        if relative not in contents:
            if relative in sharing:
                raise RuleFileError(f"{relative}: same_rules_as goes round in a circle")
            origin = spec.same_rules_as and by_version.get(spec.same_rules_as.provision)
            if spec.same_rules_as and origin is None:
                raise RuleFileError(f"{relative}: same_rules_as names {spec.same_rules_as.provision}, which is not "
                                    "a rule file")
            shared = origin and contents_of(*origin, sharing + (relative,))
            contents[relative] = _contents(relative, spec, acts[spec.act], origin and origin[1], shared)
        return contents[relative]

    provisions = [Provision(key(spec), acts[spec.act], spec, relative, digests[relative],
                            contents_of(relative, spec)) for relative, spec in files]
    _check_versions(provisions)
    rules, duties, weighings = _parse_conditions(provisions, acts)
    amounts = _parse_amounts(provisions)
    rates = load_rate_table(rules_dir / rates_path)
    digests[rates_path] = _digest((rules_dir / rates_path).read_bytes())
    return Rulebook(acts, outcomes, provisions, rules, duties, weighings, rates, digests, amounts)


def _parse_amounts(provisions: list[Provision]) -> dict[str, Amount]:
    amounts = {}
    for provision in provisions:
        spec = provision.contents.amount
        if spec is None:
            continue
        try:
            need, means = (parse_value(source, provision.contents.definitions) for source in (spec.need, spec.means))
            for value in (need, means):
                linear_terms(value)  # refuse anything that is not a sum of facts now, not mid-evaluation
        except ConditionError as error:
            raise RuleFileError(f"{provision.path}: amount: {error}") from None
        amounts[provision.path] = Amount(spec, need, means)
    return amounts


_SECTION_IN_TEXT = re.compile(r"§ (\d+(?:[A-Z]?-\d+)?[a-z]?)")
_OUTCOME_CALL = re.compile(r"""outcome\((["'])([^"']+)\1\)""")


def _contents(relative: str, spec: ProvisionFile, act: Act, origin: ProvisionFile | None,
              shared: Contents | None) -> Contents:
    """What a file says once the rules it shares (`same_rules_as`) are taken in: those of an earlier version of the
    same section as they are, or those of an earlier act re-based on this one (sections mapped by acts.yaml)."""
    if origin is None or shared is None:
        return Contents(tuple(spec.rules), tuple(spec.duties), tuple(spec.considerations), spec.definitions,
                        spec.amount)
    if origin.act == act.id:
        sections: dict[str, str] = {}
    elif act.succeeds is None or act.succeeds.act != origin.act:
        raise RuleFileError(f"{relative}: shares rules with {spec.same_rules_as.provision}, but acts.yaml does not "
                            f"say that {act.id} succeeds {origin.act}")
    else:
        sections = act.succeeds.sections

    def section(number: str) -> str:
        return sections.get(number, number)

    def text(value: str) -> str:
        return _SECTION_IN_TEXT.sub(lambda m: f"§ {section(m.group(1))}", value)

    def condition(value: str) -> str:
        return _OUTCOME_CALL.sub(lambda m: f'outcome("{section(m.group(2))}")', value)

    def basis(value: Basis) -> Basis:
        return value if value.act else value.model_copy(update={"section": section(value.section)})

    def texts(value: Texts) -> Texts:
        return Texts(nb=text(value.nb), en=text(value.en))

    def option(value: DutyOption) -> DutyOption:
        return value.model_copy(update={"fulfilled_when": condition(value.fulfilled_when),
                                        "fulfil_by": texts(value.fulfil_by)})

    rules = [r.model_copy(update={
        "basis": basis(r.basis), "when": condition(r.when), "because": texts(r.because),
        "then": r.then.model_copy(update={"question": section(r.then.question)})}) for r in shared.rules]
    duties = [d.model_copy(update={
        "basis": basis(d.basis), "applies_when": condition(d.applies_when),
        "fulfilled_when": d.fulfilled_when and condition(d.fulfilled_when),
        "options": [option(o) for o in d.options], "duty": texts(d.duty), "fulfil_by": texts(d.fulfil_by)})
        for d in shared.duties]
    considerations = [c.model_copy(update={"nb": text(c.nb), "en": text(c.en),
                                           "when": c.when and condition(c.when)}) for c in shared.considerations]
    amount = spec.amount or (shared.amount and shared.amount.model_copy(update={"basis": basis(shared.amount.basis)}))
    own_ids = {item.id for item in spec.rules + spec.duties + spec.considerations}
    return Contents(
        rules=tuple([r for r in rules if r.id not in own_ids] + spec.rules),
        duties=tuple([d for d in duties if d.id not in own_ids] + spec.duties),
        considerations=tuple([c for c in considerations if c.id not in own_ids] + spec.considerations),
        definitions={**{name: condition(text) for name, text in shared.definitions.items()}, **spec.definitions},
        amount=amount)


def _check_versions(provisions: list[Provision]) -> None:
    for i, first in enumerate(provisions):
        for second in provisions[i + 1:]:
            same_provision = first.key == second.key
            same_question = first.spec.question and first.spec.question == second.spec.question
            if (same_provision or same_question) and first.valid.overlaps(second.valid):
                raise RuleFileError(f"{first.path} and {second.path} are both in force on the same days "
                                    f"for {first.key if same_provision else 'question ' + first.spec.question}")


def _need_facts(condition: Condition) -> set[str]:
    return {name for name in facts_in(condition) if VOCABULARY[name].per_need}


def _parse_conditions(provisions: list[Provision], acts: dict[str, Act]):
    written: dict[str, tuple[Provision, RuleSpec, Condition]] = {}
    duties: dict[str, Duty] = {}
    weighings: dict[str, Weighing] = {}
    considered: set[str] = set()  # every consideration's id, which GET /v1/rules/{id} serves beside the rules'
    for provision in provisions:
        scope = provision.contents.definitions
        for consideration in provision.contents.considerations:
            full_id = provision.item_id(consideration.id)
            if full_id in considered:
                raise RuleFileError(f"{provision.path}: duplicate id {full_id}")
            considered.add(full_id)
            if consideration.when is None:
                continue
            try:
                weighings[full_id] = Weighing(full_id, provision, consideration,
                                              parse_condition(consideration.when, scope))
            except ConditionError as error:
                raise RuleFileError(f"{full_id}: {error}") from None
        for spec in provision.contents.rules + provision.contents.duties:
            full_id = provision.item_id(spec.id)
            if full_id in written or full_id in duties or full_id in considered:
                raise RuleFileError(f"{provision.path}: duplicate id {full_id}")
            if spec.basis.act is not None and spec.basis.act not in acts:
                raise RuleFileError(f"{full_id}: basis names act {spec.basis.act}, which is not in acts.yaml")
            try:
                if isinstance(spec, RuleSpec):
                    if spec.then.question != provision.spec.question:
                        raise RuleFileError(f"{full_id}: concludes question {spec.then.question}, but the file "
                                            f"answers {provision.spec.question}")
                    if provision.spec.outcomes and spec.then.outcome not in provision.spec.outcomes:
                        raise RuleFileError(f"{full_id}: outcome {spec.then.outcome} is not among the file's outcomes")
                    condition = parse_condition(spec.when, scope)
                    if spec.then.per is None and (need_facts := sorted(_need_facts(condition))):
                        raise RuleFileError(f"{full_id}: answers for the case, but reads {need_facts}, facts of one "
                                            "need (answer per need: `then: {per: need}`)")
                    written[full_id] = (provision, spec, condition)
                else:
                    options = tuple(Option(o, parse_condition(o.fulfilled_when, scope)) for o in spec.options)
                    fulfilled = Or(tuple(o.fulfilled for o in options)) if options else \
                        parse_condition(spec.fulfilled_when, scope)
                    duties[full_id] = Duty(full_id, provision, spec, parse_condition(spec.applies_when, scope),
                                           fulfilled, options)
            except ConditionError as error:
                raise RuleFileError(f"{full_id}: {error}") from None
    for duty in duties.values():
        if duty.after is not None and (duty.after not in duties or duty.after == duty.id):
            raise RuleFileError(f"{duty.id}: after names {duty.spec.after}, which is no other duty of its file")
        if duty.after is not None and duties[duty.after].per_need != duty.per_need:
            raise RuleFileError(f"{duty.id}: after names {duty.spec.after}, which is owed on another decision "
                                "(the case's or a need's) than this duty")

    overridden_by: dict[str, list[str]] = {full_id: [] for full_id in written}
    for full_id, (provision, spec, _) in written.items():
        for target in spec.overrides:
            target_id = target if "/" in target else provision.item_id(target)
            if target_id not in written:
                raise RuleFileError(f"{full_id}: overrides {target}, which does not exist")
            then = written[target_id][1].then
            if (then.question, then.per) != (spec.then.question, spec.then.per):
                raise RuleFileError(f"{full_id}: overrides {target}, a rule for another question")
            overridden_by[target_id].append(full_id)

    rules: dict[str, Rule] = {}
    for full_id, (provision, spec, condition) in written.items():
        exceptions = [Not(written[other][2]) for other in overridden_by[full_id]]
        effective = And((condition, *exceptions)) if exceptions else condition
        rules[full_id] = Rule(full_id, provision, spec, condition, effective)
    return rules, duties, weighings
