"""The checks of notebook 10's exercises catch unanswered and plausible wrong answers."""

import numpy as np
import pytest
from exercise_checks import Wrong, exercise_cells, exercise_tests, run_answer

from cnn_course import pretrained, transfer
from cnn_course.exercises import EXERCISES, NotAnswered, WrongAnswer, nb10
from cnn_course.exercises._core import source_of

# --------------------------------------------------------------------------- ex10_1

CROP_FLOOR = """
def my_center_crop(image, size):
    top, left = (image.shape[0] - size) // 2, (image.shape[1] - size) // 2  # rounds down
    return image[top : top + size, left : left + size]
"""
CROP_HALF_UP = """
def my_center_crop(image, size):
    top = int((image.shape[0] - size) / 2 + 0.5)  # rounds halves up
    left = int((image.shape[1] - size) / 2 + 0.5)
    return image[top : top + size, left : left + size]
"""
CROP_SWAPPED = """
def my_center_crop(image, size):
    top, left = round((image.shape[1] - size) / 2), round((image.shape[0] - size) / 2)
    return image[top : top + size, left : left + size]
"""
CROP_CORNER = """
def my_center_crop(image, size):
    return image[:size, :size]  # the top-left corner
"""
CROP_SQUARE_ONLY = """
def my_center_crop(image, size):
    start = round((image.shape[0] - size) / 2)  # the same margin for rows and columns
    return image[start : start + size, start : start + size]
"""
CROP_GRAY_ONLY = """
def my_center_crop(image, size):
    top, left = round((image.shape[0] - size) / 2), round((image.shape[1] - size) / 2)
    out = np.zeros((size, size))
    for i in range(size):
        for j in range(size):
            out[i, j] = image[top + i, left + j] if image.ndim == 2 else image[top + i, left + j, 0]
    return out  # drops the channels
"""
CROP_PUBLIC_ONLY = """
_PUBLIC = {(5, 6), (7, 4, 3), (8, 13), (9, 12, 3), (10, 10, 4)}


def my_center_crop(image, size):
    h, w = image.shape[:2]
    if image.shape in _PUBLIC:  # round where the public cases look, floor elsewhere
        top, left = round((h - size) / 2), round((w - size) / 2)
    else:
        top, left = (h - size) // 2, (w - size) // 2
    return image[top : top + size, left : left + size]
"""
CROP_LIBRARY = """
from cnn_course import pretrained


def my_center_crop(image, size):
    return pretrained.center_crop(image, size)
"""

# --------------------------------------------------------------------------- ex10_3

HEAD_RIGHT = """
import keras


def my_transfer_model(backbone, num_classes):
    backbone.trainable = False
    inputs = keras.Input(shape=backbone.input.shape[1:])
    x = backbone(inputs, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)
"""


def _head(body: str) -> str:
    return "import keras\n\n\ndef my_transfer_model(backbone, num_classes):\n" + body


HEAD_UNFROZEN = _head("""
    inputs = keras.Input(shape=backbone.input.shape[1:])
    x = keras.layers.GlobalAveragePooling2D()(backbone(inputs))
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x))
""")
HEAD_FLATTEN = _head("""
    backbone.trainable = False
    return keras.Sequential(
        [backbone, keras.layers.Flatten(), keras.layers.Dense(num_classes, activation="softmax")]
    )
""")
HEAD_MAX_POOL = _head("""
    backbone.trainable = False
    return keras.Sequential(
        [
            backbone,
            keras.layers.GlobalMaxPooling2D(),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )
""")
HEAD_NO_SOFTMAX = _head("""
    backbone.trainable = False
    return keras.Sequential(
        [backbone, keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(num_classes)]
    )
""")
HEAD_SIGMOID = _head("""
    backbone.trainable = False
    return keras.Sequential(
        [
            backbone,
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(num_classes, activation="sigmoid"),
        ]
    )
""")
HEAD_NEW_BACKBONE = _head("""
    copy = keras.Model.from_config(backbone.get_config())  # the same layers, new weights
    copy.trainable = False
    return keras.Sequential(
        [
            copy,
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )
""")
HEAD_TEN_CLASSES = _head("""
    backbone.trainable = False
    return keras.Sequential(
        [
            backbone,
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(10, activation="softmax"),  # whatever num_classes says
        ]
    )
""")
HEAD_NONE = _head("""
    backbone.trainable = False
    return backbone  # no new head
""")
HEAD_ALL_FROZEN = _head("""
    model = keras.Sequential(
        [
            backbone,
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.trainable = False  # the head too
    return model
""")
HEAD_FIXED_INPUT = _head("""
    backbone.trainable = False
    inputs = keras.Input(shape=(32, 32, 3))  # the public case's images only
    x = keras.layers.GlobalAveragePooling2D()(backbone(inputs, training=False))
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x))
""")
HEAD_LIBRARY = """
from cnn_course import transfer


def my_transfer_model(backbone, num_classes):
    return transfer.transfer_model(num_classes)
"""

# --------------------------------------------------------------------------- ex10_4

TUNE_HEAD_UNTRAINED = """
from cnn_course import transfer


def my_fine_tune(x_train, y_train):
    return transfer.transfer_model(10, "head", input_shape=x_train.shape[1:], resize_to=32)
"""
TUNE_HEAD_ONLY = """
from cnn_course import transfer


def my_fine_tune(x_train, y_train):
    model = transfer.transfer_model(10, "head", input_shape=x_train.shape[1:], resize_to=32)
    features = transfer.extract_features(model, x_train)  # the same training, faster
    transfer.fit_head_on_features(model, features, y_train, epochs=20, batch_size=32)
    return model  # the baseline itself: nothing fine-tuned
"""
TUNE_ALL_AT_ONCE = """
import keras

from cnn_course import transfer


def my_fine_tune(x_train, y_train):
    model = transfer.transfer_model(10, "all", input_shape=x_train.shape[1:], resize_to=32)
    model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, batch_size=32, epochs=2, verbose=0)
    return model  # everything at once, no head phase: the random head never catches up
"""
TUNE_SMALL_CNN = """
import keras


def my_fine_tune(x_train, y_train):
    model = keras.Sequential(
        [
            keras.Input(x_train.shape[1:]),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Conv2D(8, 3, activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    return model  # no transfer at all
"""
TUNE_TUPLE = """
from cnn_course import transfer


def my_fine_tune(x_train, y_train):
    model = transfer.transfer_model(10, "top", input_shape=x_train.shape[1:], resize_to=32)
    return model, None  # the model and a history
"""

WRONG = {
    "ex10_1": [
        Wrong(CROP_FLOOR, "rounds down: (H − size) // 2"),
        Wrong(CROP_HALF_UP, "rounds halves up"),
        Wrong(CROP_SWAPPED, "swaps the height and the width"),
        Wrong(CROP_CORNER, "the top-left corner"),
        Wrong(CROP_SQUARE_ONLY, "assumes a square image"),
        Wrong(CROP_GRAY_ONLY, "drops the channels"),
        Wrong(CROP_PUBLIC_ONLY, "right on the public cases only", hidden=True),
        Wrong(CROP_LIBRARY, "calls the library", match="your function calls `center_crop`"),
        Wrong("my_center_crop = 224", "not a function"),
    ],
    "ex10_2": [
        Wrong("my_features = 11520\nmy_head_params = 426277", "Flatten instead of pooling"),
        Wrong("my_features = 1280\nmy_head_params = 47360", "forgets the biases"),
        Wrong("my_features = 1280\nmy_head_params = 12810", "the notebook's 10 classes"),
        Wrong("my_features = 9\nmy_head_params = 47397", "the positions, not the maps"),
        Wrong("my_features = 1280\nmy_head_params = 47397.5", "not a whole number"),
        Wrong("my_features = 1280\nmy_head_params = ...", "half answered", verdict=NotAnswered),
        Wrong("my_features = '1280'\nmy_head_params = 47397", "a string"),
    ],
    "ex10_3": [
        Wrong(HEAD_UNFROZEN, "the backbone is not frozen"),
        Wrong(HEAD_FLATTEN, "Flatten instead of global average pooling"),
        Wrong(HEAD_MAX_POOL, "global max pooling"),
        Wrong(HEAD_NO_SOFTMAX, "no softmax"),
        Wrong(HEAD_SIGMOID, "sigmoid instead of softmax"),
        Wrong(HEAD_NEW_BACKBONE, "a new network with the backbone's architecture"),
        Wrong(HEAD_TEN_CLASSES, "always 10 classes"),
        Wrong(HEAD_NONE, "no head"),
        Wrong(HEAD_ALL_FROZEN, "the head frozen too"),
        Wrong(HEAD_FIXED_INPUT, "the public case's input shape", hidden=True),
        Wrong(HEAD_LIBRARY, "calls the library", match="your function calls `transfer_model`"),
        Wrong("my_transfer_model = 'MobileNetV2'", "not a function"),
    ],
    "ex10_4": [
        Wrong(TUNE_HEAD_UNTRAINED, "an untrained head-only model"),
        Wrong(TUNE_HEAD_ONLY, "the head-only model: nothing fine-tuned"),
        Wrong(TUNE_ALL_AT_ONCE, "everything at 1e-5 from a random head: below the baseline"),
        Wrong(TUNE_SMALL_CNN, "a small convnet from scratch: no transfer"),
        Wrong(TUNE_TUPLE, "returns a tuple"),
    ],
}


@pytest.fixture(scope="module", autouse=True)
def _one_training_per_answer():
    """Exercise 10.4's public and hidden checks are the same measurement: train once.

    Each check is run as graded twice (public and hidden cases), and the graded answer is a
    new proxy each time, so the check's own cache misses; here the trained model's accuracy
    (or the error that stopped it) is shared by the answer's source, which within this
    module names one answer. Both verdicts still come from the check's code.
    """
    measured = {}
    original = nb10._fine_tuned_accuracy

    def once(fine_tune, n_train):
        key = (source_of(fine_tune), n_train)
        if key[0] is None:
            return original(fine_tune, n_train)
        if key not in measured:
            measured[key] = original(fine_tune, n_train)
        return measured[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nb10, "_fine_tuned_accuracy", once)
        yield


(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests("10", WRONG, solution_runs_in_notebook=("ex10_4",), graded_only=("ex10_4",))


# --------------------------------------------------------------------------- beyond the four tests


def test_compute_messages_do_not_give_the_answer_away() -> None:
    with pytest.raises(WrongAnswer) as err:
        EXERCISES["ex10_2"].run({"my_features": 1280, "my_head_params": 47360})
    assert str(err.value) == (
        "47360 is not the number of trainable parameters of the head for 37 classes."
    )
    assert "47397" not in str(err.value) and "47 397" not in str(err.value)


def test_public_crop_cases_cover_the_edge_cases() -> None:
    cases = nb10._crop_cases(np.random.default_rng(0), 5)
    assert any(x.ndim == 2 for x, _ in cases) and any(x.ndim == 3 for x, _ in cases)
    assert any(x.shape[0] > x.shape[1] for x, _ in cases)  # tall
    assert any(x.shape[0] < x.shape[1] for x, _ in cases)  # wide
    assert any(size == 1 for _, size in cases)
    assert any(size == min(x.shape[:2]) for x, size in cases)
    margins = {(side - size) % 4 for x, size in cases for side in x.shape[:2]}
    assert {1, 2, 3} <= margins  # halves rounded down, to even and up all differ somewhere


def test_the_transfer_head_matches_transfer_model_on_mobilenet() -> None:
    """On the real backbone the solution trains what transfer_model's "head" regime trains."""
    env = run_answer(exercise_cells("10")["ex10_3"]["answer"].source)
    backbone = pretrained.imagenet_backbone(include_top=False, input_shape=(32, 32, 3))
    mine = env["my_transfer_model"](backbone, nb10.NEW_CLASSES)
    course = transfer.transfer_model(nb10.NEW_CLASSES, "head", input_shape=(32, 32, 3))
    assert mine.output.shape == course.output.shape == (None, nb10.NEW_CLASSES)
    assert transfer.trainable_param_count(mine) == transfer.trainable_param_count(course)
    assert mine.count_params() == course.count_params()


def test_the_stand_in_backbone_batchnorm_differs_between_modes() -> None:
    """So that a model calling it in training mode would not match the reference."""
    backbone = nb10.stand_in_backbone((16, 16, 3), 4, seed=0)
    x = np.random.default_rng(0).uniform(0, 255, size=(2, 16, 16, 3)).astype("float32")
    inference = np.asarray(backbone(x, training=False))
    training = np.asarray(backbone(x, training=True))
    assert not np.allclose(inference, training)
