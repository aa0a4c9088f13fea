"""A decision-letter draft (utkast til vedtak) in bokmål, made from an answer and nothing else.

Per question it says what the answer says — never a decision the engine did not make: where the outcome leaves
discretion, the decision is a marked blank for the caseworker; so are the main considerations (forvaltningsloven
§ 25 third ledd), the amount and period where the office may give something (the guideline calculation is a
starting point, never the amount), and the conditions. The reasons name the rules and the facts (§§ 24 and 25);
the letter ends with the appeal information (§ 27), all from rules/letter.yaml.

Each need the application lists is decided on its own (an enkeltvedtak of its own): after the case's decisions the
draft gives each need's, with its blanks (ids `need/<need id>/…`), its reasons and its open duties.

While a blank is empty the draft is unfinished: every forvaltningsloven § 25 duty of the answer, the case's and the
needs', is listed as open, whatever the case record says. A filled blank is the caseworker's own text, put in as
written.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from functools import cache
from pathlib import Path

from pydantic import Field

from engine.answer.models import Decision, DutyOut, DutyStatus, Evaluation, NeedAnswer
from engine.case.glossary import glossary, kroner, show
from engine.law.rulebook import RULES_DIR
from engine.law.schema import OutcomeSpec
from engine.models import InputModel, OutputModel
from engine.yaml_files import load_yaml
from views.summary import SummaryDecision, need_label, summarise

LETTER_FILE = RULES_DIR / "letter.yaml"
REASONS_DUTY = ("forvaltningsloven", "25")  # the duty to give reasons, by act short name and section


# --- rules/letter.yaml ------------------------------------------------------------------------------------


class OutcomeBlank(InputModel):
    id: str = Field(pattern=r"^[a-z]+$")
    label: str


class OutcomeText(InputModel):
    sentence: str
    grants: bool = False
    blank: OutcomeBlank | None = None  # what the caseworker chooses under this outcome (the form of assistance)


class AppealBody(InputModel):
    valid_from: dt.date = Field(alias="from")
    name: str


class ActText(InputModel):
    office: str
    conditions_basis: str
    appeal_basis: str
    appeal_bodies: list[AppealBody] = Field(min_length=1)

    def appeal_body(self, day: dt.date) -> str:
        return [body for body in self.appeal_bodies if body.valid_from <= day][-1].name


class Heading(InputModel):
    heading: str
    paragraphs: list[str]


class ReasonsText(InputModel):
    heading: str
    basis: str
    rules: str
    facts: str
    considerations: str


class LetterTexts(InputModel):
    status: str
    outcomes: dict[str, OutcomeText]
    acts: dict[str, ActText]
    appeal: Heading
    reasons: ReasonsText


@cache
def letter_texts(path: Path = LETTER_FILE) -> LetterTexts:
    return LetterTexts.model_validate(load_yaml(path.read_text(encoding="utf-8")))


# --- the letter -------------------------------------------------------------------------------------------


class Blank(OutputModel):
    id: str = Field(description="The blank's id, to fill it in: `<question>/decision`, `<question>/amount`, "
                                "`<question>/form`, `<question>/consideration/<id>`, `conditions`; a need's "
                                "`need/<need id>/<question>/…`.")
    label: str = Field(description="What the caseworker writes here, in Norwegian.")
    text: str | None = Field(description="The caseworker's text; null while the blank is empty.")


class Paragraph(OutputModel):
    text: str | None = Field(None, description="A paragraph of the letter; null where the paragraph is a blank.")
    blank: Blank | None = Field(None, description="A marked blank for the caseworker's judgement.")
    items: list[str] = Field([], description="A list under the paragraph (rules, facts).")
    subheading: bool = Field(False, description="The paragraph heads what follows (a provision in the reasons).")


class Section(OutputModel):
    heading: str = Field(description="The section's heading.")
    paragraphs: list[Paragraph] = Field(description="Its paragraphs and blanks, in order.")
    table: list[tuple[str, str]] = Field([], description="Rows of a small table (the guideline calculation).")


class OpenDuty(OutputModel):
    id: str = Field(description="The duty's id (GET /v1/rules/{rule_id}).")
    citation: str = Field(description="Hjemmel — the duty's legal basis.")
    duty: str = Field(description="What the duty asks, in Norwegian.")
    why_open: str = Field(description="Why it is open, in Norwegian.")
    need: str | None = Field(None, description="The need whose decision the duty is owed on (its label); null for "
                                               "the case's duties.")

    def line(self) -> str:
        """The duty as the text and the PDF list it."""
        need = f"Behov {self.need}: " if self.need else ""
        return f"{need}{self.duty} ({self.citation}) {self.why_open}"


class Letter(OutputModel):
    draft: bool = Field(True, description="Always true: a draft for the caseworker, never a decision.")
    title: str = Field(description="Utkast til vedtak.")
    case_id: str | None = Field(description="The caller's case reference, echoed back.")
    decision_date: dt.date = Field(description="Vedtaksdato.")
    law: str = Field(description="The act applied, e.g. 'sosialtjenesteloven (1991)'.")
    sections: list[Section] = Field(description="Vedtak, begrunnelse, beregning, vilkår, klageadgang — in order.")
    blanks: list[Blank] = Field(description="Every blank of the draft, in order.")
    empty_blanks: int = Field(description="How many blanks are still empty; the draft is unfinished until none is.")
    open_duties: list[OpenDuty] = Field(description="The duties still open, the duty to give reasons "
                                                    "(forvaltningsloven § 25) among them while a blank is empty.")
    note: str = Field(description="What the draft is and is not.")


NOTE = ("Utkast laget av regelmotor fra svaret på saken. Det er ikke et vedtak: saksbehandleren fyller ut de "
        "merkede feltene, kontrollerer opplysningene og treffer vedtaket.")


class UnknownBlank(ValueError):
    """A filled-in blank the draft does not have."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(", ".join(ids))
        self.ids = ids


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _prefix(need: NeedAnswer | None) -> str:
    """Where a need's blank ids start: `need/<need id>/`; the case's have no prefix."""
    return f"need/{need.id}/" if need else ""


class _Drafter:
    def __init__(self, evaluation: Evaluation, outcomes: dict[str, OutcomeSpec], filled: dict[str, str]) -> None:
        self.evaluation, self.outcomes, self.filled = evaluation, outcomes, filled
        self.texts = letter_texts()
        self.act = self.texts.acts[evaluation.law.act]
        self.blanks: list[Blank] = []
        self.gives_something = False  # some decision asks for an amount and period: conditions may be set
        # The letter names a need by its kind, as the client knows it; by the case's id for it too only where two
        # needs are of one kind.
        kinds = [need.kind for need in evaluation.needs]
        self.need_labels = {need.id: need_label(need, with_id=kinds.count(need.kind) > 1) for need in evaluation.needs}

    def blank(self, blank_id: str, label: str) -> Paragraph:
        text = (self.filled.get(blank_id) or "").strip() or None
        blank = Blank(id=blank_id, label=label, text=text)
        self.blanks.append(blank)
        return Paragraph(blank=blank)

    def _grants(self, decision: Decision) -> bool:
        text = self.texts.outcomes.get(decision.outcome)
        return bool(text and text.grants)

    def _decision(self, decision: Decision, need: NeedAnswer | None) -> list[Paragraph]:
        """A question's decision as the answer gives it, for the case or for a need: the outcome's sentence, what
        the law limits it to, and blanks for what the caseworker decides."""
        provision = decision.provision
        basis = f"{provision.short_name} ({self.evaluation.law.version}) § {provision.section}"
        text = self.texts.outcomes.get(decision.outcome)
        what = _lower_first(provision.title)
        label = self.outcomes[decision.outcome].nb if decision.outcome in self.outcomes else decision.outcome
        sentence = text.sentence.format(what=what, basis=basis) if text else f"{provision.title}: {label}."
        paragraphs = [Paragraph(text=sentence)]
        if decision.scope:
            paragraphs.append(Paragraph(text=f"Avgrensning: {decision.scope.nb}"))
        spec = self.outcomes.get(decision.outcome)
        blank_id = f"{_prefix(need)}{decision.question}"
        if spec and spec.discretion:
            paragraphs.append(self.blank(f"{blank_id}/decision", f"Kontorets avgjørelse om {what}, etter skjønn"))
        if text and text.blank:
            paragraphs.append(self.blank(f"{blank_id}/{text.blank.id}", text.blank.label))
        if self._grants(decision):
            hint = ""
            if decision.amount and decision.amount.kind == "shortfall":
                hint = f" (veiledende beregning: udekket behov {kroner(decision.amount.shortfall)} per måned)"
            # what is given and for how long: where the answer has a calculation, a limit, a need of its own or
            # discretion (an entitlement with none of them is the household's, whose figures are unknown)
            if decision.amount or decision.scope or need or (spec and spec.discretion):
                self.gives_something = True
                paragraphs.append(self.blank(f"{blank_id}/amount", f"Beløp og periode{hint}"))
        if decision.missing_facts:
            paragraphs.append(Paragraph(text="Opplysninger som mangler:",
                                        items=[glossary().field(path) for path in decision.missing_facts]))
        return paragraphs

    def decisions(self) -> Section:
        paragraphs = [p for decision in self.evaluation.decisions for p in self._decision(decision, None)]
        for need in self.evaluation.needs:
            paragraphs.append(Paragraph(text=f"Behov: {self.need_labels[need.id]}", subheading=True))
            paragraphs += [p for decision in need.decisions for p in self._decision(decision, need)]
        return Section(heading="Vedtak", paragraphs=paragraphs)

    def _reasons(self, decisions: list[Decision], short: list[SummaryDecision], need: NeedAnswer | None,
                 heading: str) -> list[Paragraph]:
        texts = self.texts.reasons
        paragraphs: list[Paragraph] = []
        for decision, said in zip(decisions, short, strict=True):
            if not decision.reasons and not decision.considerations:
                continue
            paragraphs.append(Paragraph(text=f"{heading}{said.provision} — {said.outcome_label}", subheading=True))
            paragraphs += [Paragraph(text=reason.text) for reason in said.reasons]
            paragraphs.append(Paragraph(text=f"{texts.rules}:", items=sorted({r.citation for r in said.reasons})))
            facts = {f"{fact.label}: {fact.value}" for reason in said.reasons for fact in reason.facts}
            if facts:
                paragraphs.append(Paragraph(text=f"{texts.facts}:", items=sorted(facts)))
            if decision.considerations:
                paragraphs.append(Paragraph(text=f"{texts.considerations}:"))
                for consideration in decision.considerations:
                    paragraphs.append(Paragraph(text=consideration.nb))
                    paragraphs.append(self.blank(f"{_prefix(need)}{decision.question}/consideration/{consideration.id}",
                                                 "Kontorets vurdering av dette hensynet"))
        return paragraphs

    def reasons(self) -> Section:
        texts = self.texts.reasons
        summary = summarise(self.evaluation, self.outcomes)
        paragraphs = self._reasons(self.evaluation.decisions, summary.decisions, None, "")
        for need, short in zip(self.evaluation.needs, summary.needs, strict=True):
            paragraphs += self._reasons(need.decisions, short.decisions, need, f"{self.need_labels[need.id]}: ")
        return Section(heading=f"{texts.heading} ({texts.basis})", paragraphs=paragraphs)

    def calculations(self) -> list[Section]:
        sections = []
        for short in summarise(self.evaluation, self.outcomes).decisions:
            amount = short.amount
            if amount is None:
                continue
            rows = [(line.label, kroner(line.amount)) for line in amount.lines]
            rows += [("Behov i alt", kroner(amount.need)), ("Midler i alt", kroner(amount.counted_means)),
                     (amount.label, kroner(amount.difference))]
            paragraphs = [Paragraph(text=f"{amount.note} ({amount.citation})")]
            if amount.rate_table:
                paragraphs.append(Paragraph(text=f"Satser: {amount.rate_table}."))
            sections.append(Section(heading=f"Veiledende beregning, {short.provision}", paragraphs=paragraphs,
                                    table=rows))
        return sections

    def conditions(self) -> Section | None:
        if not self.gives_something:
            return None
        return Section(heading="Vilkår", paragraphs=[
            self.blank("conditions", f"Vilkår for stønaden og hvorfor, eller «ingen vilkår» "
                                     f"({self.act.conditions_basis})")])

    def appeal(self) -> Section:
        values = {"office": self.act.office, "appeal_body": self.act.appeal_body(self.evaluation.decision_date),
                  "appeal_basis": self.act.appeal_basis}
        appeal = self.texts.appeal
        return Section(heading=appeal.heading,
                       paragraphs=[Paragraph(text=text.format(**values)) for text in appeal.paragraphs])

    def _open(self, duties: list[DutyOut], empty: int, need: str | None) -> list[OpenDuty]:
        found = []
        for duty in duties:
            basis = duty.provision
            gives_reasons = (basis.short_name, basis.section) == REASONS_DUTY
            if duty.status == DutyStatus.open:
                found.append(OpenDuty(id=duty.id, citation=basis.citation, duty=duty.duty.nb,
                                      why_open=duty.reason.nb, need=need))
            elif gives_reasons and empty and duty.status == DutyStatus.fulfilled:
                found.append(OpenDuty(id=duty.id, citation=basis.citation, duty=duty.duty.nb,
                                      why_open=f"Utkastet har {empty} tomme felt for saksbehandlerens vurdering; "
                                               "begrunnelsen er ikke ferdig.", need=need))
        return found

    def open_duties(self, empty: int) -> list[OpenDuty]:
        duties = self._open(self.evaluation.duties, empty, None)
        for need in self.evaluation.needs:
            duties += self._open(need.duties, empty, self.need_labels[need.id])
        return duties

    def letter(self) -> Letter:
        sections = [self.decisions(), self.reasons(), *self.calculations()]
        conditions = self.conditions()
        if conditions:
            sections.append(conditions)
        sections.append(self.appeal())
        unknown = sorted(set(self.filled) - {blank.id for blank in self.blanks})
        if unknown:
            raise UnknownBlank(unknown)
        empty = sum(1 for blank in self.blanks if blank.text is None)
        law = self.evaluation.law
        return Letter(title="Utkast til vedtak", case_id=self.evaluation.case_id,
                      decision_date=self.evaluation.decision_date, law=f"{law.short_name} ({law.version})",
                      sections=sections, blanks=self.blanks, empty_blanks=empty, open_duties=self.open_duties(empty),
                      note=NOTE)


def draft(evaluation: Evaluation, outcomes: dict[str, OutcomeSpec], filled: dict[str, str] | None = None) -> Letter:
    """The draft of an answer, with the caseworker's text in the blanks named in `filled` (by blank id). Raises
    `UnknownBlank` for a filled blank the draft does not have."""
    return _Drafter(evaluation, outcomes, filled or {}).letter()


# --- as text ----------------------------------------------------------------------------------------------


def text(letter: Letter, width: int = 88) -> str:
    """The draft as plain text; an empty blank reads `[FYLLES UT: …]`."""

    def wrap(line: str, indent: str = "", hanging: str = "") -> list[str]:
        return textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=indent + hanging) or [""]

    out = [f"{letter.title.upper()} — ikke et vedtak før saksbehandleren har fylt ut og kontrollert det", ""]
    out += wrap(f"Sak: {letter.case_id or '—'}. Vedtaksdato: {show(letter.decision_date)}. Lov: {letter.law}.")
    for section in letter.sections:
        out += ["", section.heading, "-" * len(section.heading)]
        for paragraph in section.paragraphs:
            if paragraph.blank is not None:
                blank = paragraph.blank
                out += wrap(blank.text if blank.text else f"[FYLLES UT: {blank.label}]", "    ")
            else:
                out += ([""] if paragraph.subheading else []) + wrap(paragraph.text or "")
            out += [line for item in paragraph.items for line in wrap(f"- {item}", "  ", "  ")]
        if section.table:
            label_width = max(len(label) for label, _ in section.table)
            out += [f"  {label:<{label_width}}  {value:>14}" for label, value in section.table]
    if letter.open_duties:
        out += ["", "Åpne plikter før vedtaket kan treffes", "-" * 37]
        for duty in letter.open_duties:
            out += wrap(f"[ ] {duty.line()}", "", "    ")
    out += [""] + wrap(letter.note)
    return "\n".join(out) + "\n"
