"""Tests of cnn_course.viz: what is drawn (numbers, windows, titles, axes), not pixels.

The slide matrices (6×6 image and vertical-edge filter of deck 000, pooling results of
deck 002, the 7×7 stride example of deck 000) come from cnn_course.slides; every
computed number is checked against SciPy or a plain loop.
"""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import whole_numbers
from matplotlib.colors import to_rgba
from scipy.signal import correlate2d

from cnn_course import metrics, ops, slides, viz

# The slide matrices come from cnn_course.slides (tests/test_slides.py checks them
# against the decks); every number computed from them is checked here against SciPy.
IMAGE = np.array(slides.IMAGE_6X6)
VERTICAL = np.array(slides.VERTICAL_EDGE_FILTER)
SLIDE_OUTPUT = np.array(slides.IMAGE_6X6_EDGES)
MAX_POOL_SLIDE = slides.POOL_MAX_3X3.tolist()
AVG_POOL_SLIDE = slides.POOL_AVG_3X3.tolist()
X7 = np.array(slides.STRIDE_IMAGE_7X7)
K7 = np.array(slides.STRIDE_FILTER)


@pytest.fixture(autouse=True)
def close_figures():
    """Every test starts and ends with no open figure."""
    plt.close("all")
    yield
    plt.close("all")


def cell_texts(ax):
    """The numbers written in the cells, as strings, in drawing (row-major) order."""
    return [t.get_text() for t in ax.texts if t.get_gid() == "value"]


def patches(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def reference_conv(x, k, stride=1, padding=0):
    """Independent reference: SciPy's cross-correlation, then keep every stride-th value."""
    return correlate2d(np.pad(x, padding), k, mode="valid")[::stride, ::stride]


# --------------------------------------------------------------------------- show_matrix


def test_show_matrix_writes_every_entry_in_its_cell():
    ax = viz.show_matrix(IMAGE, title="6×6 image")
    texts = [t for t in ax.texts if t.get_gid() == "value"]
    assert [int(t.get_text()) for t in texts] == IMAGE.ravel().tolist()
    # each number sits at the centre of its cell: x = column, y = row
    assert [t.get_position() for t in texts] == [(j, i) for i in range(6) for j in range(6)]
    assert ax.get_title() == "6×6 image"
    assert len(ax.figure.axes) == 1


def test_show_matrix_writes_floats_compactly():
    ax = viz.show_matrix(AVG_POOL_SLIDE)
    assert cell_texts(ax) == ["2.25", "5", "3.75", "2.5", "2.75", "4.75", "3", "3.5", "5.5"]
    assert [float(t) for t in cell_texts(ax)] == np.ravel(AVG_POOL_SLIDE).tolist()


def test_show_matrix_draws_into_the_given_axes_and_outlines_the_window():
    fig, (left, right) = plt.subplots(1, 2)
    ax = viz.show_matrix(IMAGE, ax=right, highlight=(1, 2, 3, 3))
    assert ax is right
    assert not left.texts
    (window,) = patches(ax, "highlight")
    # cell (r, c) spans [c - 0.5, c + 0.5] × [r - 0.5, r + 0.5]
    assert window.get_xy() == (1.5, 0.5)
    assert (window.get_width(), window.get_height()) == (3, 3)


def test_show_matrix_accepts_several_windows():
    ax = viz.show_matrix(IMAGE, highlight=[(0, 0, 2, 2), (4, 4, 2, 2)])
    assert [p.get_xy() for p in patches(ax, "highlight")] == [(-0.5, -0.5), (3.5, 3.5)]


def test_show_matrix_shades_hides_hatches_and_bolds_cells():
    shade = np.zeros((6, 6), dtype=bool)
    shade[0] = True
    ax = viz.show_matrix(IMAGE, shade=shade, hide=[(5, 5)], hatch=[(2, 3), (4, 1)], bold=[(1, 3)])
    colors = ax.images[0].get_array()
    assert np.allclose(colors[0], to_rgba(viz.PADDING_COLOR))
    assert not np.allclose(colors[1], to_rgba(viz.PADDING_COLOR))
    assert np.allclose(colors[5, 5], (1, 1, 1, 1))
    assert len(cell_texts(ax)) == 35  # the hidden cell has no number
    assert [p.get_xy() for p in patches(ax, "unseen")] == [(2.5, 1.5), (0.5, 3.5)]
    bold = [t.get_text() for t in ax.texts if t.get_fontweight() == "bold"]
    assert bold == ["9"]


def test_show_matrix_text_is_readable_on_its_cell():
    ax = viz.show_matrix([[0, 100]], cmap="Blues")  # white-ish cell, then dark blue
    assert [t.get_color() for t in ax.texts] == ["black", "white"]


def test_show_matrix_centres_a_signed_matrix_on_zero():
    ax = viz.show_matrix(VERTICAL)
    colors = ax.images[0].get_array()
    # +1 and -1 sit symmetrically in the diverging map; 0 in its middle (near white)
    assert not np.allclose(colors[0, 0], colors[0, 2])
    assert np.all(colors[0, 1, :3] > 0.9)


def test_show_matrix_rejects_what_is_not_a_matrix():
    with pytest.raises(ValueError, match="2-D"):
        viz.show_matrix(np.zeros((3, 3, 3)))
    with pytest.raises(ValueError, match="shape"):
        viz.show_matrix(IMAGE, shade=np.zeros((3, 3), dtype=bool))


# --------------------------------------------------------------------------- show_convolution


def test_show_convolution_draws_input_filter_output_like_the_slide():
    fig = viz.show_convolution(IMAGE, VERTICAL)
    assert isinstance(fig, matplotlib.figure.Figure)
    ax_in, ax_k, ax_out = fig.axes
    assert [ax.get_title() for ax in fig.axes] == ["input 6×6", "filter 3×3", "output 4×4"]
    assert [int(t) for t in cell_texts(ax_in)] == IMAGE.ravel().tolist()
    assert [int(t) for t in cell_texts(ax_k)] == VERTICAL.ravel().tolist()
    assert [int(t) for t in cell_texts(ax_out)] == SLIDE_OUTPUT.ravel().tolist()
    assert [t.get_text() for t in fig.texts if t.get_gid() == "operator"] == ["∗", "="]
    assert not patches(ax_in, "highlight")


def test_show_convolution_at_a_step_fills_the_output_up_to_that_step():
    fig = viz.show_convolution(IMAGE, VERTICAL, step=5)  # output row 1, column 1
    ax_in, _, ax_out = fig.axes
    assert [int(t) for t in cell_texts(ax_out)] == SLIDE_OUTPUT.ravel()[:6].tolist()
    (window,) = patches(ax_in, "highlight")
    assert window.get_xy() == (0.5, 0.5)
    assert (window.get_width(), window.get_height()) == (3, 3)
    (cell,) = patches(ax_out, "highlight")
    assert (cell.get_xy(), cell.get_width()) == ((0.5, 0.5), 1)
    (footer,) = [t.get_text() for t in fig.texts if t.get_gid() == "footer"]
    text, _ = ops.step_products(IMAGE, VERTICAL, 1, 1)
    assert " ".join(footer.split()) == f"output[1, 1] = {text}"


def test_show_convolution_draws_padding_and_unseen_pixels():
    fig = viz.show_convolution(IMAGE, VERTICAL, padding=1, step=0)
    ax_in, _, ax_out = fig.axes
    assert ax_in.get_title() == "input 6×6, padding 1"
    assert len(cell_texts(ax_in)) == 64
    colors = ax_in.images[0].get_array()
    assert np.allclose(colors[0, :], to_rgba(viz.PADDING_COLOR))
    assert np.allclose(colors[:, 7], to_rgba(viz.PADDING_COLOR))
    assert cell_texts(ax_out) == ["-5"]  # p = 1: the first window now covers 4 zeros

    fig = viz.show_convolution(X7, K7, stride=3, step=3)
    ax_in, ax_k, ax_out = fig.axes
    assert ax_k.get_title() == "filter 3×3, stride 3"
    assert [int(t) for t in cell_texts(ax_out)] == reference_conv(X7, K7, 3).ravel().tolist()
    assert len(patches(ax_in, "unseen")) == 13  # last row and column of the 7×7 input


def test_show_convolution_rejects_a_step_past_the_end():
    with pytest.raises(ValueError, match="from 0 to 15"):
        viz.show_convolution(IMAGE, VERTICAL, step=16)


# --------------------------------------------------------------------------- pooling


@pytest.mark.parametrize(("mode", "slide"), [("max", MAX_POOL_SLIDE), ("avg", AVG_POOL_SLIDE)])
def test_show_pooling_reproduces_the_slide(mode, slide):
    fig = viz.show_pooling(IMAGE, mode=mode)
    ax_in, ax_out = fig.axes
    assert [float(t) for t in cell_texts(ax_out)] == np.ravel(slide).tolist()
    assert ax_out.get_title() == "output 3×3"
    assert (
        f"{'average' if mode == 'avg' else 'max'} pooling, f = 2, s = 2" in fig._suptitle.get_text()
    )
    # each output cell has the colour of its window in the input
    cin, cout = ax_in.images[0].get_array(), ax_out.images[0].get_array()
    for i, j in np.ndindex(3, 3):
        window = cin[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].reshape(-1, 4)
        assert np.allclose(window, cout[i, j])
    assert len({tuple(c) for c in cout.reshape(-1, 4)}) == 9


def test_show_pooling_writes_the_chosen_maxima_in_bold():
    fig = viz.show_pooling(IMAGE)
    bold = [t.get_position() for t in fig.axes[0].texts if t.get_fontweight() == "bold"]
    expected = set()
    for i, j in np.ndindex(3, 3):
        block = IMAGE[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
        for a, b in zip(*np.nonzero(block == block.max()), strict=True):
            expected.add((2 * j + b, 2 * i + a))
    assert set(bold) == expected


def test_show_pooling_overlapping_windows_are_outlined():
    fig = viz.show_pooling(IMAGE, f=3, s=2)
    ax_in, ax_out = fig.axes
    assert len(patches(ax_in, "window")) == 4
    assert [int(t) for t in cell_texts(ax_out)] == [8, 9, 7, 7]
    assert len(patches(ax_in, "unseen")) == 11  # last row and column: no window reaches them


def test_show_pooling_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match="the pooling mode must be one of 'max', 'avg'"):
        viz.show_pooling(IMAGE, mode="median")


# --------------------------------------------------------------------------- stride windows


def test_show_stride_windows_outlines_the_positions_and_hatches_the_dropped_pixels():
    ax = viz.show_stride_windows(7, 3, 0, 3)
    assert ax.get_title().startswith("n=7, f=3, p=0, s=3 → output 2×2")
    assert "never seen" in ax.get_title()
    windows = patches(ax, "window")
    assert len(windows) == 3  # first output row (2) + first output column (1 more)
    corners = {(round(w.get_x() + 0.5), round(w.get_y() + 0.5)) for w in windows}
    assert corners == {(0, 0), (3, 0), (0, 3)}
    hatched = {(round(p.get_y() + 0.5), round(p.get_x() + 0.5)) for p in patches(ax, "unseen")}
    assert hatched == set(zip(*np.nonzero(ops.unseen_pixels(7, 3, 0, 3)), strict=True))


def test_show_stride_windows_draws_padding_and_uses_a_given_axes():
    fig, ax = plt.subplots()
    assert viz.show_stride_windows(7, 3, 1, 2, ax=ax) is ax
    assert "output 4×4" in ax.get_title() and "every pixel is seen" in ax.get_title()
    colors = ax.images[0].get_array()
    assert colors.shape[:2] == (9, 9)
    assert np.allclose(colors[0, 0], to_rgba(viz.PADDING_COLOR))
    assert np.allclose(colors[4, 4], (1, 1, 1, 1))


def test_show_stride_windows_explains_a_filter_that_does_not_fit():
    ax = viz.show_stride_windows(3, 7, 1, 2)
    assert "larger than the padded input (5×5)" in " ".join(ax.get_title().split())
    assert not patches(ax, "window")
    with pytest.raises(ValueError, match="stride"):
        viz.show_stride_windows(7, 3, 0, 0)


def test_show_window_positions_draws_one_panel_per_output_value():
    """Deck 004's P = 1, S = 2 figure: 5×5 input, 3×3 window, 3×3 output."""
    fig = viz.show_window_positions(5, 3, p=1, s=2)
    assert len(fig.axes) == 9  # (5 + 2 - 3)//2 + 1 = 3 positions per side
    corners = []
    for ax in fig.axes:
        (window,) = patches(ax, "window")
        corners.append((round(window.get_y() + 0.5), round(window.get_x() + 0.5)))
    assert corners == [(i, j) for i in (0, 2, 4) for j in (0, 2, 4)]
    # real pixels under each window = what ops.coverage counts, summed over the window
    seen = [int(ax.get_title().split(": ")[1].split()[0]) for ax in fig.axes]
    assert seen == [4, 6, 4, 6, 9, 6, 4, 6, 4]
    assert sum(seen) == ops.coverage((5, 5), 3, stride=2, padding=1).sum()
    colors = fig.axes[0].images[0].get_array()
    assert np.allclose(colors[0, 0], to_rgba(viz.PADDING_COLOR))
    with pytest.raises(ValueError, match="stride"):
        viz.show_window_positions(5, 3, 1, 0)


# --------------------------------------------------------------------------- filters and maps


def test_show_kernels_list_of_named_filters_with_numbers():
    sobel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    fig = viz.show_kernels([VERTICAL, sobel], titles=["vertical", "Sobel"], annotate=True)
    assert [ax.get_title() for ax in fig.axes] == ["vertical", "Sobel"]
    assert [int(t) for t in cell_texts(fig.axes[1])] == sobel.ravel().tolist()


def test_show_kernels_rgb_filters_are_min_max_normalised_each():
    bank = np.random.default_rng(0).normal(size=(5, 5, 3, 6)) * np.arange(1, 7)
    fig = viz.show_kernels(bank, ncols=4)
    assert len(fig.axes) == 6
    for k, ax in enumerate(fig.axes):
        shown = np.asarray(ax.images[0].get_array())
        w = bank[:, :, :, k]
        assert shown.shape == (5, 5, 3)
        assert np.allclose(shown, (w - w.min()) / (w.max() - w.min()))


def test_show_kernels_single_channel_and_chosen_channel():
    bank = np.random.default_rng(1).normal(size=(3, 3, 16, 4))
    with pytest.raises(ValueError, match="channel="):
        viz.show_kernels(bank)
    fig = viz.show_kernels(bank, channel=2)
    assert len(fig.axes) == 4
    assert np.allclose(fig.axes[3].images[0].get_array(), bank[:, :, 2, 3])
    fig = viz.show_kernels(bank[:, :, :1, :])  # (f, f, 1, K): grayscale
    assert np.allclose(fig.axes[0].images[0].get_array(), bank[:, :, 0, 0])
    fig = viz.show_kernels(bank[:, :, 0, :])  # (f, f, K)
    assert len(fig.axes) == 4


def test_show_feature_maps_draws_each_channel():
    maps = np.random.default_rng(2).random((1, 12, 12, 20))
    fig = viz.show_feature_maps(maps, ncols=8, max_maps=10)
    assert len(fig.axes) == 10
    assert [ax.get_title() for ax in fig.axes] == [str(k) for k in range(10)]
    assert np.allclose(fig.axes[7].images[0].get_array(), maps[0, :, :, 7])
    fig = viz.show_feature_maps(maps[0, :, :, :3], titles=["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="feature maps"):
        viz.show_feature_maps(np.zeros((2, 12, 12, 3)))
    with pytest.raises(ValueError, match="2 titles for 3"):
        viz.show_feature_maps(maps[0, :, :, :3], titles=["a", "b"])


def test_side_by_side_before_and_after():
    before = np.random.default_rng(3).random((16, 16))
    after = correlate2d(before, VERTICAL, mode="valid")
    fig = viz.side_by_side([before, after], titles=["before", "after"])
    assert [ax.get_title() for ax in fig.axes] == ["before", "after"]
    assert np.allclose(fig.axes[1].images[0].get_array(), after)
    assert fig.axes[0].images[0].get_cmap().name == "gray"


def test_show_images_marks_wrong_predictions_in_red():
    images = np.zeros((4, 28, 28, 1))
    scores = np.eye(10)[[3, 1, 4, 2]]  # predicted probabilities, arg-maxed
    fig = viz.show_images(images, labels=[3, 1, 4, 1], predictions=scores)
    assert len(fig.axes) == 4
    assert fig.axes[3].get_title() == "true 1\npred 2"
    colors = [ax.title.get_color() for ax in fig.axes]
    assert colors[3] == viz.WRONG_COLOR
    assert viz.WRONG_COLOR not in colors[:3]
    fig = viz.show_images(images, labels=[0, 1, 2, 3], class_names=list("abcd"), max_images=2)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    with pytest.raises(ValueError, match="3 labels for 4 images"):
        viz.show_images(images, labels=[0, 1, 2])


# --------------------------------------------------------------------------- training


def test_plot_history_from_a_history_object_and_from_a_dict():
    logs = {"loss": [0.9, 0.5, 0.4], "val_loss": [0.7, 0.6, 0.55], "accuracy": [0.7, 0.8, 0.9]}
    fig = viz.plot_history(SimpleNamespace(history=logs))  # what model.fit returns
    loss_ax, acc_ax = fig.axes
    assert [loss_ax.get_title(), acc_ax.get_title()] == ["loss", "accuracy"]
    train, val = loss_ax.lines
    assert train.get_xdata().tolist() == [1, 2, 3]
    assert train.get_ydata().tolist() == logs["loss"]
    assert val.get_ydata().tolist() == logs["val_loss"]
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["training", "validation"]
    assert len(acc_ax.lines) == 1  # no val_accuracy in the logs
    assert len(viz.plot_history(logs, metrics="loss").axes) == 1
    with pytest.raises(ValueError, match="no 'auc'"):
        viz.plot_history(logs, metrics=("loss", "auc"))
    with pytest.raises(TypeError, match="history must be a Keras History or a dict"):
        viz.plot_history([0.5, 0.3])


def test_plot_confusion_matrix_draws_the_counts():
    rng = np.random.default_rng(4)
    y_true = rng.integers(0, 5, 300)
    y_pred = np.where(rng.random(300) < 0.7, y_true, rng.integers(0, 5, 300))
    expected = metrics.confusion_matrix(y_true, y_pred)  # tested against a loop in test_metrics
    fig = viz.plot_confusion_matrix(y_true, y_pred, class_names=list("ABCDE"))
    (ax,) = fig.axes
    assert [int(t) for t in cell_texts(ax)] == expected.ravel().tolist()
    correct = int(np.trace(expected))
    assert ax.get_title() == f"accuracy {correct / 300:.3f} ({correct} of 300)"
    assert [t.get_text() for t in ax.get_xticklabels()] == list("ABCDE")
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"


# --------------------------------------------------------------------------- names and checks


def test_viz_draws_and_does_not_compute():
    """The computations a figure shows live in the core; viz exports only drawing."""
    for name in ("step_products", "unseen_pixels", "describe_unseen", "confusion_matrix"):
        assert not hasattr(viz, name), name
    assert all(hasattr(viz, name) for name in viz.__all__)


def test_style_module_has_what_the_figure_modules_share():
    from cnn_course.viz import _style

    for name in ("course_style", "COURSE_RC", "IMAGE_CMAP", "FEATURE_CMAP", "MAX_WIDTH"):
        assert getattr(_style, name) is getattr(viz, name)
    fig, axes = _style._grid_axes(5, 3, (1.0, 1.0))
    assert len(axes) == 5 and len(fig.axes) == 5


SMALL = np.arange(16).reshape(4, 4)
# Every integer parameter of every public drawing function, with valid values for the
# others: True, False and 3.0 must each be refused with a TypeError that names it.
INTEGER_PARAMETERS = [
    ("show_convolution", {"image": IMAGE, "kernel": VERTICAL}, "stride", "the stride"),
    ("show_convolution", {"image": IMAGE, "kernel": VERTICAL}, "padding", "the padding"),
    ("show_convolution", {"image": IMAGE, "kernel": VERTICAL}, "step", "the step"),
    ("show_pooling", {"x": SMALL}, "f", "the pooling window size"),
    ("show_pooling", {"x": SMALL}, "s", "the stride"),
    *[
        (name, {"n": 7, "f": 3}, k, w)
        for name in ("show_stride_windows", "show_window_positions")
        for k, w in [
            ("n", "the input size"),
            ("f", "the filter size"),
            ("p", "the padding"),
            ("s", "the stride"),
        ]
    ],
    ("show_kernels", {"kernels": np.zeros((3, 3, 1, 4))}, "ncols", "ncols"),
    ("show_kernels", {"kernels": np.zeros((3, 3, 2, 4))}, "channel", "channel"),
    ("show_feature_maps", {"maps": np.zeros((5, 5, 4))}, "ncols", "ncols"),
    ("show_feature_maps", {"maps": np.zeros((5, 5, 4))}, "max_maps", "max_maps"),
    ("show_images", {"images": np.zeros((3, 5, 5))}, "ncols", "ncols"),
    ("show_images", {"images": np.zeros((3, 5, 5))}, "max_images", "max_images"),
    ("show_first_layer_filters", {"kernel": np.zeros((3, 3, 3, 4))}, "ncols", "ncols"),
    ("show_feature_maps_by_depth", {"maps": {"a": np.zeros((4, 4, 2))}}, "channels", "channels"),
    ("plot_learning_rates", {"rates": {"a": [1e-3]}}, "steps_per_epoch", "the steps per epoch"),
]


test_integer_parameters_refuse_bools_and_floats, test_every_integer_parameter_is_listed = (
    whole_numbers.refusal_tests(viz, INTEGER_PARAMETERS)
)


# --------------------------------------------------------------------------- hygiene


def test_drawing_leaves_matplotlib_settings_alone():
    before = dict(plt.rcParams)
    fig = viz.show_convolution(IMAGE, VERTICAL, step=0)
    assert dict(plt.rcParams) == before
    # the course look was applied while drawing
    assert fig.axes[0].title.get_fontsize() == viz.COURSE_RC["axes.titlesize"]


def test_course_style_keeps_settings_changed_while_drawing():
    # Loading Jupyter's inline backend during the first drawing turns interactive mode on;
    # restoring every setting afterwards (as plt.rc_context does) would turn it off again
    # and no figure would be shown at the end of a cell any more.
    was = matplotlib.is_interactive()

    @viz.course_style
    def first_drawing_in_a_kernel():
        matplotlib.interactive(not was)

    try:
        first_drawing_in_a_kernel()
        assert matplotlib.is_interactive() is (not was)
    finally:
        matplotlib.interactive(was)


def test_importing_viz_and_widgets_does_not_import_tensorflow():
    code = (
        "import sys, cnn_course.viz, cnn_course.widgets; "
        "print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
