"""The checks of notebook 01's exercises catch unanswered and plausible wrong answers."""

from exercise_checks import Wrong, exercise_tests

LC_NO_BIAS = """
def my_locally_connected_params(n, f, c_in, c_out):
    return f * f * c_in * (n - f + 1) ** 2 * c_out
"""
LC_SHARED_BIAS = """
def my_locally_connected_params(n, f, c_in, c_out):
    return f * f * c_in * (n - f + 1) ** 2 * c_out + c_out  # one bias per map
"""
LC_NO_CHANNELS = """
def my_locally_connected_params(n, f, c_in, c_out):
    units = (n - f + 1) ** 2 * c_out
    return f * f * units + units
"""
LC_OFF_BY_ONE = """
def my_locally_connected_params(n, f, c_in, c_out):
    units = (n - f) ** 2 * c_out  # "the field moves n - f pixels"
    return f * f * c_in * units + units
"""
LC_CONV = """
def my_locally_connected_params(n, f, c_in, c_out):
    return (f * f * c_in + 1) * c_out  # the convolution's count
"""
LC_ALL_PIXELS = """
def my_locally_connected_params(n, f, c_in, c_out):
    units = n * n * c_out  # one unit per input pixel
    return f * f * c_in * units + units
"""
LC_LIBRARY = """
from cnn_course import shapes


def my_locally_connected_params(n, f, c_in, c_out):
    return shapes.locally_connected_params(n, f, c_in=c_in, c_out=c_out)
"""

DENSE_TRANSPOSED = """
def my_dense_matrix(k, shape):
    h, w = shape
    f = k.shape[0]
    h_out, w_out = h - f + 1, w - f + 1
    m = np.zeros((h * w, h_out * w_out))
    for i in range(h_out):
        for j in range(w_out):
            for a in range(f):
                for b in range(f):
                    m[(i + a) * w + j + b, i * w_out + j] = k[a, b]
    return m
"""
DENSE_OUTPUT_WIDTH = """
def my_dense_matrix(k, shape):
    h, w = shape
    f = k.shape[0]
    h_out, w_out = h - f + 1, w - f + 1
    m = np.zeros((h_out * w_out, h * w))
    for i in range(h_out):
        for j in range(w_out):
            for a in range(f):
                for b in range(f):
                    m[i * w_out + j, ((i + a) * w_out + j + b) % (h * w)] = k[a, b]
    return m
"""
DENSE_SQUARE_ONLY = """
def my_dense_matrix(k, shape):
    n = shape[0]  # assumes a square image
    f = k.shape[0]
    m_out = n - f + 1
    m = np.zeros((m_out * m_out, n * n))
    for i in range(m_out):
        for j in range(m_out):
            for a in range(f):
                for b in range(f):
                    m[i * m_out + j, (i + a) * n + j + b] = k[a, b]
    return m
"""
DENSE_FLIPPED = """
def my_dense_matrix(k, shape):
    h, w = shape
    f = k.shape[0]
    h_out, w_out = h - f + 1, w - f + 1
    m = np.zeros((h_out * w_out, h * w))
    for i in range(h_out):
        for j in range(w_out):
            for a in range(f):
                for b in range(f):
                    m[i * w_out + j, (i + a) * w + j + b] = k[f - 1 - a, f - 1 - b]
    return m
"""
DENSE_INT = """
def my_dense_matrix(k, shape):
    h, w = shape
    f = k.shape[0]
    h_out, w_out = h - f + 1, w - f + 1
    m = np.zeros((h_out * w_out, h * w), dtype=int)  # truncates float weights
    for i in range(h_out):
        for j in range(w_out):
            for a in range(f):
                for b in range(f):
                    m[i * w_out + j, (i + a) * w + j + b] = k[a, b]
    return m
"""
DENSE_BY_IMPULSES = """
from cnn_course import ops


def my_dense_matrix(k, shape):
    h, w = shape
    columns = []
    for p in range(h * w):
        e = np.zeros(h * w)
        e[p] = 1
        columns.append(ops.conv2d(e.reshape(h, w), k).ravel())
    return np.stack(columns, axis=1)
"""

WRONG = {
    "ex01_1": [
        Wrong("my_params = 0", "zero"),
        Wrong("my_params = 150 * 200 * 3 * 500", "weights only, no biases"),
        Wrong("my_params = 150 * 200 * 500 + 500", "forgets the 3 colour values"),
        Wrong("my_params = 150 * 200 * 3", "the inputs, not the parameters"),
        Wrong("my_params = (150 * 200 * 3 + 1) * 500 + 500", "counts the biases twice"),
        Wrong("my_params = 4.5e7", "rounded"),
    ],
    "ex01_2": [
        Wrong(LC_NO_BIAS, "forgets the biases"),
        Wrong(LC_SHARED_BIAS, "one bias per map, as a convolution has"),
        Wrong(LC_NO_CHANNELS, "forgets the input channels"),
        Wrong(LC_OFF_BY_ONE, "n - f positions instead of n - f + 1"),
        Wrong(LC_CONV, "the convolution's count: shares the weights"),
        Wrong(LC_ALL_PIXELS, "one unit per input pixel"),
        Wrong(
            LC_LIBRARY, "calls the library", match="your function calls `locally_connected_params`"
        ),
        Wrong("my_locally_connected_params = 14976", "not a function"),
    ],
    "ex01_3": [
        Wrong("my_times = 0", "zero"),
        Wrong("my_times = 64 ** 2", "the input's pixels, not the positions"),
        Wrong("my_times = 57 ** 2", "n - f positions instead of n - f + 1"),
        Wrong("my_times = 58", "one side only"),
        Wrong("my_times = 58 ** 2 * 8", "multiplies by the maps as well"),
        Wrong("my_times = 1 / 58 ** 2", "upside down"),
    ],
    "ex01_4": [
        Wrong("my_nonzero = 0", "zero"),
        Wrong("my_nonzero = 416 * 600", "every entry of the matrix"),
        Wrong("my_nonzero = 416", "the rows only"),
        Wrong("my_nonzero = 15 * 25 * 25", "n - f outputs instead of n - f + 1"),
        Wrong("my_nonzero = 16 * 16 * 25", "as if the image were 20×20"),
        Wrong("my_nonzero = 20 * 30 * 25", "one row per input pixel"),
    ],
    "ex01_5": [
        Wrong(DENSE_TRANSPOSED, "the transpose: Keras' Dense kernel layout"),
        Wrong(DENSE_OUTPUT_WIDTH, "columns counted with the output's width"),
        Wrong(DENSE_SQUARE_ONLY, "assumes a square image"),
        Wrong(DENSE_FLIPPED, "the filter mirrored (the textbook convolution)"),
        Wrong(DENSE_INT, "an integer matrix truncates float weights"),
        Wrong(DENSE_BY_IMPULSES, "calls the library", match="your function calls `conv2d`"),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests("01", WRONG)
