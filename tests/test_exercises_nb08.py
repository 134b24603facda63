"""The checks of notebook 08's exercises catch unanswered and plausible wrong answers."""

from exercise_checks import Wrong, exercise_tests

AUGMENTATION = """
import keras
from keras import layers

my_augmentation = keras.Sequential([LAYERS])
"""


def _augmentation(layers: str) -> str:
    return AUGMENTATION.replace("LAYERS", layers)


FLIPS = _augmentation(
    'layers.RandomFlip("horizontal"), layers.RandomRotation(0.03, fill_mode="constant"), '
    'layers.RandomZoom(0.1, fill_mode="constant")'
)
UPSIDE_DOWN = _augmentation(
    'layers.RandomRotation(0.5, fill_mode="constant"), layers.RandomZoom(0.1, fill_mode="constant")'
)
ONE_KIND = _augmentation('layers.RandomTranslation(0.1, 0.1, fill_mode="constant")')
ZERO_FACTORS = _augmentation(
    "layers.RandomRotation(0.0), layers.RandomTranslation(0.0, 0.0), layers.RandomZoom(0.0)"
)
HUGE_ZOOM = _augmentation(
    'layers.RandomRotation(0.03, fill_mode="constant"), '
    'layers.RandomZoom((-0.9, -0.8), fill_mode="constant")'
)
DIMS_AT_INFERENCE = _augmentation(
    'layers.Rescaling(0.9), layers.RandomRotation(0.03, fill_mode="constant"), '
    'layers.RandomZoom(0.1, fill_mode="constant")'
)
ALWAYS_ON = """
import keras
from keras import layers

class Shift(layers.Layer):
    def call(self, x, training=None):
        return keras.ops.roll(x, 3, axis=2)  # shifts at inference too

my_augmentation = keras.Sequential([Shift(), layers.RandomRotation(0.03), layers.RandomZoom(0.1)])
"""

SMALL_DATA = """
import keras
from keras import layers

from cnn_course import generalisation

run = generalisation.setting()
data = generalisation.small_mnist(run.train_size, run.validation_size, seed=0)
keras.utils.set_random_seed(0)
"""
BASELINE = (
    SMALL_DATA
    + """
my_model = generalisation.regularised_convnet("baseline", seed=0)
generalisation.fit_variant(my_model, data, run_setting=generalisation.Setting(
    train_size=run.train_size, validation_size=run.validation_size, epochs=2))
"""
)
UNTRAINED = SMALL_DATA + 'my_model = generalisation.regularised_convnet("augmentation")\n'
WRONG_INPUT = (
    SMALL_DATA
    + """
my_model = keras.Sequential([keras.Input((32, 32, 1)), layers.Flatten(), layers.Dense(10)])
"""
)

SETUP_82 = "import keras\nfrom keras import layers\n\nfrom cnn_course import generalisation\n"

WRONG = {
    "ex08_1": [
        Wrong("my_dropout_params = 1_600\nmy_batchnorm_params = 256", "dropout's inputs"),
        Wrong("my_dropout_params = 0\nmy_batchnorm_params = 128", "only the trainable γ and β"),
        Wrong("my_dropout_params = 0\nmy_batchnorm_params = 64", "one number per channel"),
        Wrong("my_dropout_params = 0.5\nmy_batchnorm_params = 256", "the dropout rate"),
    ],
    "ex08_2": [
        Wrong(FLIPS, "flips digits", match="flips"),
        Wrong(UPSIDE_DOWN, "turns a 6 into a 9", match="turn"),
        Wrong(ONE_KIND, "one kind of transform only", match="at least two"),
        Wrong(ZERO_FACTORS, "factors of zero: nothing moves", match="unchanged"),
        Wrong(HUGE_ZOOM, "zooms far in: the digit leaves the image", match="ink"),
        Wrong(DIMS_AT_INFERENCE, "dims the images at inference too", match="inference"),
        Wrong(ALWAYS_ON, "a layer class of its own: not data, cannot be graded", crosses=False),
        Wrong("my_augmentation = [0.03, 0.1, 0.1]", "factors, not layers"),
    ],
    "ex08_3": [
        Wrong("my_stop_epoch = 12\nmy_best_epoch = 12", "the lowest loss of all: no early stop"),
        Wrong("my_stop_epoch = 9\nmy_best_epoch = 6", "stops one epoch early"),
        Wrong("my_stop_epoch = 10\nmy_best_epoch = 10", "keeps the last weights"),
        Wrong("my_stop_epoch = 8\nmy_best_epoch = 4", "epoch 5 resets nothing"),
    ],
    "ex08_4": [
        Wrong(UNTRAINED, "never trained"),
        Wrong(BASELINE, "the baseline, two epochs: below the target"),
        Wrong(WRONG_INPUT, "takes 32×32 images", match="28×28×1"),
        Wrong("my_model = 0.97", "a number, not a model"),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests(
    "08",
    WRONG,
    setup={"ex08_2": SETUP_82},
)


def test_the_augmentation_solution_has_the_variant_factors():
    """Exercise 8.2's solution and the table's augmentation variant share one set of factors."""
    from exercise_checks import exercise_cells, run_answer

    from cnn_course import generalisation

    source = exercise_cells("08")["ex08_2"]["answer"].source
    pipeline = run_answer(source, SETUP_82)["my_augmentation"]
    rotation, translation, zoom = pipeline.layers
    factors = generalisation.AUGMENTATION
    assert rotation.factor == (-factors["rotation"], factors["rotation"])
    assert translation.height_factor == translation.width_factor == factors["translation"]
    assert zoom.height_factor == zoom.width_factor == factors["zoom"]
