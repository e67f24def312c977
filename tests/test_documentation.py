"""The README is a front door and every link in it and in docs/ leads somewhere.

Every relative link ``[text](target)`` or image ``![alt](target)`` in README.md, CHANGELOG.md and
docs/*.md must name an existing file (relative to the Markdown file), and a ``#anchor`` on a
Markdown target must match one of its headings (GitHub's rule: lower case, punctuation dropped,
spaces to hyphens). Web links are not fetched.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {_anchor(m.group(1)) for m in re.finditer(r"^#+\s+(.*)$", text, flags=re.M)}


def _links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)  # code blocks are not links
    return [m.group(1) for m in LINK.finditer(text)]


def test_the_anchor_rule_follows_github():
    assert _anchor("Contracts and policy levers") == "contracts-and-policy-levers"
    assert _anchor("Result JSON and Excel workbook") == "result-json-and-excel-workbook"
    assert _anchor("What the loader promises (and why)") == "what-the-loader-promises-and-why"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(doc):
    broken = []
    for target in _links(doc):
        if re.match(r"^[a-z]+:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        dest = (doc.parent / file_part).resolve() if file_part else doc
        if not dest.exists():
            broken.append(f"{target}: no file {dest}")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target}: no heading #{anchor} in {dest.name}")
    assert broken == []


def test_the_link_check_finds_a_broken_link(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("# Title\n\n[ok](x.md#title) [gone](missing.md) "
                   "![img](docs/none.png)\n```\n[code](nowhere.md)\n```\n")
    assert _links(doc) == ["x.md#title", "missing.md", "docs/none.png"]
    assert _anchors(doc) == {"title"}


def test_the_readme_is_a_front_door():
    """At most ~200 lines, opening with the two commands; the depth lives in docs/."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200
    assert lines[2:6] == ["```sh", lines[3], lines[4], "```"]
    assert lines[3].startswith("python3.11 tasks.py run") and lines[4].startswith("python3.11 tasks.py test")


def test_no_file_cites_a_design_document_outside_the_repository():
    cited = [str(p.relative_to(ROOT)) for pattern in ("*.py", "*.md", "*.toml")
             for p in ROOT.rglob(pattern)
             if ".venv" not in p.parts and ".git" not in p.parts and p.name != "test_documentation.py"
             and "DESIGN.md" in p.read_text(encoding="utf-8", errors="replace")]
    assert cited == []


def test_the_license_is_stated_in_pyproject():
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
