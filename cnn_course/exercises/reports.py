"""What grading hands back: feedback for each student, a gradebook an LMS imports.

* :func:`feedback_markdown` / :func:`feedback_html`: one page per submission — the notebook's
  title, each exercise's title, score, what its check said and the hint, the total. A hidden
  case that fails is reported without its inputs or the expected values.
* :func:`write_gradebook`: ``gradebook.csv``, one row per submission, a column per exercise,
  the total and the maximum — the shape Canvas, Moodle and Blackboard import once the student
  column is mapped (README, "For instructors").
* :func:`student_id`: who a submission is, from its file name and the instructor's pattern.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the types only: grading imports this module
    from cnn_course.exercises._core import Exercise
    from cnn_course.exercises._grader import CheckResult
    from cnn_course.exercises.grading import Outcome

__all__ = [
    "HIDDEN_FAILED",
    "feedback_html",
    "feedback_markdown",
    "student_id",
    "write_gradebook",
]

#: What a failed hidden case says in the feedback: never its inputs.
HIDDEN_FAILED = (
    "the public cases pass, but at least one hidden case fails: test your function on more "
    "inputs of your own (other sizes, shapes and values)."
)


def _title(notebook: str) -> str:
    from cnn_course import course

    try:
        return f"{notebook} · {course.section(notebook).title}"
    except ValueError:
        return f"notebook {notebook}"


def _said(result: CheckResult | None, hidden: bool) -> str:
    if result is None or result.passed:
        return ""
    return HIDDEN_FAILED if hidden else result.message


def feedback_markdown(submission: str, notebook: str, outcome: Outcome) -> str:
    """What a student reads after grading, as Markdown (see the module's docstring)."""
    lines = [
        f"# {_title(notebook)}: your graded notebook",
        "",
        f"Submission `{submission}`: **{outcome.total:g} / {outcome.max_total:g}** points.",
        "",
    ]
    if outcome.problem:
        lines += [f"> Your notebook could not be graded completely: {outcome.problem}.", ""]
    for result in outcome.results.values():
        ex = result.exercise
        lines += [f"## {ex.label} · {ex.title} — {result.score:g} / {ex.points:g}", ""]
        public, hidden = _said(result.public, False), _said(result.hidden, True)
        if public:  # the public cases fail: what the hidden ones say adds nothing
            hidden = ""
        if result.public is None:
            lines.append("Not graded: the notebook did not get that far.")
        elif not public and not hidden:
            lines.append("Passed." if not ex.has_hidden else "Passed, hidden cases included.")
        else:
            lines += [f"- {text}" for text in (public, hidden) if text]
            if result.public.status == "wrong" or hidden:
                lines += ["", f"Hint: {ex.hint}"]
        lines.append("")
    return "\n".join(lines)


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.5; color: #1a1a1a; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.1rem; margin-top: 1.8rem; }
blockquote { border-left: 4px solid #c62828; margin: 0; padding-left: 1rem; }
code { background: #f2f2f2; padding: 0 0.2rem; }
"""


def feedback_html(submission: str, notebook: str, outcome: Outcome) -> str:
    """The same page as :func:`feedback_markdown`, rendered to a standalone HTML page.

    mistune (a dependency of nbconvert) renders it, with raw HTML escaped: a check's message
    quotes the student's own values, which must show as text, never run.
    """
    import mistune

    render = mistune.create_markdown(escape=True)
    body = render(feedback_markdown(submission, notebook, outcome))
    title = html.escape(f"{_title(notebook)}: {submission}")
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def student_id(file_name: str, pattern: str | None = None) -> str:
    """Who a submission is, from its file name.

    Without ``pattern``, the file name without ``.ipynb``. With one (a regular expression),
    its group ``student`` — or its first group — where it matches the file name; a name it
    does not match keeps its stem.

    >>> student_id("alice.ipynb")
    'alice'
    >>> student_id("smithjane_12345_67890_03_padding.ipynb", r"^(?P<student>[a-z]+)_\\d+")
    'smithjane'
    >>> student_id("03_padding_and_stride_bob.ipynb", r"_([a-z]+)\\.ipynb$")
    'bob'
    """
    stem = Path(file_name).name.removesuffix(".ipynb")
    if not pattern:
        return stem
    match = re.search(pattern, Path(file_name).name)
    if match is None:
        return stem
    if "student" in match.groupdict():
        return match.group("student")
    return match.group(1) if match.groups() else match.group(0)


def write_gradebook(
    path: str | Path,
    graded: Sequence[tuple[str, Outcome]],
    exercises: Mapping[str, Exercise],
    pattern: str | None = None,
) -> list[dict[str, str]]:
    """Write ``gradebook.csv``: ``student``, one column per exercise, ``total``, ``max_score``.

    ``graded`` is ``(file name, outcome)`` per submission; the rows are returned. Two files of
    the same student both keep their row (and a line says so): which one counts is the
    instructor's call.
    """
    columns = ["student", *exercises, "total", "max_score"]
    best = sum(ex.points for ex in exercises.values())
    rows, seen = [], {}
    for name, outcome in graded:
        student = student_id(name, pattern)
        if student in seen:
            print(f"warning: {seen[student]} and {name} are both student {student!r}")
        seen.setdefault(student, name)
        row = {"student": student}
        row.update({ex: f"{outcome.results[ex].score:g}" for ex in exercises})
        row.update(total=f"{outcome.total:g}", max_score=f"{best:g}")
        rows.append(row)
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return rows
