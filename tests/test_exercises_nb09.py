"""The checks of notebook 09's exercises catch unanswered and plausible wrong answers."""

from exercise_checks import Wrong, exercise_tests

from cnn_course.exercises import NotAnswered

CONVERT_CHANNELS_FIRST = """
def my_dense_to_conv(kernel, bias, h, w, c):
    units = kernel.shape[1]
    # as if Flatten read the channels first (PyTorch's order)
    return kernel.reshape(c, h, w, units).transpose(1, 2, 0, 3), bias
"""
CONVERT_FORTRAN_ORDER = """
def my_dense_to_conv(kernel, bias, h, w, c):
    return kernel.reshape(h, w, c, -1, order="F"), bias
"""
CONVERT_SWAPPED_HW = """
def my_dense_to_conv(kernel, bias, h, w, c):
    return kernel.reshape(w, h, c, kernel.shape[1]), bias
"""
CONVERT_TRANSPOSED = """
def my_dense_to_conv(kernel, bias, h, w, c):
    return kernel.T.reshape(h, w, c, kernel.shape[1]), bias
"""
CONVERT_KERNEL_ONLY = """
def my_dense_to_conv(kernel, bias, h, w, c):
    return kernel.reshape(h, w, c, kernel.shape[1])
"""
CONVERT_NO_BIAS = """
def my_dense_to_conv(kernel, bias, h, w, c):
    return kernel.reshape(h, w, c, kernel.shape[1]), None
"""
CONVERT_SQUARE_ONLY = """
def my_dense_to_conv(kernel, bias, h, w, c):
    units = kernel.shape[1]
    if h == w or c > 1:  # mixes rows and columns up when a single channel is not square
        return kernel.reshape(h, w, c, units), bias
    return kernel.reshape(w, h, c, units).transpose(1, 0, 2, 3), bias
"""

WINDOW_STRIDE_K = """
def my_window_average(class_map, k):  # pooling with stride k, not 1
    h, w = class_map.shape[:2]
    return np.array([[class_map[i : i + k, j : j + k].mean(axis=(0, 1))
                      for j in range(0, w - k + 1, k)] for i in range(0, h - k + 1, k)])
"""
WINDOW_SUM = """
def my_window_average(class_map, k):
    h, w = class_map.shape[:2]
    return np.array([[class_map[i : i + k, j : j + k].sum(axis=(0, 1))
                      for j in range(w - k + 1)] for i in range(h - k + 1)])
"""
WINDOW_ALL_AXES = """
def my_window_average(class_map, k):  # averages the classes together too
    h, w = class_map.shape[:2]
    return np.array([[class_map[i : i + k, j : j + k].mean()
                      for j in range(w - k + 1)] for i in range(h - k + 1)])
"""
WINDOW_OFF_BY_ONE = """
def my_window_average(class_map, k):
    h, w = class_map.shape[:2]
    return np.array([[class_map[i : i + k, j : j + k].mean(axis=(0, 1))
                      for j in range(w - k)] for i in range(h - k)])
"""
WINDOW_FIXED_CHANNELS = """
def my_window_average(class_map, k):
    h, w = class_map.shape[:2]
    out = np.zeros((h - k + 1, w - k + 1, 2))  # the channels of the first case only
    for i in range(h - k + 1):
        for j in range(w - k + 1):
            out[i, j] = class_map[i : i + k, j : j + k].mean(axis=(0, 1))[:2]
    return out
"""
WINDOW_UNFINISHED = """
def my_window_average(class_map, k):
    averages = np.zeros_like(class_map)
"""

WRONG = {
    "ex09_1": [
        Wrong(CONVERT_CHANNELS_FIRST, "assumes a channels-first flatten"),
        Wrong(CONVERT_FORTRAN_ORDER, "reshapes in Fortran order"),
        Wrong(CONVERT_SWAPPED_HW, "height and width swapped"),
        Wrong(CONVERT_TRANSPOSED, "transposes the kernel first"),
        Wrong(CONVERT_KERNEL_ONLY, "returns the kernel only"),
        Wrong(CONVERT_NO_BIAS, "forgets the bias"),
        Wrong(CONVERT_SQUARE_ONLY, "wrong on single-channel non-square volumes", hidden=True),
        Wrong("my_dense_to_conv = (1, 2)", "not a function"),
    ],
    "ex09_2": [
        Wrong("my_field = 18", "the slide's network (3×3 conv3)"),
        Wrong("my_field = 11", "adds f − 1 without the strides"),
        Wrong("my_field = 22", "conv3's extra pixels counted once"),
        Wrong("my_field = 30", "the 1×1 convolution counted as 3×3"),
        Wrong("my_field = 28", "the digit's size"),
    ],
    "ex09_3": [
        Wrong("my_rows = 24\nmy_cols = 31", "the notebook's 112×140 canvas"),
        Wrong("my_rows = 19\nmy_cols = 37", "the 28×28 windows, not the class map"),
        Wrong("my_rows = 22\nmy_cols = 39", "rounds up at a pooling"),
        Wrong("my_rows = 39\nmy_cols = 21", "rows and columns swapped"),
        Wrong("my_rows = 21\nmy_cols = 38.5", "not a whole number"),
    ],
    "ex09_4": [
        Wrong(WINDOW_STRIDE_K, "windows k apart instead of 1"),
        Wrong(WINDOW_SUM, "sums instead of averaging"),
        Wrong(WINDOW_ALL_AXES, "averages the classes too"),
        Wrong(WINDOW_OFF_BY_ONE, "one window short in each direction"),
        Wrong(WINDOW_FIXED_CHANNELS, "keeps 2 channels"),
        Wrong(WINDOW_UNFINISHED, "a body that returns nothing", verdict=NotAnswered),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests("09", WRONG)
