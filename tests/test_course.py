"""The course map has one source, ``cnn_course.course``: notebook 00 and the README show it.

A test here fails when the map disagrees with a notebook (title, decks named in its first
Markdown cell), when notebook 00's saved map or the README's table is stale, or when a
notebook is missing from the map.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from cnn_course import course, slides

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAP_START = "<!-- course-map:start"
MAP_END = "<!-- course-map:end -->"


def _intro(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "markdown")


def _decks_named(text: str) -> tuple[str, ...]:
    # "deck 000", "decks 001 and 003"; not the 000 of "60 000"
    return tuple(sorted(set(re.findall(r"(?<!\d )\b(00[0-4])\b", text))))


def test_map_is_in_course_order_with_known_decks():
    numbers = [s.number for s in course.COURSE]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))
    known = {name[:3] for name in slides.DECKS}
    for entry in course.COURSE:
        assert entry.decks and set(entry.decks) <= known, entry
        assert list(entry.decks) == sorted(entry.decks), entry


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_is_on_the_map_with_its_title_and_decks(path):
    entry = course.section(path.stem[:2])
    intro = _intro(path)
    title = intro.splitlines()[0]
    assert title == f"# {entry.number} · {entry.title}"
    # the decks the opening cell says the notebook follows are the map's decks
    assert _decks_named("\n".join(intro.splitlines()[1:])) == entry.decks


def test_notebook_00_shows_the_map_and_the_quoted_numbers():
    nb = nbformat.read(ROOT / "notebooks" / "00_getting_started.ipynb", as_version=4)
    shown = [
        output["data"]["text/markdown"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "text/markdown" in output.get("data", {})
    ]
    assert course.course_map() in shown, "notebook 00's course map is stale: re-run it"
    assert course.quoted_table() in shown, "notebook 00's list of quoted numbers is stale"


def test_readme_map_lists_the_course_with_its_decks():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split(MAP_START, 1)[1].split(MAP_END, 1)[0]
    rows = [
        line.split(" | ") for line in table.splitlines() if line.startswith("| ") and "·" in line
    ]
    assert len(rows) == len(course.COURSE)
    for row, entry in zip(rows, course.COURSE, strict=True):
        assert f"{entry.number} · {entry.title}" in row[1]
        assert row[2] == entry.teaches
        assert row[3] == ", ".join(entry.decks)


def test_quoted_numbers_name_their_deck_and_reason():
    assert course.QUOTED
    for quoted in course.QUOTED:
        assert quoted.deck in slides.DECKS and quoted.slide and quoted.what and quoted.why
    assert "Top-1" in course.QUOTED[0].what  # deck 004's keras.applications accuracies


def test_section_rejects_bad_numbers():
    with pytest.raises(ValueError, match="there is no notebook 13; the notebooks are 00, 01"):
        course.section("13")
    with pytest.raises(TypeError, match='a string such as "03", got 3'):
        course.section(3)  # type: ignore[arg-type]
