"""Layers the course needs that Keras 3 does not ship, and how layers relate to each other.

Deck 001 ("Minimizing the number of parameters: LRF's") and deck 004 ("Locally
connected layer") put a layer between the fully-connected (Dense) layer and the
convolution: the **locally connected** layer. Each hidden unit looks at a small
``f×f`` patch of the image, like a convolution, but every position has its *own*
weights (and its own bias) — nothing is shared. Keras 2 had ``LocallyConnected2D``;
Keras 3 dropped it, so the course provides one: :class:`LocallyConnected2D`.

The ladder the lecture climbs, for one MNIST image (28×28×1) and a 5×5 window:

* Dense, 100 units: ``784 × 100 + 100 = 78 500`` parameters;
* locally connected, 1 map: ``25 × 24 × 24 + 24 × 24 = 14 976`` parameters;
* convolution (shared weights), 1 map: ``25 + 1 = 26`` parameters.

:func:`dense_matrix_of_conv` goes the other way (deck 001, "Fully Convolutional
Networks"): the Dense weight matrix that computes exactly what a convolution computes —
mostly zeros, with the same few weights repeated. :func:`keras_conv2d` runs a real Keras
``Conv2D`` with given weights on one NumPy image — the Keras counterpart of
:func:`cnn_course.ops.conv2d`, to check one against the other.

This module imports Keras (and so TensorFlow) at import time; ``import cnn_course``
does not import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
import numpy as np
from numpy.typing import ArrayLike, NDArray

from cnn_course import _checks, ops, shapes

__all__ = ["LocallyConnected2D", "dense_matrix_of_conv", "keras_conv2d"]


# --------------------------------------------------------------------------- the layer


@keras.saving.register_keras_serializable(package="cnn_course")
class LocallyConnected2D(keras.layers.Layer):
    """A 2-D locally connected layer: a convolution whose weights are *not* shared.

    Like :class:`keras.layers.Conv2D`, each output unit at position ``(i, j)`` looks
    at one ``f×f×C`` patch of the input. Unlike it, every position has its own filter
    bank and its own bias: for output map ``k``,

    ``out[i, j, k] = b[i, j, k] + Σ_{a, b, c} w[i, j][a, b, c, k] · x[i·s + a, j·s + b, c]``

    With ``H'×W'`` output positions the layer holds ``H'·W'·(f·f·C·K + K)``
    parameters — deck 001's "parameters per receptive field × number of units +
    biases". Setting the same weights at every position (:meth:`set_shared_weights`)
    turns it into a ``Conv2D``: that *is* weight sharing.

    Parameters
    ----------
    filters : int
        Number of output maps ``K`` (the deck's "several local receptive fields per
        pixel").
    kernel_size : int or (int, int)
        Size of the local receptive field, ``f`` or ``(fh, fw)``.
    strides : int or (int, int), default 1
        Step between neighbouring receptive fields.
    padding : {"valid", "same"}, default "valid"
        ``"valid"``: no padding, ``H' = floor((H - fh) / s) + 1``. ``"same"``: zeros
        added as Keras' ``Conv2D`` adds them, ``H' = ceil(H / s)``.
    activation : str or callable, optional
        Applied after adding the bias (``None``: linear), as in ``Conv2D``.
    use_bias : bool, default True
        One bias per output unit, i.e. per position and map.
    kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
    activity_regularizer, kernel_constraint, bias_constraint
        As in ``Conv2D``. Fan-based initialisers (Glorot, He, LeCun — every Keras
        ``VarianceScaling``) are scaled for *one* position, whose units see
        ``fh·fw·C`` inputs: Keras would otherwise count every position's weights as
        fan-in and start from weights ``sqrt(H'·W')`` times too small.
    **kwargs
        Passed to :class:`keras.layers.Layer` (``name``, ``dtype``, …).

    Attributes
    ----------
    kernel : keras.Variable, shape (H', W', fh·fw·C, K)
        The weights of each position. The ``fh·fw·C`` inputs of a patch are ordered
        row, column, channel — the order of a ``Conv2D`` kernel ``(fh, fw, C, K)``
        reshaped to ``(fh·fw·C, K)``.
    bias : keras.Variable, shape (H', W', K)
        One bias per output unit (absent when ``use_bias=False``).

    Notes
    -----
    Inputs are channels-last ``(batch, H, W, C)`` whatever Keras' global image data
    format is, and need a fixed height and width: every position has its own weights,
    so the number of weights depends on the image size. The layer extracts all
    patches at once (:func:`keras.ops.image.extract_patches`) and contracts them with
    the per-position weights in one :func:`keras.ops.einsum` — no Python loop over
    positions — and uses only ``keras.ops``, so it runs on any Keras backend.

    Examples
    --------
    Deck 001: a 28×28 MNIST image, 5×5 local receptive fields, one map gives 24×24
    hidden units and 25 × 24 × 24 + 24 × 24 = 14 976 parameters:

    >>> layer = LocallyConnected2D(1, 5)
    >>> model = keras.Sequential([keras.Input((28, 28, 1)), layer])
    >>> model.output_shape
    (None, 24, 24, 1)
    >>> model.count_params()
    14976

    Colour images and 5 maps: 25 × 3 × 5 × 24 × 24 + 24 × 24 × 5 = 218 880:

    >>> model = keras.Sequential([keras.Input((28, 28, 3)), LocallyConnected2D(5, 5)])
    >>> model.count_params()
    218880

    A ``Conv2D`` with the same filter has 5 × (5 × 5 × 3) + 5 = 380 parameters.
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = _checks.positive_int(filters, "the number of filters")
        self.kernel_size = _checks.int_pair(kernel_size, "the kernel size")
        self.strides = _checks.int_pair(strides, "the stride")
        mode = padding.lower() if isinstance(padding, str) else padding
        self.padding = _checks.one_of(mode, "the padding", ("valid", "same"))
        self.activation = keras.activations.get(activation)
        self.use_bias = _checks.flag(use_bias, "use_bias")
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)
        self.input_spec = keras.layers.InputSpec(ndim=4)

    # ----------------------------------------------------------------- shapes

    def _output_hw(self, height: int | None, width: int | None) -> tuple[int, int]:
        if height is None or width is None:
            raise ValueError(
                "a locally connected layer needs a fixed input height and width (every "
                "position has its own weights), got an input of unknown size; give "
                "keras.Input a shape such as (28, 28, 1)"
            )
        (f_h, f_w), (s_h, s_w) = self.kernel_size, self.strides
        if self.padding == "valid" and (f_h > height or f_w > width):
            raise ValueError(
                f"the filter ({f_h}×{f_w}) is larger than the input ({height}×{width})"
            )
        if self.padding == "same":  # Keras pads so that the output is ceil(n / s)
            return shapes.keras_same_output_size(height, s_h), shapes.keras_same_output_size(
                width, s_w
            )
        return shapes.conv_output_size(height, f_h, s=s_h), shapes.conv_output_size(
            width, f_w, s=s_w
        )

    def compute_output_shape(self, input_shape: Sequence[int | None]) -> tuple[int | None, ...]:
        if len(input_shape) != 4:
            raise ValueError(
                "a locally connected layer expects (batch, height, width, channels) "
                f"inputs, got shape {tuple(input_shape)}"
            )
        out_h, out_w = self._output_hw(input_shape[1], input_shape[2])
        return (input_shape[0], out_h, out_w, self.filters)

    def _fan_corrected(self, initializer: Any, positions: int) -> Any:
        """Scale a VarianceScaling initialiser so its fans are those of one position.

        Keras counts the fans of a (H', W', P, K) kernel as ``H'·W'·P`` and ``H'·W'·K``;
        each unit really has ``P`` inputs. Every fan mode is off by the same factor
        ``H'·W'``, so multiplying ``scale`` by it restores the per-position variance.
        Initialisers given explicit fan axes, and all others, are used as they are.
        """
        if (
            isinstance(initializer, keras.initializers.VarianceScaling)
            and getattr(initializer, "input_axes", None) is None
            and getattr(initializer, "output_axes", None) is None
        ):
            return keras.initializers.VarianceScaling(
                scale=initializer.scale * positions,
                mode=initializer.mode,
                distribution=initializer.distribution,
                seed=initializer.seed,
            )
        return initializer

    def build(self, input_shape: Sequence[int | None]) -> None:
        self.compute_output_shape(input_shape)  # checks the rank, the size and the filter
        _, height, width, channels = input_shape
        if channels is None:
            raise ValueError("a locally connected layer needs a known number of input channels")
        out_h, out_w = self._output_hw(height, width)
        f_h, f_w = self.kernel_size
        self.kernel = self.add_weight(
            name="kernel",
            shape=(out_h, out_w, f_h * f_w * channels, self.filters),
            initializer=self._fan_corrected(self.kernel_initializer, out_h * out_w),
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(out_h, out_w, self.filters),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = keras.layers.InputSpec(ndim=4, axes={1: height, 2: width, 3: channels})

    # ----------------------------------------------------------------- forward

    def call(self, inputs: Any) -> Any:
        # patches[n, i, j, :] = the (fh, fw, C) window of output position (i, j), flattened
        # row, column, channel: one strided extraction for every position at once.
        patches = keras.ops.image.extract_patches(
            inputs,
            self.kernel_size,
            strides=self.strides,
            padding=self.padding,
            data_format="channels_last",
        )
        outputs = keras.ops.einsum("nhwp,hwpk->nhwk", patches, self.kernel)
        if self.use_bias:
            outputs = outputs + self.bias
        return self.activation(outputs)

    # ----------------------------------------------------------------- weight sharing

    def set_shared_weights(self, kernel: ArrayLike, bias: ArrayLike | None = None) -> None:
        """Give every position the same filter bank: the layer then computes a Conv2D.

        Parameters
        ----------
        kernel : array_like, shape (fh, fw, C, K)
            A filter bank in the layout of a ``Conv2D`` kernel (``conv.kernel``).
        bias : array_like, shape (K,), optional
            One bias per map, as in ``Conv2D``; broadcast to every position. Required
            when the layer has a bias.

        Raises
        ------
        ValueError
            If the layer is not built yet, or the shapes do not fit the layer.

        Examples
        --------
        >>> x = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype("float32")
        >>> conv = keras.layers.Conv2D(4, 3, strides=2)
        >>> lc = LocallyConnected2D(4, 3, strides=2)
        >>> y_conv, _ = conv(x), lc(x)          # calling builds the weights
        >>> lc.set_shared_weights(*conv.get_weights())
        >>> bool(np.allclose(lc(x), y_conv, atol=1e-5))
        True
        """
        if not self.built:
            raise ValueError("build the layer first (call it on an input) before setting weights")
        out_h, out_w, patch, filters = self.kernel.shape
        f_h, f_w = self.kernel_size
        k = np.asarray(kernel)
        expected = (f_h, f_w, patch // (f_h * f_w), filters)
        if k.shape != expected:
            raise ValueError(
                f"the shared kernel must have the Conv2D shape {expected}, got {k.shape}"
            )
        per_position = np.broadcast_to(k.reshape(1, 1, patch, filters), self.kernel.shape)
        self.kernel.assign(per_position)
        if self.use_bias:
            if bias is None:
                raise ValueError("this layer has a bias: give one bias per map, shape (K,)")
            b = np.asarray(bias)
            if b.shape != (filters,):
                raise ValueError(f"the shared bias must have shape ({filters},), got {b.shape}")
            self.bias.assign(np.broadcast_to(b, (out_h, out_w, filters)))
        elif bias is not None:
            raise ValueError("this layer has no bias (use_bias=False), but a bias was given")

    # ----------------------------------------------------------------- serialisation

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "activation": keras.activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
                "bias_initializer": keras.initializers.serialize(self.bias_initializer),
                "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": keras.regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": keras.constraints.serialize(self.kernel_constraint),
                "bias_constraint": keras.constraints.serialize(self.bias_constraint),
            }
        )
        return config


# --------------------------------------------------------------------------- conv as dense


def dense_matrix_of_conv(
    kernel: ArrayLike,
    input_shape: tuple[int, int] | tuple[int, int, int],
    stride: int = 1,
    padding: ops.Padding = 0,
) -> NDArray:
    """The fully-connected weight matrix that computes the same thing as a convolution.

    Deck 001: "for any CONV layer there is an FC layer that implements the same forward
    function. The weight matrix would be a large matrix that is mostly zero except for
    at certain blocks (due to local connectivity) where the weights in many of the blocks
    are equal (due to parameter sharing)." Built the way one would by hand: feed the
    convolution (:func:`cnn_course.ops.conv2d`) every unit impulse — an image that is 0
    everywhere except one pixel set to 1 — and write what comes out as a column.

    Parameters
    ----------
    kernel : array_like, shape (f, f), (f, f, C) or (f, f, C, K)
        The filter(s), as in :func:`cnn_course.ops.conv2d`.
    input_shape : (H, W) or (H, W, C)
        The image the convolution is applied to.
    stride, padding
        As in :func:`cnn_course.ops.conv2d`.

    Returns
    -------
    numpy.ndarray, shape (output size, H·W·C)
        ``M`` with ``M @ x.ravel() == conv2d(x, kernel, stride, padding).ravel()`` for
        every image ``x`` of that shape (flattened row by row, channels last — the order
        of ``keras.layers.Flatten``). ``M.T`` is the kernel of the equivalent ``Dense``.

    Examples
    --------
    A 3×3 filter on a 4×4 image: 4 outputs × 16 inputs, and each row holds the 9
    weights of the filter, nothing else — 36 of 64 entries are nonzero:

    >>> k = np.arange(1, 10).reshape(3, 3)
    >>> m = dense_matrix_of_conv(k, (4, 4))
    >>> m.shape, int(np.count_nonzero(m))
    ((4, 16), 36)
    >>> m[0].reshape(4, 4)
    array([[1, 2, 3, 0],
           [4, 5, 6, 0],
           [7, 8, 9, 0],
           [0, 0, 0, 0]])
    >>> x = np.arange(16).reshape(4, 4)
    >>> bool(np.array_equal(m @ x.ravel(), ops.conv2d(x, k).ravel()))
    True
    """
    if isinstance(input_shape, str) or not isinstance(input_shape, Sequence):
        raise TypeError(f"the input shape must be a tuple (H, W) or (H, W, C), got {input_shape!r}")
    if len(input_shape) not in (2, 3):
        raise ValueError(f"the input shape must be (H, W) or (H, W, C), got {input_shape!r}")
    shape = tuple(_checks.positive_int(n, "each size in the input shape") for n in input_shape)
    size = int(np.prod(shape))
    k = np.asarray(kernel)
    dtype = k.dtype if k.dtype.kind in "biu" else np.result_type(k.dtype, np.float64)
    impulses = np.eye(size, dtype=dtype).reshape((size, *shape))
    columns = [ops.conv2d(e, k, stride=stride, padding=padding).ravel() for e in impulses]
    return np.stack(columns, axis=1)


# --------------------------------------------------------------------------- Keras Conv2D


def keras_conv2d(
    x: ArrayLike,
    k: ArrayLike,
    stride: int = 1,
    padding: ops.Padding = 0,
    bias: ArrayLike | None = None,
) -> NDArray:
    """What a Keras ``Conv2D`` layer holding the filter(s) ``k`` computes on the image ``x``.

    The Keras counterpart of :func:`cnn_course.ops.conv2d`, with the same arguments and
    output shapes, so that the NumPy reference and the real layer can be compared on the
    slides' matrices. A padding ``p`` (a number) is a ``ZeroPadding2D(p)`` layer followed
    by a ``"valid"`` convolution; ``"valid"`` and ``"same"`` are passed to ``Conv2D``.

    Parameters
    ----------
    x : array_like, shape (H, W) or (H, W, C)
        One image, channels last.
    k : array_like, shape (f, f), (f, f, C) or (f, f, C, K)
        The filter(s), as in :func:`cnn_course.ops.conv2d`.
    stride : int, default 1
    padding : int or {"valid", "same"}, default 0
    bias : array_like, optional
        One bias per filter (default: no bias).

    Returns
    -------
    numpy.ndarray of float32
        ``(H', W')`` for a 2-D or 3-D filter, ``(H', W', K)`` for a filter bank.

    Raises
    ------
    ValueError
        As :func:`cnn_course.ops.conv2d` does (checked first, in the course's words).

    Examples
    --------
    The stride-2 example of decks 000 and 002 (the slides print 83 and 127 for 88 and 117):

    >>> x7 = np.array([[2, 3, 7, 4, 6, 2, 9], [6, 6, 9, 8, 7, 4, 3], [3, 4, 8, 3, 8, 9, 7],
    ...                [7, 8, 3, 6, 6, 3, 4], [4, 2, 1, 8, 3, 4, 6], [3, 2, 4, 1, 9, 8, 3],
    ...                [0, 1, 3, 9, 2, 1, 4]])
    >>> keras_conv2d(x7, [[3, 4, 4], [1, 0, 2], [-1, 0, 3]], stride=2)
    array([[ 91., 100.,  88.],
           [ 69.,  91., 117.],
           [ 44.,  72.,  74.]], dtype=float32)
    """
    reference = ops.conv2d(x, k, stride=stride, padding=padding)  # validates everything
    image = np.asarray(x, dtype="float32")
    volume = image if image.ndim == 3 else image[:, :, np.newaxis]
    kernel = np.asarray(k, dtype="float32")
    if kernel.ndim == 2:
        kernel = kernel[:, :, np.newaxis]
    if kernel.ndim == 3:
        kernel = kernel[:, :, :, np.newaxis]
    filters = kernel.shape[3]
    layers: list[keras.layers.Layer] = [keras.Input(volume.shape)]
    if isinstance(padding, str):
        mode = padding.lower()
    else:
        mode = "valid"
        layers.append(keras.layers.ZeroPadding2D(int(padding)))
    conv = keras.layers.Conv2D(
        filters, kernel.shape[:2], strides=stride, padding=mode, use_bias=bias is not None
    )
    model = keras.Sequential([*layers, conv])
    weights = [kernel]
    if bias is not None:
        weights.append(np.broadcast_to(np.asarray(bias, dtype="float32"), (filters,)))
    conv.set_weights(weights)
    out = keras.ops.convert_to_numpy(model(volume[np.newaxis]))[0]
    return out.reshape(reference.shape)
