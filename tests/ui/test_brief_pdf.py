"""The decision brief's one-page PDF (ui/results/brief_pdf.py) and `solve --brief`: the text is
read back from the PDF with pypdf (ligatures folded with NFKC, whitespace collapsed)."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pypdf

from planner.reports.brief import build_brief
from planner.result import Investment
from tests.planner.test_decision_brief import STRESS, plan
from tests.planner.test_report_xlsx import SOLVED_AT, make_project
from ui.results.brief_pdf import brief_pdf_bytes, write_brief_pdf
from ui.shell import cli as ui_cli

TEACHING = Path(__file__).resolve().parents[2] / "sample_projects" / "teaching_chain.m2m.json"


def pdf_text(path) -> tuple[int, str]:
    reader = pypdf.PdfReader(path if isinstance(path, io.BytesIO) else str(path))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def test_pdf_is_one_page_with_the_briefs_text(qapp, tmp_path):
    path = tmp_path / "brief.pdf"
    write_brief_pdf(path, build_brief(make_project(), plan(), solved_at=SOLVED_AT, stress=STRESS))
    pages, text = pdf_text(path)
    assert pages == 1
    for expected in ("Decision brief: =Teaching project", "What to fund", "Contracts and levers",
                     "Defense coverage 2026-2028",
                     "US Magnets Line 2 2026 2028 2028 150.0 15.0 government $6.0M, industry $9.0M",
                     "=1+1 Phase 2 2027 2028 - (upstream) 200.0 10.0 industry",
                     "pf1 Price floor US Magnets government 2027: 2.5; 2028: 3.0 5.5",
                     "NdFeB magnet 2027 201.0 151.0 151.0 50.0 US Magnets US Magnets (151.0 t short)",
                     "1 single point of failure (the most defense demand short in one product and year): "
                     "US Magnets (151.0 t short)"):
        assert expected in text, expected


def test_a_long_plan_still_fits_one_page(qapp, tmp_path):
    """60 investments: the page is scaled down, never split."""
    r = plan()
    r.investments = [Investment("mag-us", "exp1", 2026 + k % 3, 2028, 10.0 + k, 1.0 + k) for k in range(60)]
    path = tmp_path / "long.pdf"
    write_brief_pdf(path, build_brief(make_project(), r, solved_at=SOLVED_AT))
    pages, text = pdf_text(path)
    assert pages == 1 and "69.0" in text  # the last investment (10 + 59 t/yr) is on the page


def test_project_text_is_not_markup(qapp):
    p = make_project()
    p.facilities[2].name = "<b>Magnets & Co</b>"
    data = brief_pdf_bytes(build_brief(p, plan(), solved_at=SOLVED_AT))
    assert "<b>Magnets & Co</b> Line 2" in pdf_text(io.BytesIO(data))[1]


def test_solve_writes_the_brief_from_the_command_line(qapp, tmp_path, capsys):
    """The teaching chain (solved by hand in its README): one build, the NdFeB magnet line,
    100 t/yr decided 2026, online 2027, $7.0M, paid by industry."""
    out = tmp_path / "brief.pdf"
    assert ui_cli.main(["solve", str(TEACHING), "--brief", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    pages, text = pdf_text(out)
    assert pages == 1
    assert "Decision brief: Teaching chain" in text
    assert "Teaching NdFeB magnet plant (Texas) Build the magnet line 2026 2027 2027 100.0 7.0 industry" in text


def test_solve_brief_to_a_missing_folder_is_a_plain_error(qapp, tmp_path, capsys):
    out = tmp_path / "no-such-folder" / "brief.pdf"
    assert ui_cli.main(["solve", str(TEACHING), "--brief", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Cannot write the brief to" in err and "Traceback" not in err
    assert not out.exists()


def test_planner_cli_alone_says_where_the_brief_is_drawn(tmp_path, capsys):
    from planner.cli.main import main as planner_main

    assert planner_main(["solve", str(TEACHING), "--brief", str(tmp_path / "b.pdf")]) == 1
    assert "drawn by the desktop package" in capsys.readouterr().err
