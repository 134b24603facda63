"""The check of notebook 00's warm-up catches unanswered and plausible wrong answers."""

from exercise_checks import Wrong, exercise_tests

WRONG = {
    "ex00_1": [
        Wrong("my_value = 0", "zero"),
        Wrong("my_value = 2", "the vertical-edge filter's output[1, 2], printed above"),
        Wrong("my_value = -9", "bottom row minus top row (the filter flipped)"),
        Wrong("my_value = 5", "output[2, 1]: rows and columns swapped"),
        Wrong("my_value = -11", "output[0, 1]: row 2, column 3 counted from 1 as indices"),
        Wrong("my_value = 20", "the top row only"),
        Wrong("my_value = 9.5", "not a whole number"),
        Wrong("my_value = '9'", "a string"),
        Wrong("import numpy as np\nmy_value = np.array([[9]])", "a 1×1 matrix, not a number"),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests("00", WRONG)
