"""The rendered course site, the README thumbnails and the README's course map."""

from __future__ import annotations

import re
from pathlib import Path

import course_site as site  # scripts/ is on pytest's pythonpath (pyproject.toml)

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


def test_site_builds_a_page_per_notebook_and_links_resolve(tmp_path):
    pages = site.build_site(tmp_path)
    assert (tmp_path / "index.html") in pages
    for nb in NOTEBOOKS:
        assert (tmp_path / f"{nb.stem}.html").is_file()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r'href="([^"#:]+\.html)"', text):
            assert (tmp_path / target).is_file(), f"{page.name} links to missing {target}"
        for target in re.findall(r'src="(thumbnails/[^"]+)"', text):
            assert (tmp_path / target).is_file(), f"{page.name} shows missing {target}"
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.count("colab.research.google.com/github/") == len(NOTEBOOKS)


def test_thumbnails_and_readme_map_are_up_to_date():
    assert site.check() == [], "run `make notebooks` or `python scripts/course_site.py readme`"


def test_readme_shows_a_generated_thumbnail_for_every_notebook_that_plots():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for nb in NOTEBOOKS:
        if site.thumbnail_bytes(nb) is not None:
            assert f"docs/thumbnails/{nb.stem}.png" in readme
