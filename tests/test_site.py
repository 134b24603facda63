"""The rendered course site, the README thumbnails and the README's course map."""

from __future__ import annotations

import re
from pathlib import Path

import course_site as site  # scripts/ is on pytest's pythonpath (pyproject.toml)
import nbformat
import pytest
import sync_notebooks

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_every_notebook_states_title_summary_decks_and_run_time():
    infos = site.course()
    assert [i.path for i in infos] == NOTEBOOKS
    for info in infos:
        assert re.match(r"\d\d · ", info.title), info.title
        assert len(info.summary) > 40, f"{info.stem}: the first paragraph is too short"
        assert info.decks, f"{info.stem}: names no deck"
        assert info.run_time != "not stated", f"{info.stem}: no **Run time:** line"
        assert "CPU" in info.run_time, f"{info.stem}: run time must say CPU"


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """The Jupyter Book site, built once for this module's tests (about 15 s on 2 cores)."""
    out = tmp_path_factory.mktemp("site")
    site.build_site(out)
    return out


def _links(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return re.findall(r'(?:href|src)="([^"]+)"', text)


def test_site_has_a_page_per_notebook_with_its_colab_button(built_site):
    url = sync_notebooks.repository_url()
    for nb in NOTEBOOKS:
        page = built_site / f"{nb.stem}.html"
        assert page.is_file(), f"no page for {nb.name}"
        text = page.read_text(encoding="utf-8")
        assert sync_notebooks.colab_url(url, nb.name) in text, f"{page.name}: no Colab button"
        # rendered from the saved outputs: the page shows every figure the notebook drew
        saved = nbformat.read(nb, as_version=4)
        figures = sum(
            "image/png" in output.get("data", {})
            for cell in saved.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
        )
        assert len(re.findall(r'<img[^>]+src="_images/', text)) == figures, page.name
    index = (built_site / "index.html").read_text(encoding="utf-8")
    for nb in NOTEBOOKS:
        assert f'href="{nb.stem}.html"' in index


def test_site_navigates_by_part_and_has_search_and_errata(built_site):
    page = (built_site / f"{NOTEBOOKS[-1].stem}.html").read_text(encoding="utf-8")
    for caption, _ in site.PARTS:
        assert caption in page, f"the navigation lacks the part {caption!r}"
    assert (built_site / "search.html").is_file()
    assert "convolution" in (built_site / "searchindex.js").read_text(encoding="utf-8")
    errata = (built_site / "errata.html").read_text(encoding="utf-8")
    assert "Errata of the lecture decks" in errata
    if site.ERRATA.exists():
        assert errata.count("<tr") >= 10, "the errata tables are missing"


def test_no_internal_link_of_the_site_is_broken(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= len(NOTEBOOKS) + 2
    ids = {}
    broken = []
    for page in pages:
        if "_static" in page.relative_to(built_site).parts:
            continue  # the theme's templates, not pages
        for link in _links(page):
            if re.match(r"[a-z]+:|//|#", link) or link.startswith("data:"):
                continue  # an address outside the site, or an anchor of the page itself
            target, _, fragment = link.split("?")[0].partition("#")
            path = (page.parent / target).resolve()
            if not path.exists():
                broken.append(f"{page.name} -> {link}")
            elif fragment and path.suffix == ".html":
                if path not in ids:
                    ids[path] = set(re.findall(r'id="([^"]+)"', path.read_text(encoding="utf-8")))
                if fragment not in ids[path]:
                    broken.append(f"{page.name} -> {link}")
    assert broken == []


def test_thumbnails_and_readme_map_are_up_to_date():
    assert site.check() == [], "run `make notebooks` or `python scripts/course_site.py readme`"


def test_readme_shows_a_generated_thumbnail_for_every_notebook_that_plots():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for nb in NOTEBOOKS:
        if site.thumbnail_bytes(nb) is not None:
            assert f"docs/thumbnails/{nb.stem}.png" in readme
