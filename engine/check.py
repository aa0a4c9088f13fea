"""`regelmotor check`: is the rule book consistent? Checks beyond what the loader already refuses, with a report.

    load            the rule files load (the loader refuses unknown facts, duplicate ids, missing bases, …)
    ids             every rule and duty id is unique, across acts and versions
    facts           every fact a condition or an amount names is in the fact vocabulary
    validity        each provision chain — its versions and the provisions that succeed it in a later act —
                    runs without gaps or overlaps
    rate tables     every row has a source; rows do not overlap; the known gaps hold no row
    rules reachable every rule fires on some generated case (and durable-rules agrees on that case)
    outcomes        every outcome of every question is reached by some generated case
    conflicts       no two rules for one question with different outcomes can hold together, unless one
                    overrides the other: decided symbolically (the two effective conditions' disjunctive normal
                    forms are solved over the facts, and any solution is confirmed by evaluating both conditions)
                    and by search (no generated case fires both)

The search is deterministic: a seeded generator (`engine.casegen`) draws cases per period of law in force, and
the pure-Python oracle (`engine.oracle`) evaluates them; a rule's first witness is then run through durable-rules
too. Nothing here states a legal condition: it reads them all from the rule files.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from math import ceil, floor
from pathlib import Path
from typing import Any

from engine import casegen
from engine.case import Case
from engine.expressions import (
    NEGATED,
    And,
    Condition,
    Const,
    FactRef,
    InSet,
    Known,
    Not,
    Or,
    OutcomeRef,
    facts_in,
    linear_terms,
    truth,
)
from engine.facts import VOCABULARY, FactKind, derive_facts
from engine.oracle import OracleEngine
from engine.rates import RateTable, load_rate_table
from engine.rulebook import (
    NATIONAL_RATES,
    RULES_DIR,
    Outcome,
    Provision,
    Rule,
    Rulebook,
    RuleFileError,
    RuleSet,
    load_rulebook,
)
from engine.runtime import Firing

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


def check_ids(report: Report, rulebook: Rulebook) -> None:
    ids = [f"{p.id_prefix}/{spec.id}" for p in rulebook.provisions for spec in p.contents.rules + p.contents.duties]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    report.add("ids", [f"duplicate id {i}" for i in duplicates],
               f"{len(ids)} rule and duty ids, {len(set(ids))} distinct")


def check_facts(report: Report, rulebook: Rulebook) -> None:
    used: dict[str, set[str]] = {}
    for rule in rulebook.rules.values():
        used[rule.id] = facts_in(rule.effective)
    for duty in rulebook.duties.values():
        used[duty.id] = facts_in(duty.applies) | facts_in(duty.fulfilled)
    for path, amount in getattr(rulebook, "amounts", {}).items():
        used[f"{path} amount"] = facts_in(amount.need) | facts_in(amount.means)
    problems = [f"{item}: unknown fact {name}" for item, names in sorted(used.items())
                for name in sorted(names - VOCABULARY.keys())]
    named = set().union(*used.values())
    unused = sorted(VOCABULARY.keys() - named)
    report.add("facts", problems, f"{len(named)} facts named by the rule files, all in the vocabulary of "
               f"{len(VOCABULARY)}", [f"not used by any rule file: {', '.join(unused)}"] if unused else [])


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
        succeeds = getattr(provision.spec, "succeeds", None)
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


def check_rate_tables(report: Report, rules_dir: Path, rulebook: Rulebook) -> None:
    problems, details = [], []
    paths = sorted((rules_dir / "parameters").glob("*.yaml"))
    for path in paths:
        relative = path.relative_to(rules_dir).as_posix()
        try:
            table = rulebook.rates if relative == NATIONAL_RATES else load_rate_table(path)
        except (ValueError, OSError) as error:
            problems.append(f"{relative}: {error}")
            continue
        problems += [f"{relative}: {line}" for line in _rate_table_problems(table)]
        details.append(f"{relative}: {len(table.rows)} rows from {table.rows[0].valid_from}, each with a source; "
                       f"{len(table.known_gaps)} known gaps")
    report.add("rate tables", problems, f"{len(paths)} tables", details)


def _rate_table_problems(table: RateTable) -> list[str]:
    problems = []
    for row in table.rows:
        if not row.source.strip():
            problems.append(f"row from {row.valid_from} has no source")
    for earlier, later in itertools.pairwise(table.rows):
        if later.valid_from <= earlier.valid_from:
            problems.append(f"rows from {earlier.valid_from} and {later.valid_from} overlap")
    for gap in table.known_gaps:
        if gap.valid_to < gap.valid_from:
            problems.append(f"known gap {gap.valid_from}..{gap.valid_to} ends before it starts")
        inside = [row.valid_from for row in table.rows if gap.valid_from <= row.valid_from <= gap.valid_to]
        if inside:
            problems.append(f"known gap {gap.valid_from}..{gap.valid_to} holds rows from {inside}")
    for first, second in itertools.combinations(table.known_gaps, 2):
        if first.valid_from <= second.valid_to and second.valid_from <= first.valid_to:
            problems.append(f"known gaps {first.valid_from} and {second.valid_from} overlap")
    return problems


# --- the symbolic check: can two conditions hold together? --------------------------------------------------

# A literal of a condition's disjunctive normal form. Every literal on a fact implies that the fact is known.
#   ("known", fact, present)  ("eq", fact, value, equal)  ("in", fact, options, member)
#   ("outcome", question, outcome, equal)  ("linear", {fact: coefficient}, constant, op)  — sum + constant op 0
Literal = tuple
MAX_CONJUNCTIONS = 20_000


class TooLarge(Exception):
    pass


def dnf(node: Condition, want: bool = True) -> list[tuple[Literal, ...]]:
    """The conjunctions of literals under which `node` is definitely `want` (Kleene)."""
    if isinstance(node, Const):
        return [()] if bool(node.value) == want else []
    if isinstance(node, Not):
        return dnf(node.item, not want)
    if isinstance(node, And | Or):
        parts = [dnf(item, want) for item in node.items]
        if isinstance(node, And) == want:
            size = 1
            for part in parts:
                size *= len(part)
            if size > MAX_CONJUNCTIONS:
                raise TooLarge
            return [sum(choice, ()) for choice in itertools.product(*parts)]
        return [conjunction for part in parts for conjunction in part]
    if isinstance(node, Known):
        return [(("known", node.name, want),)]
    if isinstance(node, InSet):
        if isinstance(node.subject, OutcomeRef):
            tests = [("outcome", node.subject.question, str(option), want) for option in node.options]
            return [(test,) for test in tests] if want else [tuple(tests)]
        return [(("in", node.subject.name, tuple(node.options), want),)]
    op = node.op if want else NEGATED[node.op]
    left, right = node.left, node.right
    if isinstance(right, OutcomeRef):
        left, right = right, left
    if isinstance(left, OutcomeRef):
        return [(("outcome", left.question, str(right.value), op == "=="),)]
    if isinstance(left, Const) and isinstance(right, FactRef):
        left, right = right, left
    if isinstance(right, Const) and isinstance(right.value, str | bool):
        return [(("eq", left.name, right.value, op == "=="),)]
    terms, constant = linear_terms(left, 1)
    right_terms, right_constant = linear_terms(right, -1)
    for name, coefficient in right_terms.items():
        terms[name] = terms.get(name, 0) + coefficient
    known = tuple(("known", name, True) for name in sorted(terms))
    terms = {name: c for name, c in terms.items() if c}
    constant += right_constant
    if op == "!=":
        return [known + (("linear", terms, constant, "<"),), known + (("linear", terms, constant, ">"),)]
    return [known + (("linear", terms, constant, op),)]


def _linear_solution(constraints: list[tuple[dict[str, int], int, str]]) -> dict[str, int] | None:
    """Whole numbers >= 0 satisfying every `sum + constant op 0`, by Fourier-Motzkin elimination and back-
    substitution; None when there are none (or none was found)."""
    rows: list[tuple[dict[str, Fraction], Fraction]] = []  # sum + constant <= 0
    names = sorted({name for terms, _, _ in constraints for name in terms})
    for terms, constant, op in constraints:
        terms = {n: Fraction(c) for n, c in terms.items()}
        if op in ("<", "<=", "=="):
            rows.append((terms, Fraction(constant) + (1 if op == "<" else 0)))
        if op in (">", ">=", "=="):
            rows.append(({n: -c for n, c in terms.items()}, -Fraction(constant) + (1 if op == ">" else 0)))
    rows += [({name: Fraction(-1)}, Fraction(0)) for name in names]
    stages = [rows]
    for name in names:
        current = stages[-1]
        lower = [r for r in current if r[0].get(name, 0) < 0]
        upper = [r for r in current if r[0].get(name, 0) > 0]
        rest = [r for r in current if r[0].get(name, 0) == 0]
        for (lt, lc), (ut, uc) in itertools.product(lower, upper):
            a, b = -lt[name], ut[name]
            combined = {n: lt.get(n, 0) * b + ut.get(n, 0) * a for n in set(lt) | set(ut)}
            combined = {n: c for n, c in combined.items() if c and n != name}
            rest.append((combined, lc * b + uc * a))
        if len(rest) > 5000:
            return None
        stages.append(rest)
    if any(not terms and constant > 0 for terms, constant in stages[-1]):
        return None
    values: dict[str, int] = {}
    for index in reversed(range(len(names))):
        name, low, high = names[index], Fraction(0), None
        for terms, constant in stages[index]:
            coefficient = terms.get(name, 0)
            if not coefficient:
                continue
            if any(n not in values for n in terms if n != name):
                continue
            bound = -(constant + sum(c * values[n] for n, c in terms.items() if n != name)) / coefficient
            if coefficient > 0:
                high = bound if high is None else min(high, bound)
            else:
                low = max(low, bound)
        value = ceil(low)
        if high is not None and value > floor(high):
            return None
        values[name] = value
    return values


def _placeholder(name: str) -> Any:
    kind = VOCABULARY[name].kind
    return {FactKind.boolean: False, FactKind.code: "other"}.get(kind, 0)


def solve(conjunction: tuple[Literal, ...], outcomes_of: dict[str, set[str]]) -> tuple[dict, dict] | None:
    """Facts and premise outcomes under which every literal holds, or None when they contradict."""
    present = {lit[1] for lit in conjunction if lit[0] in ("eq", "in") or (lit[0] == "known" and lit[2])}
    present |= {name for lit in conjunction if lit[0] == "linear" for name in lit[1]}
    absent = {lit[1] for lit in conjunction if lit[0] == "known" and not lit[2]}
    if present & absent:
        return None
    outcomes: dict[str, str] = {}
    for question in {lit[1] for lit in conjunction if lit[0] == "outcome"}:
        tests = [lit for lit in conjunction if lit[0] == "outcome" and lit[1] == question]
        candidates = sorted(outcomes_of.get(question, set()) | {t[2] for t in tests if t[3]})
        fitting = [o for o in candidates if all((o == t[2]) == t[3] for t in tests)]
        if not fitting:
            return None
        outcomes[question] = fitting[0]
    facts: dict[str, Any] = {}
    for name in {lit[1] for lit in conjunction if lit[0] in ("eq", "in")}:
        tests = [lit for lit in conjunction if lit[0] in ("eq", "in") and lit[1] == name]
        candidates = [True, False] if VOCABULARY[name].kind == FactKind.boolean else \
            sorted({str(v) for t in tests for v in (t[2] if t[0] == "in" else (t[2],))}) + ["(another value)"]

        def holds(value, test) -> bool:
            return (value == test[2]) == test[3] if test[0] == "eq" else (value in test[2]) == test[3]

        fitting = [v for v in candidates if all(holds(v, t) for t in tests)]
        if not fitting:
            return None
        facts[name] = fitting[0]
    numbers = _linear_solution([(lit[1], lit[2], lit[3]) for lit in conjunction if lit[0] == "linear"])
    if numbers is None:
        return None
    facts.update(numbers)
    for name in present - facts.keys():
        facts[name] = _placeholder(name)
    return facts, outcomes


def together(first: Condition, second: Condition, outcomes_of: dict[str, set[str]]) -> tuple[dict, dict] | None:
    """Facts and premise outcomes on which both conditions are definitely true — confirmed by evaluating them —
    or None when their literals contradict in every pair of conjunctions. Raises TooLarge."""
    for a, b in itertools.product(dnf(first), dnf(second)):
        solution = solve(a + b, outcomes_of)
        if solution is not None:
            facts, outcomes = solution
            if truth(first, facts, outcomes) is True and truth(second, facts, outcomes) is True:
                return solution
    return None


# --- the search over generated cases -------------------------------------------------------------------------


@dataclass
class Search:
    cases: int = 0
    fired: dict[str, Case] = field(default_factory=dict)  # rule id -> first case it fired on
    outcomes: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # (provision path, question)
    conflicts: dict[tuple[str, str], Case] = field(default_factory=dict)  # (rule, rule) -> case


def _questions(ruleset: RuleSet) -> dict[str, tuple[Provision, set[str]]]:
    return {q: (p, {o.value for o in p.spec.outcomes} or {r.outcome.value for r in ruleset.rules_by_question[q]})
            for q, p in ruleset.questions.items()}


def search(rulebook: Rulebook, periods: list[casegen.Period], seed: int, min_cases: int, max_cases: int) -> Search:
    result = Search()
    oracle = OracleEngine()
    for index, period in enumerate(periods):
        ruleset = period.ruleset
        source = casegen.RandomSource(f"{seed}/{index}")
        wanted_rules = {rule.id for rule in ruleset.rules}
        questions = _questions(ruleset)
        for count in itertools.count():
            if count >= max_cases or (count >= min_cases and wanted_rules <= result.fired.keys() and all(
                    expected | {Outcome.undetermined.value} <= result.outcomes.get((p.path, q), set())
                    for q, (p, expected) in questions.items())):
                break
            case = casegen.generate_case(source, rulebook, [period])
            facts = derive_facts(case, case.rate_table or rulebook.rates)
            concluded = {r.item_id for r in oracle.run(ruleset, facts) if r.firing == Firing.concludes}
            result.cases += 1
            by_question: dict[str, list[Rule]] = {}
            for rule in ruleset.rules:
                if rule.id in concluded:
                    result.fired.setdefault(rule.id, case)
                    by_question.setdefault(rule.question, []).append(rule)
            for question, (provision, _) in questions.items():
                fired = by_question.get(question, [])
                seen = result.outcomes.setdefault((provision.path, question), set())
                seen |= {rule.outcome.value for rule in fired} or {Outcome.undetermined.value}
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
            possible = any(solve(conjunction, _all_outcomes(rulebook)) for conjunction in dnf(rule.effective))
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
    from engine.runtime import DurableEngine  # the only durable-rules user; imported when asked for

    engine = DurableEngine()
    problems = []
    for rule_id, case in sorted(found.fired.items()):
        ruleset = rulebook.ruleset_on(case.decision_date)
        records = engine.run(ruleset, derive_facts(case, case.rate_table or rulebook.rates))
        if not any(r.item_id == rule_id and r.firing == Firing.concludes for r in records):
            problems.append(f"{rule_id}: fires in the oracle but not in durable-rules on {_case_json(case)}")
    return problems


def check_outcomes(report: Report, found: Search, periods: list[casegen.Period]) -> None:
    expected: dict[tuple[str, str], set[str]] = {}
    for period in periods:
        for question, (provision, outcomes) in _questions(period.ruleset).items():
            expected.setdefault((provision.path, question), set()).update(outcomes | {Outcome.undetermined.value})
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
        outcomes.setdefault(rule.question, set()).add(rule.outcome.value)
    return outcomes


def _overrides(first: Rule, second: Rule) -> bool:
    def targets(rule: Rule) -> set[str]:
        return {t if "/" in t else f"{rule.provision.id_prefix}/{t}" for t in rule.spec.overrides}

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
    check_ids(report, rulebook)
    check_facts(report, rulebook)
    check_validity(report, rulebook)
    check_rate_tables(report, rules_dir, rulebook)
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
