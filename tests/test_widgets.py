"""Tests of cnn_course.widgets: the pure callbacks, the widgets' state, the static fallback."""

from __future__ import annotations

import itertools
import math
import sys

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
import whole_numbers
from matplotlib.figure import Figure
from scipy.signal import correlate2d

from cnn_course import kernels, ops, shapes, slides, viz, widgets

IMAGE = np.array(slides.IMAGE_6X6)  # deck 000's 6×6 example
VERTICAL = np.array(slides.VERTICAL_EDGE_FILTER)
SOBEL = kernels.sobel_vertical()


@pytest.fixture(autouse=True)
def close_figures():
    plt.close("all")
    yield
    plt.close("all")


@pytest.fixture
def spy(monkeypatch):
    """Record the calls of a cnn_course.viz drawing function (and still draw)."""

    def install(name):
        calls = []
        original = getattr(viz, name)

        def recorder(*args, **kwargs):
            calls.append((args, kwargs))
            return original(*args, **kwargs)

        monkeypatch.setattr(viz, name, recorder)
        return calls

    return install


def find(box, kind):
    """Every widget of type ``kind`` inside a box, depth first."""
    found = []
    for child in getattr(box, "children", ()):
        if isinstance(child, kind):
            found.append(child)
        found += find(child, kind)
    return found


def dropped_by_loop(n, f, p, s):
    """Independent count of the input pixels no window covers."""
    seen = np.zeros((n + 2 * p,) * 2, dtype=bool)
    for top in range(0, n + 2 * p - f + 1, s):
        for left in range(0, n + 2 * p - f + 1, s):
            seen[top : top + f, left : left + f] = True
    return int((~seen[p : p + n, p : p + n]).sum())


# --------------------------------------------------------------------------- pure callbacks


def test_calculator_summary_agrees_with_shapes():
    for n, f, p, s in itertools.product(range(1, 10), (1, 2, 3, 5, 7), (0, 1, 2), (1, 2, 3)):
        case = f"n={n}, f={f}, p={p}, s={s}"
        summary = widgets.calculator_summary(n, f, p, s)
        assert summary["same_output_size"] == math.ceil(n / s), case
        assert summary["same_formula"].endswith(f"= {math.ceil(n / s)}"), case
        if f > n + 2 * p:
            assert summary["fits"] is False, case
            assert summary["output_size"] is None, case
            assert "is larger than the padded input" in summary["message"], case
            with pytest.raises(ValueError):
                shapes.conv_output_size(n, f, p, s)
            continue
        out = shapes.conv_output_size(n, f, p, s)
        assert summary["fits"] is True, case
        assert summary["output_size"] == out, case
        assert summary["formula"].endswith(f"= {out}"), case
        assert summary["pixels_dropped"] == dropped_by_loop(n, f, p, s), case
        if summary["pixels_dropped"]:
            assert "Warning" in summary["message"], case
            assert "never seen" in summary["message"], case
        else:
            assert "every pixel" in summary["message"], case


def test_calculator_summary_of_the_deck_examples():
    doesnt_fit = widgets.calculator_summary(7, 3, 0, 3)  # deck 003: stride 3 "doesn't fit"
    assert doesnt_fit["output_size"] == 2
    assert (doesnt_fit["rows_dropped"], doesnt_fit["pixels_dropped"]) == (1, 13)
    assert "floor(1.333) + 1 = 2" in doesnt_fit["formula"]
    assert "rounds it down" in doesnt_fit["message"]
    assert "the last row and column (13 pixels) are never seen" in doesnt_fit["message"]

    fits = widgets.calculator_summary(7, 3, 0, 2)
    assert (fits["output_size"], fits["pixels_dropped"]) == (3, 0)
    assert fits["message"] == "The filter fits exactly: every pixel is seen."

    # 8 + 2 - 3 = 7 is odd: Keras skips the last padded column, which holds only zeros
    padded = widgets.calculator_summary(8, 3, 1, 2)
    assert (padded["output_size"], padded["pixels_dropped"]) == (4, 0)
    assert "Only zero padding is skipped" in padded["message"]

    same = widgets.calculator_summary(6, 3, shapes.same_padding(3), 1)
    assert same["output_size"] == same["same_output_size"] == 6


def test_calculator_summary_refuses_nonsense_but_not_a_filter_too_large():
    too_large = widgets.calculator_summary(4, 5)
    assert too_large["fits"] is False
    assert too_large["message"].startswith("the filter (5×5) is larger than the padded input (4×4)")
    with pytest.raises(ValueError, match="stride"):
        widgets.calculator_summary(7, 3, 0, 0)
    with pytest.raises(ValueError, match="padding"):
        widgets.calculator_summary(7, 3, -1, 1)


def test_convolution_step_text_follows_step_products():
    for step in range(16):
        i, j = divmod(step, 4)
        text, _ = ops.step_products(IMAGE, VERTICAL, i, j)
        caption = widgets.convolution_step_text(IMAGE, VERTICAL, step)
        assert caption == f"step {step + 1} of 16: output[{i}, {j}] = {text}"
    with pytest.raises(ValueError, match="from 0 to 15"):
        widgets.convolution_step_text(IMAGE, VERTICAL, 16)


def test_filter_caption_reports_the_response():
    response = correlate2d(IMAGE, SOBEL, mode="valid")
    caption = widgets.filter_caption("Sobel", SOBEL, response)
    assert caption.startswith("Sobel: 3×3 filter [[1, 0, -1], [2, 0, -2], [1, 0, -1]]")
    assert f"output 4×4, values {response.min()} to {response.max()}" in caption


# --------------------------------------------------------------------------- widgets


def test_convolution_stepper_slider_moves_the_window(spy):
    calls = spy("show_convolution")
    box = widgets.convolution_stepper(IMAGE, VERTICAL, interactive=True)
    assert isinstance(box, ipywidgets.VBox)
    (slider,) = find(box, ipywidgets.IntSlider)
    (play,) = find(box, ipywidgets.Play)
    (caption,) = find(box, ipywidgets.HTML)
    assert (slider.min, slider.max, play.max) == (0, 15, 15)
    assert "step 1 of 16" in caption.value and "= -5" in caption.value
    assert calls[-1][1]["step"] == 0

    slider.value = 5
    text, value = ops.step_products(IMAGE, VERTICAL, 1, 1)
    assert value == -2
    assert f"output[1, 1] = {text}" in caption.value
    assert calls[-1][1]["step"] == 5
    assert len(calls) == 2
    assert not plt.get_fignums()  # each figure is released once shown


def test_output_size_calculator_sliders_update_the_verdict(spy):
    calls = spy("show_stride_windows")
    box = widgets.output_size_calculator(interactive=True)
    sliders = {s.description: s for s in find(box, ipywidgets.IntSlider)}
    assert {k: s.value for k, s in sliders.items()} == {"n": 7, "f": 3, "p": 0, "s": 1}
    (caption,) = find(box, ipywidgets.HTML)
    assert "= 5" in caption.value and "every pixel is seen" in caption.value

    sliders["s"].value = 3
    assert "floor(1.333) + 1 = 2" in caption.value
    assert "13 pixels" in caption.value
    assert calls[-1][0] == (7, 3, 0, 3)

    sliders["f"].value = 11  # does not fit: a message, not a crash
    assert "is larger than the padded input (7×7)" in caption.value
    assert calls[-1][0] == (7, 11, 0, 3)


def test_output_size_calculator_slider_ranges_hold_the_starting_values():
    box = widgets.output_size_calculator(n=64, f=3, p=0, s=8, interactive=True)
    sliders = {s.description: s for s in find(box, ipywidgets.IntSlider)}
    assert (sliders["n"].value, sliders["s"].value) == (64, 8)


def test_filter_explorer_menu_switches_the_filter(spy):
    calls = spy("side_by_side")
    image = np.random.default_rng(0).random((20, 24))
    box = widgets.filter_explorer(image, {"vertical": VERTICAL, "Sobel": SOBEL}, interactive=True)
    (menu,) = find(box, ipywidgets.Dropdown)
    (caption,) = find(box, ipywidgets.HTML)
    assert list(menu.options) == ["vertical", "Sobel"]
    assert "vertical: 3×3 filter" in caption.value

    menu.value = "Sobel"
    assert "Sobel: 3×3 filter" in caption.value
    (before, after), kwargs = calls[-1][0][0], calls[-1][1]
    assert np.array_equal(before, image)
    assert np.allclose(after, correlate2d(image, SOBEL, mode="valid"))
    assert kwargs["titles"] == ["image", "Sobel filter"]


# --------------------------------------------------------------------------- fallback


@pytest.fixture
def no_ipywidgets(monkeypatch):
    """Make ``import ipywidgets`` fail, as on a machine without it."""
    monkeypatch.setitem(sys.modules, "ipywidgets", None)


BUILDERS = [
    (widgets.convolution_stepper, (IMAGE, VERTICAL)),
    (widgets.output_size_calculator, ()),
    (widgets.filter_explorer, (IMAGE, {"vertical": VERTICAL})),
]


@pytest.mark.parametrize(("builder", "args"), BUILDERS)
def test_without_ipywidgets_a_static_figure_is_returned(no_ipywidgets, capsys, builder, args):
    fig = builder(*args, interactive=True)
    assert isinstance(fig, Figure)
    assert fig.axes
    assert "ipywidgets is not installed" in capsys.readouterr().out
    assert not plt.fignum_exists(fig.number)  # shown once, as the cell's value


@pytest.mark.parametrize(("builder", "args"), BUILDERS)
def test_outside_a_notebook_a_static_figure_is_returned(capsys, builder, args):
    fig = builder(*args)  # pytest is not a Jupyter kernel
    assert isinstance(fig, Figure)
    assert "widgets need a Jupyter notebook" in capsys.readouterr().out


def test_static_figures_show_the_starting_values(capsys):
    fig = widgets.convolution_stepper(IMAGE, VERTICAL, interactive=False)
    assert [t.get_text() for t in fig.axes[2].texts] == ["-5"]  # step 0
    fig = widgets.output_size_calculator(7, 3, 0, 3, interactive=False)
    out = capsys.readouterr().out
    assert "floor(1.333) + 1 = 2" in out and "interactive=False" in out
    assert "output 2×2" in fig.axes[0].get_title()


def test_bad_input_fails_at_once_in_both_modes():
    for interactive in (True, False):
        with pytest.raises(ValueError, match="channels"):
            widgets.convolution_stepper(
                np.zeros((6, 6, 3)), np.zeros((3, 3, 2)), interactive=interactive
            )
        with pytest.raises(ValueError, match="at least one filter"):
            widgets.filter_explorer(IMAGE, {}, interactive=interactive)


# Every integer parameter of every public function, with valid values for the others:
# True, False and 3.0 must each be refused with a TypeError that names it.
INTEGER_PARAMETERS = [
    *[
        ("convolution_step_text", {"image": IMAGE, "kernel": VERTICAL, "step": 0}, k, w)
        for k, w in [("step", "the step"), ("stride", "the stride"), ("padding", "the padding")]
    ],
    *[
        ("convolution_stepper", {"image": IMAGE, "kernel": VERTICAL}, k, w)
        for k, w in [("stride", "the stride"), ("padding", "the padding")]
    ],
    *[
        (name, {"n": 7, "f": 3}, k, w)
        for name in ("calculator_summary", "output_size_calculator")
        for k, w in [
            ("n", "the input size"),
            ("f", "the filter size"),
            ("p", "the padding"),
            ("s", "the stride"),
        ]
    ],
]


test_integer_parameters_refuse_bools_and_floats, test_every_integer_parameter_is_listed = (
    whole_numbers.refusal_tests(widgets, INTEGER_PARAMETERS)
)


def test_interactive_must_be_true_false_or_none():
    with pytest.raises(TypeError, match="interactive must be True or False, got 1"):
        widgets.filter_explorer(IMAGE, {"Sobel": SOBEL}, interactive=1)
