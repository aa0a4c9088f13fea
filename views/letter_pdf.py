"""The letter draft as a PDF, generated here with fpdf2 and the DejaVu Serif fonts in `views/fonts/` (no font is
looked up on the machine, nothing is fetched). A blank is printed as a shaded box saying what to write; every page
says it is a draft."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from engine.case.glossary import show
from views.letter import Letter

FONTS = Path(__file__).with_name("fonts")
FAMILY = "DejaVuSerif"
BLANK_FILL = (255, 243, 191)  # a pale yellow: a marked blank, still legible printed in black and white


class _Draft(FPDF):
    def header(self) -> None:
        self.set_font(FAMILY, "", 8)
        self.set_text_color(120, 0, 0)
        self.cell(0, 5, "UTKAST — ikke et vedtak", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 5, f"Side {self.page_no()} av {{nb}}", align="C")


def pdf(letter: Letter) -> bytes:
    document = _Draft(format="A4")
    document.set_title(letter.title)
    document.set_creator("regelmotor")
    document.add_font(FAMILY, "", str(FONTS / "DejaVuSerif.ttf"))
    document.add_font(FAMILY, "B", str(FONTS / "DejaVuSerif-Bold.ttf"))
    document.set_margins(20, 15, 20)
    document.set_auto_page_break(True, margin=18)
    document.add_page()

    def write(text: str, size: float = 10.5, style: str = "", indent: float = 0, fill: bool = False) -> None:
        document.set_font(FAMILY, style, size)
        document.set_x(document.l_margin + indent)
        document.multi_cell(0, size * 0.5, text, fill=fill, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    write(letter.title, 16, "B")
    write(f"Sak: {letter.case_id or '—'}    Vedtaksdato: {show(letter.decision_date)}    Lov: {letter.law}", 9.5)
    document.ln(3)
    for section in letter.sections:
        document.ln(2)
        write(section.heading, 12, "B")
        document.ln(1)
        for paragraph in section.paragraphs:
            if paragraph.blank is not None:
                blank = paragraph.blank
                document.set_fill_color(*BLANK_FILL)
                write(blank.text or f"[Fylles ut av saksbehandler: {blank.label}]", indent=6, fill=blank.text is None)
            else:
                write(paragraph.text or "", style="B" if paragraph.subheading else "")
            for item in paragraph.items:
                write(f"•  {item}", indent=6)
            document.ln(1)
        if section.table:
            document.set_font(FAMILY, "", 10)
            document.set_fill_color(255, 255, 255)
            with document.table(col_widths=(120, 50), text_align=("LEFT", "RIGHT"), first_row_as_headings=False,
                                line_height=5.5) as table:
                for label, value in section.table:
                    row = table.row()
                    row.cell(label)
                    row.cell(value)
    if letter.open_duties:
        document.ln(3)
        write("Åpne plikter før vedtaket kan treffes", 12, "B")
        for duty in letter.open_duties:
            write(f"□  {duty.line()}", 10, indent=2)
    document.ln(4)
    write(letter.note, 9)
    return bytes(document.output())
