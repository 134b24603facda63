"""What a student sees of their graded notebook: the feedback page, in a real browser.

The page is made as grading makes it (``cnn_course.exercises.reports.feedback_html``) from the
results of notebook 03's real checks on three kinds of answer — right, wrong, and right on the
public cases only — and opened in headless Chromium (Debian's, driven by Playwright, as in
test_jupyterlab.py). A screenshot goes to ``build/screenshots/``.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_jupyterlab import CHROMIUM_ARGS, SCREENSHOTS, _chromium

from cnn_course.exercises import EXERCISES, check_exercise
from cnn_course.exercises._core import hidden_seed
from cnn_course.exercises.grading import ExerciseResult, Outcome, _score
from cnn_course.exercises.reports import HIDDEN_FAILED, feedback_html


def _public_table() -> dict[tuple[int, int, int, int], int]:
    """Exercise 3.3's public cases, drawn as its check draws them, with their answers."""
    table = {(7, 3, 0, 2): 3, (7, 3, 0, 3): 2, (6, 1, 0, 1): 6, (5, 2, 0, 4): 1}
    rng = np.random.default_rng(0)
    for _ in range(4):
        f = int(rng.integers(1, 8))
        p, s = int(rng.integers(0, 4)), int(rng.integers(1, 5))
        n = int(rng.integers(max(1, f - 2 * p), 40))
        table[(n, f, p, s)] = (n + 2 * p - f) // s + 1
    return table


def _graded() -> Outcome:
    table = _public_table()

    def output_size(n, f, p, s):  # right on the public cases only
        return table.get((n, f, p, s), 0)

    def zero_pad(x, p):
        return x  # wrong everywhere

    env = {
        "my_zero_pad": zero_pad,
        "my_size": "<script>document.title='pwned'</script>",  # the student's own text
        "my_output_size": output_size,
        "my_field": 13,
    }
    results = {}
    with hidden_seed(3):
        for name in ("ex03_1", "ex03_2", "ex03_3", "ex03_4"):
            ex = EXERCISES[name]
            public = check_exercise(ex, env, hidden=False)
            hidden = check_exercise(ex, env, hidden=True) if ex.has_hidden else None
            results[name] = ExerciseResult(ex, _score(ex, public, hidden), public, hidden)
    return Outcome(results)


def test_a_student_reads_scores_messages_and_hints_but_no_hidden_inputs(tmp_path) -> None:
    chromium = _chromium()
    playwright = pytest.importorskip("playwright.sync_api")
    outcome = _graded()
    assert outcome.results["ex03_3"].public.passed  # the public half only
    assert not outcome.results["ex03_3"].hidden.passed
    hidden_message = outcome.results["ex03_3"].hidden.message
    page_file = tmp_path / "alice.html"
    page_file.write_text(feedback_html("alice.ipynb", "03", outcome), encoding="utf-8")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.goto(page_file.as_uri())
            text = page.inner_text("body")
            headings = page.locator("h2").all_inner_texts()
            title = page.title()
            page.screenshot(path=str(SCREENSHOTS / "feedback.png"), full_page=True)
        finally:
            browser.close()
    assert page.locator("h1") is not None
    assert "03 · Padding and stride: your graded notebook" in text
    assert "alice.ipynb: 2 / 6 points." in text.replace("Submission ", "")
    assert headings == [
        "Exercise 3.1 · zero padding with plain NumPy — 0 / 2",
        "Exercise 3.2 · predict the output size of a padded, strided convolution — 0 / 1",
        "Exercise 3.3 · the output-size formula as a function — 1 / 2",
        "Exercise 3.4 · the receptive field of a stack of 3×3 convolutions — 1 / 1",
    ]
    assert outcome.results["ex03_1"].public.message in text  # the check's own words
    assert f"Hint: {EXERCISES['ex03_1'].hint}" in text
    assert text.count(HIDDEN_FAILED) == 1 and hidden_message not in text  # no hidden inputs
    assert "<script>" in text and title != "pwned"  # the student's text shows, never runs
