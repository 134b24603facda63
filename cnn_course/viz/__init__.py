"""Figures of the course: matrices drawn like the slides, filters, feature maps, curves.

Everything a notebook draws is importable from here (``from cnn_course import viz;
viz.show_matrix(...)``); the functions live in modules by kind:

* :mod:`cnn_course.viz.matrices` — :func:`show_matrix`, :func:`show_convolution`,
  :func:`show_pooling`, :func:`show_stride_windows`, :func:`show_window_positions`: small
  matrices with a number in every cell and the windows that slide over them, as on the slides;
* :mod:`cnn_course.viz.images` — :func:`show_kernels`, :func:`show_feature_maps`,
  :func:`side_by_side`, :func:`show_images`: what a network holds, as pictures;
* :mod:`cnn_course.viz.curves` — :func:`plot_history`, :func:`plot_runs`,
  :func:`plot_learning_rates`, :func:`plot_confusion_matrix`;
* :mod:`cnn_course.viz.explain` — what a trained network sees: first-layer filters,
  feature maps by depth, maximum-response images, ascent curves, Deep Dream, Grad-CAM;
* ``cnn_course.viz._style`` — the course look shared by all of them (colours, font
  sizes, the :func:`course_style` decorator).

Conventions
-----------
* Figures import computations, never the reverse: what a figure shows is computed in the
  NumPy core (:mod:`cnn_course.ops`, :mod:`cnn_course.shapes`, :mod:`cnn_course.metrics`)
  and only drawn here.
* Every function returns what it drew: the :class:`~matplotlib.axes.Axes` for the two
  functions that can draw into an ``ax`` you pass (:func:`show_matrix`,
  :func:`show_stride_windows`), the :class:`~matplotlib.figure.Figure` for all others.
  None calls ``plt.show()``. In a notebook the figure appears at the end of the cell;
  assign the result (``fig = show_pooling(x)``) or end the line with ``;`` so that it is
  not displayed a second time as the cell's value.
* One look for the whole course: the colours and sizes are constants, and the font
  sizes of :data:`COURSE_RC` are applied only while a figure is drawn — importing or
  calling this package leaves matplotlib's global settings as they were.
* Numbers are written as the slides write them: integers as integers, other values
  compactly (``2.25``, ``0.333``), see :func:`cnn_course._format.format_number`.

Only matplotlib and NumPy are imported here; TensorFlow is never needed (Keras
``History`` objects and tensors are read through their plain attributes / NumPy).
"""

from __future__ import annotations

from cnn_course.viz._style import (
    CELL_INCHES,
    COURSE_RC,
    FEATURE_CMAP,
    GRID_COLOR,
    HIGHLIGHT_COLOR,
    IMAGE_CMAP,
    MATRIX_CMAP,
    MAX_HEIGHT,
    MAX_WIDTH,
    PADDING_COLOR,
    SIGNED_CMAP,
    UNSEEN_COLOR,
    WRONG_COLOR,
    course_style,
)
from cnn_course.viz.curves import (
    plot_confusion_matrix,
    plot_history,
    plot_learning_rates,
    plot_runs,
)
from cnn_course.viz.explain import (
    grad_cam_overlay,
    plot_ascent,
    show_deep_dream,
    show_feature_maps_by_depth,
    show_first_layer_filters,
    show_grad_cam,
    show_maximum_responses,
)
from cnn_course.viz.images import show_feature_maps, show_images, show_kernels, side_by_side
from cnn_course.viz.matrices import (
    show_convolution,
    show_matrix,
    show_pooling,
    show_stride_windows,
    show_window_positions,
)

__all__ = [
    "CELL_INCHES",
    "COURSE_RC",
    "FEATURE_CMAP",
    "GRID_COLOR",
    "HIGHLIGHT_COLOR",
    "IMAGE_CMAP",
    "MATRIX_CMAP",
    "MAX_HEIGHT",
    "MAX_WIDTH",
    "PADDING_COLOR",
    "SIGNED_CMAP",
    "UNSEEN_COLOR",
    "WRONG_COLOR",
    "course_style",
    "grad_cam_overlay",
    "plot_ascent",
    "plot_confusion_matrix",
    "plot_history",
    "plot_learning_rates",
    "plot_runs",
    "show_deep_dream",
    "show_feature_maps_by_depth",
    "show_first_layer_filters",
    "show_grad_cam",
    "show_maximum_responses",
    "show_convolution",
    "show_feature_maps",
    "show_images",
    "show_kernels",
    "show_matrix",
    "show_pooling",
    "show_stride_windows",
    "show_window_positions",
    "side_by_side",
]
