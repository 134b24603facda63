"""Cross-checks of the package that notebook 05 made inline; they re-check, the notebook
teaches (issue 23 §5)."""

from __future__ import annotations

import numpy as np

from cnn_course import kernels, ops, shapes


def test_stride_two_and_conv_then_pool_predict_the_cameramans_255_maps():
    """Notebook 05, *Pooling vs. stride*: the 512×512 photo, the 3×3 vertical-edge filter."""
    photo = np.zeros((512, 512), dtype=np.int64)  # only the size matters here
    vertical = kernels.vertical_edge()
    strided = ops.conv2d(photo, vertical, stride=2)
    pooled = ops.max_pool(ops.conv2d(photo, vertical, stride=1), f=2, s=2)
    predicted = shapes.conv_output_size(512, 3, s=2)
    assert predicted == shapes.pool_output_size(shapes.conv_output_size(512, 3)) == 255
    assert strided.shape == pooled.shape == (predicted, predicted)
