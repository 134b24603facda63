"""Tests of :mod:`cnn_course.layers`.

* :class:`LocallyConnected2D` has exactly the parameters of the course formula
  (:func:`cnn_course.shapes.locally_connected_params`) and of deck 001's slide numbers;
* its output equals an independent NumPy implementation that loops over the output
  positions one by one;
* with the same weights at every position it computes what ``keras.layers.Conv2D``
  computes (weight sharing *is* convolution);
* it trains, stays unshared when trained, serialises (config and ``.keras`` file) and
  rejects bad input in course language (a wrong type is a TypeError, a wrong value a
  ValueError);
* :func:`dense_matrix_of_conv` is the Dense layer equivalent to a convolution, and
  :func:`keras_conv2d` (a real Conv2D) equals :func:`cnn_course.ops.conv2d`.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnn_course import ops, shapes
from cnn_course.layers import LocallyConnected2D, dense_matrix_of_conv, keras_conv2d

RNG_SEED = 20240611


def lc_model(
    input_shape: tuple[int, int, int], *args: object, **kwargs: object
) -> tuple[keras.Model, LocallyConnected2D]:
    layer = LocallyConnected2D(*args, **kwargs)
    model = keras.Sequential([keras.Input(input_shape), layer])
    return model, layer


def reference_locally_connected(
    x: np.ndarray,
    kernel: np.ndarray,
    bias: np.ndarray | None,
    kernel_size: tuple[int, int],
    stride: tuple[int, int],
    padding: str,
) -> np.ndarray:
    """The layer written as the definition reads: a loop over output positions.

    Independent of the layer's implementation (no patch extraction, no einsum over
    positions): for output position (i, j) take the window x[i·s : i·s + f, j·s : j·s + f]
    and multiply it with the weights of that position only.
    """
    n, h, w, c = x.shape
    f_h, f_w = kernel_size
    s_h, s_w = stride
    if padding == "same":
        out_h, out_w = -(-h // s_h), -(-w // s_w)
        pad_h = max((out_h - 1) * s_h + f_h - h, 0)
        pad_w = max((out_w - 1) * s_w + f_w - w, 0)
        x = np.pad(
            x, ((0, 0), (pad_h // 2, pad_h - pad_h // 2), (pad_w // 2, pad_w - pad_w // 2), (0, 0))
        )
    else:
        out_h, out_w = (h - f_h) // s_h + 1, (w - f_w) // s_w + 1
    filters = kernel.shape[-1]
    out = np.zeros((n, out_h, out_w, filters))
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, i * s_h : i * s_h + f_h, j * s_w : j * s_w + f_w, :]
            weights = kernel[i, j].reshape(f_h, f_w, c, filters)
            for k in range(filters):
                out[:, i, j, k] = (window * weights[..., k]).sum(axis=(1, 2, 3))
                if bias is not None:
                    out[:, i, j, k] += bias[i, j, k]
    return out


# ----------------------------------------------------------------- parameter counts


@pytest.mark.parametrize(
    ("n", "f", "c_in", "c_out", "s", "slide"),
    [
        (28, 5, 1, 1, 1, 14_976),  # deck 001: 25 × 24 × 24 + 24 × 24
        (28, 5, 3, 5, 1, 218_880),  # deck 001: 25 × 3 × 5 × 24 × 24 + 24 × 24 × 5
        (28, 5, 1, 1, 2, None),  # stride 2: 12 × 12 positions
        (7, 3, 2, 4, 3, None),  # a stride that does not fit: floor((7 - 3) / 3) + 1 = 2
        (10, 1, 3, 2, 1, None),  # 1×1 receptive fields
        (32, 5, 3, 6, 1, None),
    ],
)
def test_count_params_is_the_course_formula(n, f, c_in, c_out, s, slide):
    model, _ = lc_model((n, n, c_in), c_out, f, strides=s)
    expected = shapes.locally_connected_params(n, f, c_in=c_in, c_out=c_out, s=s)
    assert model.count_params() == expected
    m = (n - f) // s + 1
    assert model.output_shape == (None, m, m, c_out)
    if slide is not None:
        assert model.count_params() == slide


def test_count_params_without_bias():
    model, layer = lc_model((28, 28, 1), 1, 5, use_bias=False)
    assert layer.bias is None
    assert model.count_params() == 25 * 24 * 24
    assert model.count_params() == shapes.locally_connected_params(28, 5, bias=False)


def test_the_ladder_dense_locally_connected_convolution():
    """Deck 001's MNIST numbers: Dense 100 units, LRF, and the shared-weight conv."""
    dense = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(100)]
    )
    local, _ = lc_model((28, 28, 1), 1, 5)
    conv = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(1, 5)])
    assert (dense.count_params(), local.count_params(), conv.count_params()) == (78_500, 14_976, 26)
    assert local.output_shape == conv.output_shape == (None, 24, 24, 1)


# ----------------------------------------------------------------- forward pass


@pytest.mark.parametrize(
    ("shape", "filters", "kernel_size", "strides", "padding"),
    [
        ((8, 8, 1), 1, 3, 1, "valid"),
        ((9, 7, 3), 4, 3, 2, "valid"),
        ((7, 7, 2), 2, 3, 3, "valid"),  # the last row and column are never seen
        ((6, 8, 2), 3, (2, 3), (1, 2), "valid"),  # rectangular filter and stride
        ((7, 6, 2), 2, 4, 2, "same"),  # even filter: asymmetric zero padding
        ((5, 5, 1), 1, 5, 1, "valid"),  # a single position: a Dense on the patch
    ],
)
def test_output_matches_a_loop_over_positions(shape, filters, kernel_size, strides, padding):
    rng = np.random.default_rng(RNG_SEED)
    x = rng.normal(size=(3, *shape)).astype("float32")
    _, layer = lc_model(shape, filters, kernel_size, strides=strides, padding=padding)
    kernel = rng.normal(size=layer.kernel.shape).astype("float32")
    bias = rng.normal(size=layer.bias.shape).astype("float32")
    layer.set_weights([kernel, bias])

    got = keras.ops.convert_to_numpy(layer(x))
    want = reference_locally_connected(
        x, kernel, bias, layer.kernel_size, layer.strides, layer.padding
    )
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_every_position_has_its_own_weights():
    """Changing the weights of one position changes only that position's output."""
    rng = np.random.default_rng(RNG_SEED)
    x = rng.normal(size=(2, 6, 6, 1)).astype("float32")
    _, layer = lc_model((6, 6, 1), 2, 3)
    before = keras.ops.convert_to_numpy(layer(x))
    kernel, bias = layer.get_weights()
    kernel[1, 2] += 1.0
    layer.set_weights([kernel, bias])
    changed = np.any(keras.ops.convert_to_numpy(layer(x)) != before, axis=(0, 3))
    expected = np.zeros((4, 4), dtype=bool)
    expected[1, 2] = True
    assert np.array_equal(changed, expected)


@pytest.mark.parametrize(
    ("strides", "padding", "activation"),
    [(1, "valid", None), (2, "valid", "relu"), (3, "valid", None), (2, "same", "tanh")],
)
def test_shared_weights_make_it_a_conv2d(strides, padding, activation):
    rng = np.random.default_rng(RNG_SEED)
    x = rng.normal(size=(2, 9, 9, 3)).astype("float32")
    conv = keras.layers.Conv2D(
        4,
        3,
        strides=strides,
        padding=padding,
        activation=activation,
        bias_initializer="random_normal",
    )
    local = LocallyConnected2D(4, 3, strides=strides, padding=padding, activation=activation)
    want = keras.ops.convert_to_numpy(conv(x))
    local(x)  # build
    local.set_shared_weights(*conv.get_weights())
    got = keras.ops.convert_to_numpy(local(x))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


# ----------------------------------------------------------------- training


def test_one_training_step_lowers_the_loss_and_weights_stay_unshared():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(RNG_SEED)
    x = rng.normal(size=(32, 8, 8, 1)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")
    layer = LocallyConnected2D(2, 3, activation="relu", name="lrf")
    model = keras.Sequential(
        [keras.Input((8, 8, 1)), layer, keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    conv = keras.layers.Conv2D(2, 3)
    conv.build((None, 8, 8, 1))
    shared_kernel = conv.get_weights()[0]
    layer.set_shared_weights(shared_kernel, np.full(2, 0.1, "float32"))

    loss_before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)  # one gradient step
    loss_after = model.evaluate(x, y, verbose=0)
    assert loss_after < loss_before

    kernel = layer.get_weights()[0]
    # Every position started from the same filter; each got its own gradient.
    assert not np.allclose(kernel[0, 0], kernel[-1, -1])
    assert not np.allclose(kernel[0, 0], shared_kernel.reshape(9, 2))


def test_initial_weights_have_the_variance_of_one_position():
    """Glorot-uniform for one position: limit sqrt(6 / (fan_in + fan_out)), fans 9·C and K."""
    keras.utils.set_random_seed(0)
    _, layer = lc_model((28, 28, 4), 8, 3)
    kernel = layer.get_weights()[0]
    limit = np.sqrt(6 / (9 * 4 + 8))
    assert np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.99 * limit
    np.testing.assert_allclose(kernel.std(), limit / np.sqrt(3), rtol=0.02)


# ----------------------------------------------------------------- serialisation


def test_config_round_trip():
    layer = LocallyConnected2D(
        3, (3, 2), strides=(2, 1), padding="same", activation="relu", use_bias=False, name="lc"
    )
    config = layer.get_config()
    clone = LocallyConnected2D.from_config(config)
    assert clone.get_config() == config
    assert (clone.kernel_size, clone.strides, clone.padding) == ((3, 2), (2, 1), "same")


def test_model_save_and_load(tmp_path):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((10, 10, 2)),
            LocallyConnected2D(3, 3, strides=2, activation="relu", name="lrf"),
            keras.layers.Flatten(),
            keras.layers.Dense(2),
        ]
    )
    x = np.random.default_rng(RNG_SEED).normal(size=(4, 10, 10, 2)).astype("float32")
    path = tmp_path / "locally_connected.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded.get_layer("lrf"), LocallyConnected2D)
    assert loaded.get_layer("lrf").get_config() == model.get_layer("lrf").get_config()
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"filters": 0, "kernel_size": 3},
            "the number of filters must be a whole number >= 1, got 0",
        ),
        ({"filters": 2, "kernel_size": 0}, "the kernel size must be a whole number >= 1"),
        ({"filters": 2, "kernel_size": 3, "strides": 0}, "the stride must be a whole number >= 1"),
        (
            {"filters": 2, "kernel_size": (3, 3, 3)},
            "the kernel size must be a whole number or a pair",
        ),
        (
            {"filters": 2, "kernel_size": 3, "padding": "full"},
            "the padding must be one of 'valid', 'same'",
        ),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LocallyConnected2D(**kwargs)


NOT_WHOLE_NUMBERS = [True, False, 3.0]

INTEGER_PARAMETERS = {
    "LocallyConnected2D filters": lambda v: LocallyConnected2D(v, 3),
    "LocallyConnected2D kernel_size": lambda v: LocallyConnected2D(2, v),
    "LocallyConnected2D kernel_size pair": lambda v: LocallyConnected2D(2, (3, v)),
    "LocallyConnected2D strides": lambda v: LocallyConnected2D(2, 3, strides=v),
    "dense_matrix_of_conv input_shape": lambda v: dense_matrix_of_conv(np.ones((3, 3)), (4, v)),
    "dense_matrix_of_conv stride": lambda v: dense_matrix_of_conv(np.ones((3, 3)), (4, 4), v),
    "dense_matrix_of_conv padding": lambda v: dense_matrix_of_conv(
        np.ones((3, 3)), (4, 4), padding=v
    ),
    "keras_conv2d stride": lambda v: keras_conv2d(np.ones((4, 4)), np.ones((3, 3)), stride=v),
    "keras_conv2d padding": lambda v: keras_conv2d(np.ones((4, 4)), np.ones((3, 3)), padding=v),
}


@pytest.mark.parametrize("value", NOT_WHOLE_NUMBERS, ids=repr)
@pytest.mark.parametrize("parameter", sorted(INTEGER_PARAMETERS))
def test_integer_parameters_refuse_bools_and_floats(parameter, value):
    with pytest.raises(TypeError, match=rf"a whole number.*got {value!r} \(a"):
        INTEGER_PARAMETERS[parameter](value)


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match="the padding must be one of"):
        LocallyConnected2D(2, 3, padding=1)
    with pytest.raises(TypeError, match="use_bias must be True or False"):
        LocallyConnected2D(2, 3, use_bias=1)
    with pytest.raises(TypeError, match=r"a tuple \(H, W\) or \(H, W, C\)"):
        dense_matrix_of_conv(np.ones((3, 3)), 4)


def test_filter_larger_than_the_input():
    with pytest.raises(ValueError, match=r"the filter \(5×5\) is larger than the input \(4×4\)"):
        lc_model((4, 4, 1), 1, 5)


def test_input_of_unknown_size():
    with pytest.raises(ValueError, match="needs a fixed input height and width"):
        lc_model((None, None, 1), 1, 3)


def test_set_shared_weights_checks_its_input():
    with pytest.raises(ValueError, match="build the layer first"):
        LocallyConnected2D(2, 3).set_shared_weights(np.zeros((3, 3, 1, 2)), np.zeros(2))
    _, layer = lc_model((6, 6, 1), 2, 3)
    with pytest.raises(ValueError, match=r"Conv2D shape \(3, 3, 1, 2\)"):
        layer.set_shared_weights(np.zeros((3, 3, 2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="give one bias per map"):
        layer.set_shared_weights(np.zeros((3, 3, 1, 2)))
    with pytest.raises(ValueError, match=r"shared bias must have shape \(2,\)"):
        layer.set_shared_weights(np.zeros((3, 3, 1, 2)), np.zeros(3))


# ----------------------------------------------------------------- conv as a dense layer


@pytest.mark.parametrize(
    ("shape", "kernel_shape", "stride", "padding"),
    [
        ((6, 6), (3, 3), 1, 0),
        ((7, 7), (3, 3), 2, 0),
        ((5, 6, 2), (3, 3, 2, 3), 1, 1),
        ((7, 7, 3), (3, 3, 3, 2), 2, "same"),
    ],
)
def test_dense_matrix_of_conv_computes_the_convolution(shape, kernel_shape, stride, padding):
    rng = np.random.default_rng(RNG_SEED)
    kernel = rng.integers(-3, 4, kernel_shape)
    x = rng.integers(0, 10, shape)
    m = dense_matrix_of_conv(kernel, shape, stride=stride, padding=padding)
    want = ops.conv2d(x, kernel, stride=stride, padding=padding)
    assert m.shape == (want.size, x.size)
    assert np.array_equal(m @ x.ravel(), want.ravel())


def test_dense_matrix_is_sparse_with_repeated_weights_and_matches_keras():
    """A 3×3×2 → 4 conv on 6×6×2: each of the 4·4·4 outputs reads 18 inputs, no more."""
    rng = np.random.default_rng(RNG_SEED)
    conv = keras.layers.Conv2D(4, 3, use_bias=False)
    conv.build((None, 6, 6, 2))
    kernel = conv.get_weights()[0]
    m = dense_matrix_of_conv(kernel, (6, 6, 2))
    assert m.shape == (4 * 4 * 4, 6 * 6 * 2)
    assert np.count_nonzero(m) == 4 * 4 * 4 * 3 * 3 * 2
    # Parameter sharing: every row of one map holds the same 18 numbers.
    rows_of_map0 = m[0::4]
    assert all(
        np.array_equal(np.sort(r[r != 0]), np.sort(kernel[..., 0].ravel())) for r in rows_of_map0
    )

    dense = keras.Sequential(
        [keras.Input((6, 6, 2)), keras.layers.Flatten(), keras.layers.Dense(64, use_bias=False)]
    )
    dense.layers[-1].set_weights([m.T])
    x = rng.normal(size=(3, 6, 6, 2)).astype("float32")
    conv_out = keras.ops.convert_to_numpy(conv(x)).reshape(3, -1)
    np.testing.assert_allclose(dense.predict(x, verbose=0), conv_out, rtol=1e-5, atol=1e-5)


def test_dense_matrix_of_conv_rejects_a_bad_shape():
    with pytest.raises(ValueError, match=r"\(H, W\) or \(H, W, C\)"):
        dense_matrix_of_conv(np.ones((3, 3)), (6,))
    with pytest.raises(ValueError, match="larger than the input"):
        dense_matrix_of_conv(np.ones((3, 3)), (2, 2))


# ----------------------------------------------------------------- Keras Conv2D on one image


@pytest.mark.parametrize(
    ("shape", "kernel_shape", "stride", "padding"),
    [
        ((6, 6), (3, 3), 1, 0),
        ((6, 6), (3, 3), 1, 1),
        ((7, 7), (3, 3), 3, "valid"),
        ((6, 6), (4, 4), 1, "same"),  # even filter: Keras pads (1, 2)
        ((6, 6), (3, 3), 2, "same"),  # stride 2: Keras pads (0, 1), not (1, 1)
        ((5, 7, 3), (3, 3, 3), 2, 1),
        ((6, 6, 2), (3, 3, 2, 4), 1, "same"),
    ],
)
def test_keras_conv2d_equals_the_numpy_reference(shape, kernel_shape, stride, padding):
    rng = np.random.default_rng(RNG_SEED)
    x = rng.integers(0, 10, shape)
    k = rng.integers(-3, 4, kernel_shape)
    got = keras_conv2d(x, k, stride=stride, padding=padding)
    want = ops.conv2d(x, k, stride=stride, padding=padding)
    assert got.shape == want.shape
    assert np.array_equal(got, want)  # small integers: float32 is exact


def test_keras_conv2d_bias_and_bad_input():
    x = np.arange(16).reshape(4, 4)
    assert np.array_equal(
        keras_conv2d(x, np.ones((3, 3)), bias=[0.5]), ops.conv2d(x, np.ones((3, 3))) + 0.5
    )
    with pytest.raises(ValueError, match=r"the filter \(5×5\) is larger than the input \(4×4\)"):
        keras_conv2d(x, np.ones((5, 5)))
    with pytest.raises(ValueError, match="the number of channels in the image"):
        keras_conv2d(np.ones((4, 4, 3)), np.ones((3, 3, 2)))
