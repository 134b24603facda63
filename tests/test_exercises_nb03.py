"""The checks of notebook 03's exercises catch unanswered and plausible wrong answers."""

from exercise_checks import Wrong, exercise_tests

PAD_NO_CHANNELS = """
def my_zero_pad(x, p):
    return np.pad(x, p)  # pads the channel axis too
"""
PAD_ONE_SIDE = """
def my_zero_pad(x, p):
    h, w = x.shape[:2]
    out = np.zeros((h + p, w + p) + x.shape[2:], dtype=x.dtype)
    out[p:, p:] = x
    return out
"""
PAD_FLOAT = """
def my_zero_pad(x, p):
    h, w = x.shape[:2]
    out = np.zeros((h + 2 * p, w + 2 * p))  # loses the channels
    out[p : p + h, p : p + w] = x[..., 0] if x.ndim == 3 else x
    return out
"""
SIZE_NO_FLOOR = """
def my_output_size(n, f, p, s):
    return (n + 2 * p - f) / s + 1
"""
SIZE_CEIL = """
def my_output_size(n, f, p, s):
    return -(-(n + 2 * p - f) // s) + 1
"""
SIZE_NO_PADDING = """
def my_output_size(n, f, p, s):
    return (n - f) // s + 1
"""
SIZE_ONE_PADDING = """
def my_output_size(n, f, p, s):
    return (n + p - f) // s + 1
"""
SIZE_PUBLIC_ONLY = """
def my_output_size(n, f, p, s):
    import numpy as _np
    table = {(7, 3, 0, 2): 3, (7, 3, 0, 3): 2, (6, 1, 0, 1): 6, (5, 2, 0, 4): 1}
    rng = _np.random.default_rng(0)
    for _ in range(4):  # the public cases, drawn exactly as the check draws them
        f_ = int(rng.integers(1, 8))
        p_, s_ = int(rng.integers(0, 4)), int(rng.integers(1, 5))
        n_ = int(rng.integers(max(1, f_ - 2 * p_), 40))
        table[(n_, f_, p_, s_)] = (n_ + 2 * p_ - f_) // s_ + 1
    return table.get((n, f, p, s), 0)
"""

WRONG = {
    "ex03_1": [
        Wrong(PAD_NO_CHANNELS, "np.pad pads every axis, channels included (and is not allowed)"),
        Wrong(PAD_ONE_SIDE, "zeros on one side only"),
        Wrong(PAD_FLOAT, "drops the channel axis"),
        Wrong("my_zero_pad = ...\nmy_zero_pad = 3", "not a function"),
    ],
    "ex03_2": [
        Wrong("my_size = 0", "zero"),
        Wrong("my_size = 3", "the slide's 7×7, stride-2 answer"),
        Wrong("my_size = 17", "forgot the + 1"),
        Wrong("my_size = 19", "forgot to round down / off by one"),
        Wrong("my_size = 18.5", "not a whole number"),
        Wrong("my_size = '18'", "a string"),
    ],
    "ex03_3": [
        Wrong(SIZE_NO_FLOOR, "true division: 2.33 instead of 2"),
        Wrong(SIZE_CEIL, "rounds up"),
        Wrong(SIZE_NO_PADDING, "forgets the padding"),
        Wrong(SIZE_ONE_PADDING, "pads one side only"),
        Wrong(SIZE_PUBLIC_ONLY, "hard-codes the public cases", hidden=True),
    ],
    "ex03_4": [
        Wrong("my_field = 0", "zero"),
        Wrong("my_field = 7", "the slide's three layers"),
        Wrong("my_field = 18", "3 × 6: adds the filter sizes"),
        Wrong("my_field = 12", "2N instead of 2N + 1"),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests("03", WRONG)
