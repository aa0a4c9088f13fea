"""The short answer a caseworker reads: per question the outcome in Norwegian, the reasons with their citations,
the missing facts named in Norwegian, what is left to discretion, the guideline calculation, and the duties.

It is built from an `Evaluation` and nothing else — the outcome labels come from rules/outcomes.yaml, the field and
fact names from the glossary — so it can only say what the answer says. `POST /v1/evaluations?view=summary`
returns it as JSON, `regelmotor evaluate --format text` prints it (`text`), and the page renders it.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

from pydantic import Field

from engine.answer.models import AmountBreakdown, Decision, DutyOut, DutyStatus, Evaluation, LegalBasis, Provision
from engine.case.glossary import glossary, kroner, show
from engine.law.schema import OutcomeSpec
from engine.models import OutputModel


def section_url(basis: LegalBasis | Provision) -> str:
    """The section on Lovdata: the act's address with `/§<section>`, which Lovdata opens at the section."""
    return f"{basis.url}/§{basis.section}"


class Fact(OutputModel):
    name: str = Field(description="The fact, by its name in the rule files.")
    label: str = Field(description="The fact in Norwegian.")
    value: str = Field(description="Its value as the reason read it, in Norwegian (ja/nei, kroner, a count).")


class SummaryReason(OutputModel):
    text: str = Field(description="Begrunnelse — the reason in Norwegian, with the case's figures.")
    citation: str = Field(description="Hjemmel — the exact legal basis.")
    url: str = Field(description="The section on Lovdata.")
    facts: list[Fact] = Field(description="The facts the rule read.")
    provisional: bool = Field(description="Concluded before the facts are complete (emergency help).")


class MissingFact(OutputModel):
    path: str = Field(description="The case field, as a path (the form field the page highlights).")
    label: str = Field(description="Feltet — the field in Norwegian.")


class SummaryLine(OutputModel):
    part: str = Field(description="need or means.")
    label: str = Field(description="The line in Norwegian.")
    amount: Decimal = Field(description="Whole kroner; negative where the term reduces its part.")
    details: list[tuple[str, Decimal]] = Field(description="The items behind the line, in Norwegian, with amounts.")


class SummaryAmount(OutputModel):
    kind: str = Field(description="shortfall or surplus.")
    label: str = Field(description="Udekket behov or overskudd.")
    need: Decimal = Field(description="Behov — the monthly need in kroner.")
    counted_means: Decimal = Field(description="Midler — the monthly means counted, in kroner.")
    difference: Decimal = Field(description="The shortfall or the surplus, in kroner.")
    lines: list[SummaryLine] = Field(description="The calculation line by line.")
    rate_table: str | None = Field(description="The rate table and row used, with its source.")
    citation: str = Field(description="The calculation's legal basis.")
    url: str = Field(description="The section on Lovdata.")
    note: str = Field(description="How to read the figures.")


class SummaryDecision(OutputModel):
    question: str = Field(description="The question, e.g. '5-1'.")
    provision: str = Field(description="The provision as a lawyer names it, with its heading.")
    url: str = Field(description="The section on Lovdata.")
    outcome: str = Field(description="The outcome's code (rules/outcomes.yaml).")
    outcome_label: str = Field(description="Utfallet — the outcome in Norwegian.")
    discretion: bool = Field(description="The outcome leaves the decision to the caseworker.")
    reasons: list[SummaryReason] = Field(description="Why: every rule that concluded the outcome.")
    missing_facts: list[MissingFact] = Field(description="What would settle an undetermined outcome.")
    considerations: list[str] = Field(description="Hensyn — what to weigh where discretion is left.")
    amount: SummaryAmount | None = Field(description="The guideline calculation, where the answer has one.")


class SummaryDuty(OutputModel):
    id: str = Field(description="The duty's id (GET /v1/rules/{rule_id}).")
    citation: str = Field(description="Hjemmel — the duty's legal basis.")
    url: str = Field(description="The section on Lovdata.")
    status: DutyStatus = Field(description="open, fulfilled or not_applicable.")
    status_label: str = Field(description="Åpen, oppfylt or gjelder ikke.")
    duty: str = Field(description="What the duty asks of the office, in Norwegian.")
    fulfil_by: str = Field(description="What the record must show, in Norwegian.")
    reason: str = Field(description="Why the duty has this status, in Norwegian.")


class Summary(OutputModel):
    case_id: str | None = Field(description="The caller's case reference, echoed back.")
    decision_date: dt.date = Field(description="Vedtaksdato.")
    law: str = Field(description="The act applied, e.g. 'sosialtjenesteloven (1991)'.")
    decisions: list[SummaryDecision] = Field(description="Per question, in the answer's order.")
    open_duties: list[SummaryDuty] = Field(description="The duties still open: a checklist with what fulfils each.")
    fulfilled_duties: list[SummaryDuty] = Field(description="The duties the record shows fulfilled.")
    warnings: list[str] = Field(description="Merknader — what the caseworker should know, in Norwegian.")


def _reason_facts(facts: dict) -> list[Fact]:
    words = glossary()
    return [Fact(name=name, label=words.fact(name), value=words.fact_value(name, value))
            for name, value in facts.items()]


def _amount(amount: AmountBreakdown) -> SummaryAmount:
    words = glossary()
    table = amount.rate_table
    return SummaryAmount(
        kind=amount.kind, label=words.code("AmountKind", amount.kind), need=amount.need,
        counted_means=amount.counted_means,
        difference=amount.shortfall if amount.kind == "shortfall" else amount.surplus,
        lines=[SummaryLine(part=line.part, label=line.label.nb, amount=line.amount,
                           details=[(detail.label.nb, detail.amount) for detail in line.details])
               for line in amount.lines],
        rate_table=f"{table.title}, satser fra {show(table.row_from)} ({table.source})" if table else None,
        citation=amount.basis.citation, url=section_url(amount.basis), note=amount.note.nb)


def _decision(decision: Decision, outcomes: dict[str, OutcomeSpec]) -> SummaryDecision:
    provision = decision.provision
    spec = outcomes.get(decision.outcome)
    words = glossary()
    return SummaryDecision(
        question=decision.question,
        provision=f"{provision.short_name} § {provision.section} {provision.title}",
        url=section_url(provision), outcome=decision.outcome,
        outcome_label=spec.nb if spec else decision.outcome, discretion=bool(spec and spec.discretion),
        reasons=[SummaryReason(text=r.text_nb, citation=r.basis.citation, url=section_url(r.basis),
                               facts=_reason_facts(r.facts), provisional=r.provisional) for r in decision.reasons],
        missing_facts=[MissingFact(path=path, label=words.field(path)) for path in decision.missing_facts],
        considerations=[c.nb for c in decision.considerations],
        amount=_amount(decision.amount) if decision.amount else None)


def _duty(duty: DutyOut) -> SummaryDuty:
    return SummaryDuty(id=duty.id, citation=duty.provision.citation, url=section_url(duty.provision),
                       status=duty.status, status_label=glossary().code("DutyStatus", duty.status),
                       duty=duty.duty.nb, fulfil_by=duty.fulfil_by.nb, reason=duty.reason.nb)


def summarise(evaluation: Evaluation, outcomes: dict[str, OutcomeSpec]) -> Summary:
    """The summary of an answer; `outcomes` are the rule book's outcome descriptions (labels, discretion)."""
    law = evaluation.law
    return Summary(
        case_id=evaluation.case_id, decision_date=evaluation.decision_date, law=f"{law.short_name} ({law.version})",
        decisions=[_decision(d, outcomes) for d in evaluation.decisions],
        open_duties=[_duty(d) for d in evaluation.duties if d.status == DutyStatus.open],
        fulfilled_duties=[_duty(d) for d in evaluation.duties if d.status == DutyStatus.fulfilled],
        warnings=[w.nb for w in evaluation.warnings])


# --- as text, for a terminal ------------------------------------------------------------------------------


def _wrapped(text: str, indent: str, hanging: str = "", width: int = 100) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + hanging) or [indent]


def text(summary: Summary) -> str:
    """The summary as plain text, readable in a terminal."""
    head = f"Sak {summary.case_id} — " if summary.case_id else ""
    lines = [f"{head}vedtaksdato {show(summary.decision_date)} — {summary.law}", ""]
    for decision in summary.decisions:
        lines.append(f"{decision.provision}: {decision.outcome_label.upper()}")
        for reason in decision.reasons:
            lines += _wrapped(reason.text, "    ")
            lines.append(f"    ({reason.citation}{'; foreløpig' if reason.provisional else ''})")
        if decision.missing_facts:
            lines.append("    Mangler: " + "; ".join(fact.label for fact in decision.missing_facts))
        if decision.considerations:
            lines.append("    Hensyn å vurdere:")
            for consideration in decision.considerations:
                lines += _wrapped(f"- {consideration}", "      ", "  ")
        if decision.amount:
            amount = decision.amount
            lines.append(f"    Veiledende beregning ({amount.citation}): {amount.label.lower()} "
                         f"{kroner(amount.difference)}")
            for line in amount.lines:
                part = glossary().code("AmountPart", line.part)
                lines.append(f"      {part:<7} {line.label:<60} {kroner(line.amount):>12}")
            lines.append(f"      {'':<7} {'Behov i alt':<60} {kroner(amount.need):>12}")
            lines.append(f"      {'':<7} {'Midler i alt':<60} {kroner(amount.counted_means):>12}")
        lines.append("")
    if summary.open_duties:
        lines.append("Åpne plikter:")
        for duty in summary.open_duties:
            lines += _wrapped(f"[ ] {duty.duty} ({duty.citation})", "  ", "    ")
            lines += _wrapped(f"Oppfylles ved: {duty.fulfil_by}", "      ")
        lines.append("")
    if summary.fulfilled_duties:
        lines.append(f"Oppfylte plikter: {len(summary.fulfilled_duties)}")
        lines.append("")
    for warning in summary.warnings:
        lines += _wrapped(f"Merk: {warning}", "")
    return "\n".join(lines).rstrip() + "\n"
