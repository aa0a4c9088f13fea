"""`regelmotor check`: is the rule book consistent? Checks beyond what the loader already refuses, with a report.

    load            the rule files load (the loader refuses unknown facts, duplicate ids, missing bases, an
                    incomplete rate table, …: what it refuses is not checked again here)
    facts           every fact of the vocabulary is named by some condition, consideration or amount (no dead
                    vocabulary)
    validity        each provision chain — its versions and the provisions that succeed it in a later act —
                    runs without gaps or overlaps
    rules reachable every rule fires on some generated case (and durable-rules agrees on that case)
    outcomes        every outcome of every question is reached by some generated case
    conflicts       no two rules for one question with different outcomes can hold together, unless one
                    overrides the other: decided symbolically (the two effective conditions' disjunctive normal
                    forms are solved over the facts, and any solution is confirmed by evaluating both conditions)
                    and by search (no generated case fires both)

The search is deterministic: a seeded generator (`engine.verify.casegen`) draws cases per period of law in force, and
the compiled evaluator (`engine.run.compiled`) evaluates them; a rule's first witness is then run through
durable-rules too. Nothing here states a legal condition: it reads them all from the rule files.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from engine.case.facts import VOCABULARY, observe
from engine.case.model import Case
from engine.law.expressions import facts_in
from engine.law.normal_form import TooLarge, normal_form
from engine.law.rulebook import (
    RULES_DIR,
    UNDETERMINED,
    Provision,
    Rule,
    Rulebook,
    RuleFileError,
    RuleSet,
    load_rulebook,
)
from engine.run.compiled import CompiledEngine
from engine.run.runtime import DurableEngine, Firing
from engine.verify import casegen
from engine.verify.solver import solve, together

DAY = dt.timedelta(days=1)
MIN_CASES = 1500  # per period of law, always: the conflict search needs them even when all rules are reached
MAX_CASES = 6000  # per period, while some rule or outcome is not reached yet


@dataclass
class Finding:
    name: str
    ok: bool
    summary: str
    details: list[str] = field(default_factory=list)


@dataclass
class Report:
    rules_dir: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(finding.ok for finding in self.findings)

    def add(self, name: str, problems: list[str], summary: str, details: Iterable[str] = ()) -> None:
        self.findings.append(Finding(name, not problems, summary, problems + list(details)))

    def text(self) -> str:
        lines = [f"regelmotor check: {self.rules_dir}"]
        for finding in self.findings:
            lines.append(f"  {'ok  ' if finding.ok else 'FAIL'}  {finding.name}: {finding.summary}")
            lines += [f"          {line}" for line in finding.details]
        failed = [f.name for f in self.findings if not f.ok]
        lines.append("FAILED: " + ", ".join(failed) if failed else "all checks passed")
        return "\n".join(lines)


# --- static checks ----------------------------------------------------------------------------------------


def check_facts(report: Report, rulebook: Rulebook) -> None:
    used: set[str] = set()
    for rule in rulebook.rules.values():
        used |= facts_in(rule.effective)
    for duty in rulebook.duties.values():
        used |= facts_in(duty.applies) | facts_in(duty.fulfilled)
    for amount in rulebook.amounts.values():
        used |= facts_in(amount.need) | facts_in(amount.means)
    for weighing in rulebook.weighings.values():
        used |= facts_in(weighing.condition)
    unused = sorted(VOCABULARY.keys() - used)
    report.add("facts", [f"not named by any rule file: {name}" for name in unused],
               f"{len(used)} of the {len(VOCABULARY)} facts of the vocabulary named by the rule files")


def provision_chains(rulebook: Rulebook) -> list[list[Provision]]:
    """Provisions linked by version (same act and section) or succession (`succeeds`), each chain by date."""
    by_key: dict[str, list[Provision]] = {}
    for provision in rulebook.provisions:
        by_key.setdefault(provision.key, []).append(provision)
    parent = {key: key for key in by_key}

    def root(key: str) -> str:
        while parent[key] != key:
            key = parent[key]
        return key

    problems = []
    for provision in rulebook.provisions:
        succeeds = provision.spec.succeeds
        if succeeds is None:
            continue
        act = rulebook.acts.get(succeeds.act)
        earlier = act and f"{act.slug}/{succeeds.section.replace(' ', '')}"
        if earlier not in by_key:
            problems.append(provision)
            continue
        parent[root(provision.key)] = root(earlier)
    chains: dict[str, list[Provision]] = {}
    for key, provisions in by_key.items():
        chains.setdefault(root(key), []).extend(provisions)
    result = [sorted(chain, key=lambda p: p.valid.valid_from) for chain in chains.values()]
    return sorted(result, key=lambda chain: (chain[0].valid.valid_from, chain[0].key)), problems


def _span(provision: Provision) -> str:
    return f"{provision.path} {provision.valid.valid_from}..{provision.valid.valid_to or ''}"


def check_validity(report: Report, rulebook: Rulebook) -> None:
    chains, dangling = provision_chains(rulebook)
    problems = [f"{p.path}: succeeds {p.spec.succeeds.act} § {p.spec.succeeds.section}, which is not encoded"
                for p in dangling]
    details = []
    for chain in chains:
        details.append(" -> ".join(_span(p) for p in chain))
        for earlier, later in itertools.pairwise(chain):
            end = earlier.valid.valid_to
            if end is None or later.valid.valid_from <= end:
                problems.append(f"overlap: {_span(earlier)} and {_span(later)}")
            elif later.valid.valid_from != end + DAY:
                problems.append(f"gap: {_span(earlier)}, then {_span(later)} "
                                f"({(later.valid.valid_from - end - DAY).days} days without this provision)")
    report.add("validity", problems, f"{len(chains)} provision chains (versions and successors), "
               f"{'no gaps or overlaps' if not problems else 'with gaps or overlaps'}", details)


# --- the search over generated cases -------------------------------------------------------------------------


@dataclass
class Search:
    cases: int = 0
    fired: dict[str, Case] = field(default_factory=dict)  # rule id -> first case it fired on
    outcomes: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (provision path, question)
    conflicts: dict[tuple[str, str], Case] = field(default_factory=dict)  # (rule, rule) -> case


def _questions(ruleset: RuleSet) -> dict[str, tuple[Provision, set[str]]]:
    """Every question of the rule set, the case's and those answered per need, with the outcomes it may have."""
    return {q: (p, set(p.spec.outcomes) or {r.outcome for r in ruleset.rules_by_question[q]})
            for q, p in (ruleset.questions | ruleset.need_questions).items()}


def sessions(observations) -> list[tuple[dict, bool]]:
    """The fact sets a case is evaluated on: the case's, and one per need (the case's and the need's); each with
    whether it answers the needs' questions."""
    return [(observations.values, False)] + [(observations.values | facts, True)
                                             for facts in observations.needs.values()]


def search(rulebook: Rulebook, periods: list[casegen.Period], seed: int, min_cases: int, max_cases: int) -> Search:
    result = Search()
    compiled = CompiledEngine()
    for index, period in enumerate(periods):
        ruleset = period.ruleset
        source = casegen.RandomSource(f"{seed}/{index}")
        wanted_rules = {rule.id for rule in ruleset.rules}
        questions = _questions(ruleset)
        for count in itertools.count():
            if count >= max_cases or (count >= min_cases and wanted_rules <= result.fired.keys() and all(
                    expected | {UNDETERMINED} <= result.outcomes.get((p.path, q), set())
                    for q, (p, expected) in questions.items())):
                break
            case = casegen.generate_case(source, rulebook, [period])
            result.cases += 1
            for facts, per_need in sessions(observe(case, case.rate_table or rulebook.rates)):
                concluded = {r.item_id for r in compiled.run(ruleset, facts) if r.firing == Firing.concludes}
                by_question: dict[str, list[Rule]] = {}
                for rule in ruleset.rules:
                    if rule.id in concluded:
                        result.fired.setdefault(rule.id, case)
                        by_question.setdefault(rule.question, []).append(rule)
                for question, (provision, _) in questions.items():
                    if (question in ruleset.need_questions) != per_need:
                        continue
                    fired = by_question.get(question, [])
                    seen = result.outcomes.setdefault((provision.path, question), set())
                    seen |= {rule.outcome for rule in fired} or {UNDETERMINED}
                    for a, b in itertools.combinations(fired, 2):
                        if a.outcome != b.outcome:
                            result.conflicts.setdefault(tuple(sorted((a.id, b.id))), case)
    return result


def _case_json(case: Case) -> str:
    return json.dumps(case.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False,
                      separators=(",", ":"))


def check_reachability(report: Report, rulebook: Rulebook, found: Search, periods: list[casegen.Period],
                       confirm: bool) -> None:
    unreached = []
    for rule in rulebook.rules.values():
        if rule.id in found.fired:
            continue
        try:
            possible = any(solve(conjunction, _all_outcomes(rulebook)) for conjunction in normal_form(rule.effective))
        except TooLarge:
            possible = True
        in_force = any(rule in period.ruleset.rules for period in periods)
        why = "not in force on any day checked" if not in_force else \
            "its condition cannot hold (its literals contradict)" if not possible else \
            f"no generated case fired it ({found.cases} cases)"
        unreached.append(f"{rule.id}: {why}")
    disagreements = _confirm_with_durable_rules(rulebook, found) if confirm else []
    reached = len(rulebook.rules) - len(unreached)
    report.add("rules reachable", unreached + disagreements,
               f"{reached} of {len(rulebook.rules)} rules fired on {found.cases} generated cases"
               + (" (each first witness confirmed with durable-rules)" if confirm and not disagreements else ""))


def _confirm_with_durable_rules(rulebook: Rulebook, found: Search) -> list[str]:
    engine = DurableEngine()
    problems = []
    for rule_id, case in sorted(found.fired.items()):
        ruleset = rulebook.ruleset_on(case.decision_date)
        records = [record for facts, _ in sessions(observe(case, case.rate_table or rulebook.rates))
                   for record in engine.run(ruleset, facts)]
        if not any(r.item_id == rule_id and r.firing == Firing.concludes for r in records):
            problems.append(f"{rule_id}: fires compiled but not in durable-rules on {_case_json(case)}")
    return problems


def check_outcomes(report: Report, found: Search, periods: list[casegen.Period]) -> None:
    expected: dict[tuple[str, str], set[str]] = {}
    for period in periods:
        for question, (provision, outcomes) in _questions(period.ruleset).items():
            expected.setdefault((provision.path, question), set()).update(outcomes | {UNDETERMINED})
    problems, details = [], []
    for (path, question), outcomes in sorted(expected.items()):
        seen = found.outcomes.get((path, question), set())
        missing = sorted(outcomes - seen)
        if missing:
            problems.append(f"{path} (question {question}): never {', '.join(missing)}")
        details.append(f"{path} (question {question}): {', '.join(sorted(seen & outcomes))}")
    report.add("outcomes reachable", problems, f"{len(expected)} questions (per provision version), "
               f"{sum(len(o) for o in expected.values())} outcomes including undetermined", details)


def _all_outcomes(rulebook: Rulebook) -> dict[str, set[str]]:
    outcomes: dict[str, set[str]] = {}
    for rule in rulebook.rules.values():
        outcomes.setdefault(rule.question, set()).add(rule.outcome)
    return outcomes


def _overrides(first: Rule, second: Rule) -> bool:
    def targets(rule: Rule) -> set[str]:
        return {t if "/" in t else rule.provision.item_id(t) for t in rule.spec.overrides}

    return second.id in targets(first) or first.id in targets(second)


def check_conflicts(report: Report, rulebook: Rulebook, found: Search, periods: list[casegen.Period]) -> None:
    rulesets = {period.ruleset.digest: period.ruleset for period in periods}
    outcomes_of = _all_outcomes(rulebook)
    problems: list[str] = []
    pairs = exclusive = by_override = 0
    checked: set[tuple[str, str]] = set()
    for ruleset in rulesets.values():
        for question, rules in ruleset.rules_by_question.items():
            for first, second in itertools.combinations(rules, 2):
                key = tuple(sorted((first.id, second.id)))
                if first.outcome == second.outcome or key in checked:
                    continue
                checked.add(key)
                pairs += 1
                overridden = _overrides(first, second)
                try:
                    witness = together(first.effective, second.effective, outcomes_of)
                except TooLarge:
                    witness = None
                    problems.append(f"{first.id} and {second.id}: conditions too large to decide symbolically")
                if witness is not None:
                    facts, premises = witness
                    problems.append(
                        f"{first.id} ({first.outcome}) and {second.id} ({second.outcome}) can hold together "
                        f"{'(despite the override) ' if overridden else ''}for question {question}: on the facts "
                        f"{json.dumps(facts, ensure_ascii=False, sort_keys=True)}"
                        + (f" with outcomes {json.dumps(premises, sort_keys=True)}" if premises else ""))
                elif overridden:
                    by_override += 1
                else:
                    exclusive += 1
    for (first, second), case in sorted(found.conflicts.items()):
        problems.append(f"{first} and {second} both fired on a generated case: {_case_json(case)}")
    report.add("conflicts", problems,
               f"{pairs} pairs of rules with different outcomes for one question: {exclusive} exclusive by their "
               f"conditions, {by_override} by an override; none fired together on {found.cases} generated cases"
               if not problems else f"{pairs} pairs of rules with different outcomes for one question")


# --- all of it ----------------------------------------------------------------------------------------------


def run_checks(rules_dir: Path = RULES_DIR, seed: int = 0, min_cases: int = MIN_CASES, max_cases: int = MAX_CASES,
               latest: dt.date | None = None, confirm: bool = True) -> Report:
    report = Report(rules_dir)
    try:
        rulebook = load_rulebook(rules_dir)
    except (RuleFileError, OSError) as error:
        report.add("load", [str(error)], "the rule files do not load")
        return report
    report.add("load", [], f"{len(rulebook.provisions)} provision files, {len(rulebook.acts)} acts, "
               f"{len(rulebook.rules)} rules, {len(rulebook.duties)} duties")
    check_facts(report, rulebook)
    check_validity(report, rulebook)
    try:
        periods = casegen.law_periods(rulebook, latest or dt.date.today() + dt.timedelta(days=365))
    except RuleFileError as error:
        report.add("periods", [str(error)], "the rule sets in force cannot be assembled")
        return report
    found = search(rulebook, periods, seed, min_cases, max_cases)
    check_reachability(report, rulebook, found, periods, confirm)
    check_outcomes(report, found, periods)
    check_conflicts(report, rulebook, found, periods)
    return report
