"""Build the course site, the README thumbnails and the README's course map.

What each notebook is comes from one place, ``cnn_course.course.COURSE`` (its title, what it
teaches, the decks it follows); the notebooks add what only they know: their first Markdown
cell's summary and run-time line (``**Run time:**``, written from ``notebooks/run_times.json``),
their first plot, their committed outputs. From them this script makes

* ``site``: the course site, built by Jupyter Book 1.x (Sphinx) from ``book/_config.yml``,
  the notebooks' committed outputs (nothing is re-executed) and the errata page: a page per
  notebook with a Colab launch button, navigation by part of the lecture, search;
  ``site/index.html`` is its home page, the course map;
* ``thumbnails``: ``docs/thumbnails/<notebook>.png``, the first plot each notebook draws
  (or the one in a cell tagged ``thumbnail``), shrunk to a thumbnail;
* ``readme``: the course-map table between the ``course-map`` markers of README.md;
* ``check``: exit status 1 if the thumbnails or the README map are out of date.

Usage::

    python scripts/course_site.py site [--out site]
    python scripts/course_site.py thumbnails
    python scripts/course_site.py readme
    python scripts/course_site.py check
"""

from __future__ import annotations

import argparse
import base64
import io
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import sync_notebooks
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
THUMBNAILS = ROOT / "docs" / "thumbnails"
README = ROOT / "README.md"
MAP_START = "<!-- course-map:start (scripts/course_site.py readme writes this table) -->"
MAP_END = "<!-- course-map:end -->"
THUMB_WIDTH = 240
BOOK = ROOT / "book"
ERRATA = ROOT / "docs" / "errata.md"
# The site's navigation: the parts of the lecture and their notebooks (by number). A notebook
# in no part is listed under "More" so that every notebook has its page.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Getting started", ("00",)),
    ("The convolution", ("01", "02", "03", "04", "05")),
    ("Convolutional networks", ("06", "07", "08")),
    ("Beyond classification", ("09", "10", "11", "12")),
)


@dataclass(frozen=True)
class NotebookInfo:
    """What the course map says about one notebook."""

    path: Path
    title: str
    summary: str
    decks: tuple[str, ...]
    run_time: str

    @property
    def stem(self) -> str:
        return self.path.stem


def _plain(markdown: str) -> str:
    """Markdown → one line of plain text (links, emphasis and code marks removed)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`]", "", text)
    return " ".join(text.split())


def notebook_info(path: Path) -> NotebookInfo:
    """Read the title, summary, decks and run time from a notebook's first Markdown cell."""
    nb = nbformat.read(path, as_version=4)
    intro = next(c for c in nb.cells if c.cell_type == "markdown").source
    lines = intro.splitlines()
    title = lines[0].lstrip("# ").strip()
    paragraphs = [p.strip() for p in "\n".join(lines[1:]).split("\n\n") if p.strip()]
    summary = _plain(paragraphs[0]) if paragraphs else ""
    decks = tuple(sorted(set(re.findall(r"\b(00[0-4])\b", intro))))
    match = re.search(r"\*\*Run time:\*\*\s*(.+)", intro)
    run_time = _plain(match.group(1)) if match else "not stated"
    return NotebookInfo(path, title, summary, decks, run_time)


def course() -> list[NotebookInfo]:
    """Every numbered notebook's information, in course order."""
    return [notebook_info(p) for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]


def _first_png(path: Path) -> bytes | None:
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in cells if "thumbnail" in c.get("metadata", {}).get("tags", [])]
    for cell in tagged + cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                return base64.b64decode(data["image/png"])
    return None


def thumbnail_bytes(path: Path) -> bytes | None:
    """The notebook's thumbnail as PNG bytes (None if it draws no plot)."""
    png = _first_png(path)
    if png is None:
        return None
    image = Image.open(io.BytesIO(png)).convert("RGB")
    height = max(1, round(image.height * THUMB_WIDTH / image.width))
    image = image.resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def write_thumbnails() -> list[Path]:
    """Write docs/thumbnails/<notebook>.png for every notebook that draws a plot."""
    THUMBNAILS.mkdir(parents=True, exist_ok=True)
    written = []
    for info in course():
        data = thumbnail_bytes(info.path)
        if data is None:
            continue
        target = THUMBNAILS / f"{info.stem}.png"
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
        written.append(target)
    return written


def exercise_summary(stem: str) -> str:
    """How many exercises a notebook has, by kind: ``'4: 2 compute, 2 implement'``.

    >>> exercise_summary("03_padding_and_stride")
    '4: 2 compute, 2 implement'
    >>> exercise_summary("99_nothing")
    ''
    """
    from cnn_course.exercises import EXERCISES
    from cnn_course.exercises._core import KINDS

    mine = [ex for ex in EXERCISES.values() if ex.notebook == stem[:2]]
    if not mine:
        return ""
    counts = [(sum(ex.kind == kind for ex in mine), kind) for kind in KINDS]
    return f"{len(mine)}: " + ", ".join(f"{n} {kind}" for n, kind in counts if n)


def readme_map(infos: list[NotebookInfo]) -> str:
    """The README's course-map table (with thumbnails, Colab links and the exercises).

    Titles, what each notebook teaches and its decks come from ``cnn_course.course.COURSE``,
    the one source notebook 00 shows too; the run times come from the notebooks. A notebook
    of the map that does not exist yet gets a row without links.
    """
    from cnn_course.course import COURSE

    url = sync_notebooks.repository_url()
    colab = sync_notebooks.colab_url
    found = {info.stem[:2]: info for info in infos}
    rows = [
        "| | notebook | what it teaches | decks | exercises | run time (CPU) |",
        "|---|---|---|---|---|---|",
    ]
    for entry in COURSE:
        title = f"{entry.number} · {entry.title}"
        decks = ", ".join(entry.decks)
        info = found.get(entry.number)
        if info is None:
            rows.append(f"| | {title} (in preparation) | {entry.teaches} | {decks} | | |")
            continue
        thumb = THUMBNAILS / f"{info.stem}.png"
        picture = f"![{info.stem}](docs/thumbnails/{info.stem}.png)" if thumb.exists() else ""
        link = f"[{title}](notebooks/{info.path.name})"
        badge = f"[Colab]({colab(url, info.path.name)})"
        exercises = exercise_summary(info.stem)
        student = f"student/{info.path.name}"
        if exercises and (NOTEBOOKS / student).exists():
            exercises += (
                f"<br>[student edition](notebooks/{student}) · [Colab]({colab(url, student)})"
            )
        rows.append(
            f"| {picture} | {link}<br>{badge} | {entry.teaches} | {decks} | "
            f"{exercises} | {info.run_time} |"
        )
    return "\n".join(rows)


def update_readme(text: str, table: str) -> str:
    """Put ``table`` between the course-map markers of the README text."""
    if MAP_START not in text or MAP_END not in text:
        raise ValueError("README.md lacks the course-map markers")
    head, rest = text.split(MAP_START, 1)
    _, tail = rest.split(MAP_END, 1)
    return f"{head}{MAP_START}\n{table}\n{MAP_END}{tail}"


def book_toc(infos: list[NotebookInfo]) -> dict:
    """Jupyter Book's table of contents: the home page, the parts, the errata page.

    >>> toc = book_toc(course())
    >>> toc["root"], toc["parts"][0]
    ('index', {'caption': 'Getting started', 'chapters': [{'file': '00_getting_started'}]})
    >>> toc["parts"][-1]["chapters"]
    [{'file': 'errata'}]
    """
    parts, placed = [], set()
    for caption, numbers in PARTS:
        stems = [i.stem for i in infos if i.stem[:2] in numbers]
        if stems:
            parts.append({"caption": caption, "chapters": [{"file": s} for s in stems]})
            placed.update(stems)
    rest = [i.stem for i in infos if i.stem not in placed]
    if rest:
        parts.append({"caption": "More", "chapters": [{"file": s} for s in rest]})
    parts.append({"caption": "About the slides", "chapters": [{"file": "errata"}]})
    return {"format": "jb-book", "root": "index", "parts": parts}


def book_index(infos: list[NotebookInfo]) -> str:
    """The site's home page (MyST Markdown): the course map, part by part."""
    from cnn_course.course import COURSE  # what each notebook teaches, as the README says it

    teaches = {section.number: section.teaches for section in COURSE}
    url = sync_notebooks.repository_url()
    lines = [
        "# cnn-course: convolutional neural networks with Keras 3",
        "",
        "One notebook per section of the lecture. Every number on the slides is computed and "
        "checked; where a slide is wrong, the [errata](errata.md) say so. Each page shows a "
        "notebook with its outputs; its rocket button opens it in Colab.",
        "",
        f"The course, its notebooks and its helper package: <{url}>.",
    ]
    for part in book_toc(infos)["parts"][:-1]:
        lines += ["", f"## {part['caption']}", ""]
        lines += ["| | notebook | what it teaches | decks | run time |", "|---|---|---|---|---|"]
        for chapter in part["chapters"]:
            info = next(i for i in infos if i.stem == chapter["file"])
            thumb = THUMBNAILS / f"{info.stem}.png"
            picture = f"![{info.stem}](thumbnails/{thumb.name})" if thumb.exists() else ""
            summary = teaches.get(info.stem[:2], info.summary).replace("|", "\\|")
            lines.append(
                f"| {picture} | [{info.title}]({info.path.name}) | {summary} | "
                f"{', '.join(info.decks)} | {info.run_time} |"
            )
    return "\n".join(lines) + "\n"


def book_sources(dest: Path) -> Path:
    """Lay out the book's sources in ``dest``: config, contents, home page, pages, images."""
    import yaml  # the dev extra's: only the site needs it

    infos = course()
    config = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))
    config["repository"]["url"] = sync_notebooks.repository_url()
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (dest / "_toc.yml").write_text(yaml.safe_dump(book_toc(infos), sort_keys=False))
    (dest / "index.md").write_text(book_index(infos), encoding="utf-8")
    for info in infos:
        shutil.copyfile(info.path, dest / info.path.name)
    if ERRATA.exists():
        shutil.copyfile(ERRATA, dest / "errata.md")
    else:  # docs/errata.md is generated from cnn_course.slides; until then, say where it is
        (dest / "errata.md").write_text(
            "# Errata of the lecture decks\n\n"
            "The errata are listed in `cnn_course.slides.ERRATA`.\n"
        )
    if THUMBNAILS.is_dir():
        shutil.copytree(THUMBNAILS, dest / "thumbnails", dirs_exist_ok=True)
    return dest


def build_site(out: Path) -> list[Path]:
    """Build the Jupyter Book site into ``out`` (replaced); return its HTML pages.

    The build reads the saved outputs only (``execute_notebooks: off``) and needs no network.
    """
    with tempfile.TemporaryDirectory(prefix="cnn-course-book-") as tmp:
        source = book_sources(Path(tmp) / "book")
        # jupyter-book has no `python -m` entry: call its command-line function
        command = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()"]
        command += ["build", "--warningiserror", "--keep-going"]  # a warning fails the build
        result = subprocess.run(
            [*command, "--path-output", tmp, str(source)], capture_output=True, text=True
        )
        html_dir = Path(tmp) / "_build" / "html"
        if result.returncode != 0 or not (html_dir / "index.html").is_file():
            raise RuntimeError(f"jupyter-book build failed:\n{result.stdout}\n{result.stderr}")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(html_dir, out)
    return sorted(out.rglob("*.html"))


def check() -> list[str]:
    """What is out of date: thumbnails and the README's course map."""
    found = []
    infos = course()
    for info in infos:
        data = thumbnail_bytes(info.path)
        target = THUMBNAILS / f"{info.stem}.png"
        if data is not None and (not target.exists() or target.read_bytes() != data):
            found.append(f"{target.relative_to(ROOT)} is out of date")
    text = README.read_text(encoding="utf-8")
    if update_readme(text, readme_map(infos)) != text:
        found.append("README.md's course map is out of date")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["site", "thumbnails", "readme", "check"])
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="site folder")
    args = parser.parse_args(argv)
    if args.command == "site":
        pages = build_site(args.out)
        print(f"wrote {len(pages)} pages to {args.out}")
    elif args.command == "thumbnails":
        print(f"wrote {len(write_thumbnails())} thumbnails to {THUMBNAILS.relative_to(ROOT)}")
    elif args.command == "readme":
        README.write_text(update_readme(README.read_text(encoding="utf-8"), readme_map(course())))
        print("README.md course map updated")
    else:
        found = check()
        for line in found:
            print(line)
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
