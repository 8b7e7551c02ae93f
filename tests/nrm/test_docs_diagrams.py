"""docs/workflows.md shows pictures drawn from the definitions and the jurisdiction tables:
they must be redrawn when either changes (issue 16)."""
from pathlib import Path

from workflows.diagram import write_docs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "diagrams"


def test_the_documented_pictures_match_the_definitions_and_tables(tmp_path):
    for fresh in write_docs(tmp_path):
        committed = DOCS / fresh.name
        assert committed.exists(), f"{committed} missing: redraw (see workflows.diagram)"
        assert committed.read_text() == fresh.read_text(), \
            f"{committed.name} is out of date: redraw (see workflows.diagram.write_docs)"
