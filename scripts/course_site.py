"""Build the course site, the README thumbnails and the README's course map from the notebooks.

The notebooks are the single source: each one's first Markdown cell gives its title,
what it covers (first paragraph), the decks it follows ("deck 000", …) and its run
time (the line starting with ``**Run time:**``). From them this script makes

* ``site``: ``site/index.html`` (the course map with Colab links) and one HTML page per
  notebook, rendered by nbconvert from the committed outputs (nothing is re-executed);
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
import html
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import sync_notebooks
from nbconvert import HTMLExporter
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
THUMBNAILS = ROOT / "docs" / "thumbnails"
README = ROOT / "README.md"
MAP_START = "<!-- course-map:start (scripts/course_site.py readme writes this table) -->"
MAP_END = "<!-- course-map:end -->"
THUMB_WIDTH = 240


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
    """The README's course-map table (with thumbnails, Colab links and the exercises)."""
    url = sync_notebooks.repository_url()
    colab = sync_notebooks.colab_url
    rows = [
        "| | notebook | what it teaches | decks | exercises | run time (CPU) |",
        "|---|---|---|---|---|---|",
    ]
    for info in infos:
        thumb = THUMBNAILS / f"{info.stem}.png"
        picture = f"![{info.stem}](docs/thumbnails/{info.stem}.png)" if thumb.exists() else ""
        link = f"[{info.title}](notebooks/{info.path.name})"
        badge = f"[Colab]({colab(url, info.path.name)})"
        teaches = info.summary if len(info.summary) < 300 else info.summary[:297] + "…"
        exercises = exercise_summary(info.stem)
        student = f"student/{info.path.name}"
        if exercises and (NOTEBOOKS / student).exists():
            exercises += (
                f"<br>[student edition](notebooks/{student}) · [Colab]({colab(url, student)})"
            )
        rows.append(
            f"| {picture} | {link}<br>{badge} | {teaches} | {', '.join(info.decks)} | "
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


def build_site(out: Path) -> list[Path]:
    """Render every notebook to HTML (committed outputs) plus an index page; return the pages."""
    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    infos = course()
    url = sync_notebooks.repository_url()
    colab = sync_notebooks.colab_url
    pages = []
    for i, info in enumerate(infos):
        body, _ = exporter.from_notebook_node(nbformat.read(info.path, as_version=4))
        nav = ['<nav class="course-nav"><a href="index.html">Course map</a>']
        if i > 0:
            nav.append(
                f' · <a href="{infos[i - 1].stem}.html">← {html.escape(infos[i - 1].title)}</a>'
            )
        if i + 1 < len(infos):
            nav.append(
                f' · <a href="{infos[i + 1].stem}.html">{html.escape(infos[i + 1].title)} →</a>'
            )
        nav.append("</nav>")
        body = re.sub(r"(<body[^>]*>)", r"\1" + "".join(nav), body, count=1)
        page = out / f"{info.stem}.html"
        page.write_text(body, encoding="utf-8")
        pages.append(page)
    rows = []
    for info in infos:
        thumb = THUMBNAILS / f"{info.stem}.png"
        img = ""
        if thumb.exists():
            (out / "thumbnails").mkdir(exist_ok=True)
            (out / "thumbnails" / thumb.name).write_bytes(thumb.read_bytes())
            img = f'<img src="thumbnails/{thumb.name}" alt="" width="{THUMB_WIDTH // 2}">'
        rows.append(
            "<tr>"
            f"<td>{img}</td>"
            f'<td><a href="{info.stem}.html">{html.escape(info.title)}</a></td>'
            f"<td>{html.escape(info.summary)}</td>"
            f"<td>{', '.join(info.decks)}</td>"
            f"<td>{html.escape(info.run_time)}</td>"
            f'<td><a href="{colab(url, info.path.name)}">Open in Colab</a></td>'
            "</tr>"
        )
    index = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cnn-course — the course map</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse}}
td,th{{border-bottom:1px solid #ddd;padding:.5em;vertical-align:top}}
</style></head><body>
<h1>cnn-course — convolutional neural networks with Keras 3</h1>
<p>One notebook per lecture section. Every number on the slides is computed and checked.</p>
<table>
<tr><th></th><th>section</th><th>what it teaches</th><th>decks</th><th>run time</th><th></th></tr>
{chr(10).join(rows)}
</table></body></html>
"""
    (out / "index.html").write_text(index, encoding="utf-8")
    return [out / "index.html", *pages]


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
