"""The checks of notebook 06's exercises catch unanswered and plausible wrong answers."""

from exercise_checks import Wrong, exercise_tests

from cnn_course.exercises import NotAnswered


def _lenet(body: str, head: str = "") -> str:
    """A `my_lenet5` whose Sequential holds ``body`` (layer lines); ``head`` runs first."""
    return f"""
import keras
from keras import layers


def my_lenet5(input_shape=(32, 32, 3)):
{head}    return keras.Sequential([{body}])
"""


INPUT = "keras.Input(shape=input_shape), "
TRUNK = (
    'layers.Conv2D(6, 5, activation="relu"), layers.MaxPooling2D(2), '
    'layers.Conv2D(16, 5, activation="relu"), layers.MaxPooling2D(2), '
)
HEAD = (
    'layers.Flatten(), layers.Dense(120, activation="relu"), '
    'layers.Dense(84, activation="relu"), layers.Dense(10, activation="softmax")'
)

LENET_SLIDE_MNIST_NET = """
from cnn_course import models


def my_lenet5(input_shape=(32, 32, 3)):
    return models.mnist_convnet()  # the other slide's network
"""
LENET_LIBRARY = """
from cnn_course import models


def my_lenet5(input_shape=(32, 32, 3)):
    return models.lenet5(input_shape)
"""
LENET_FRENCH_FILTERS = _lenet(INPUT + TRUNK.replace("Conv2D(6,", "Conv2D(8,") + HEAD)
LENET_SWAPPED_FILTERS = _lenet(
    INPUT
    + TRUNK.replace("Conv2D(6,", "Conv2D(X,")
    .replace("Conv2D(16,", "Conv2D(6,")
    .replace("Conv2D(X,", "Conv2D(16,")
    + HEAD
)
LENET_SAME_PADDING = _lenet(
    INPUT + TRUNK.replace("5, activation", '5, padding="same", activation') + HEAD
)
LENET_NO_SOFTMAX = _lenet(INPUT + TRUNK + HEAD.replace(', activation="softmax"', ""))
LENET_NO_FC4 = _lenet(INPUT + TRUNK + HEAD.replace('layers.Dense(84, activation="relu"), ', ""))
LENET_NOT_BUILT = _lenet(TRUNK + HEAD)
LENET_FIXED_INPUT = _lenet("keras.Input(shape=(32, 32, 3)), " + TRUNK + HEAD)
LENET_RGB_ONLY = _lenet("keras.Input(shape=(input_shape[0], input_shape[1], 3)), " + TRUNK + HEAD)
LENET_LAYER_LIST = """
from keras import layers


def my_lenet5(input_shape=(32, 32, 3)):
    return [layers.Conv2D(6, 5), layers.MaxPooling2D(2)]  # a list, not a model
"""
LENET_UNFINISHED = """
def my_lenet5(input_shape=(32, 32, 3)):
    model = ...
"""

WRONG = {
    "ex06_1": [
        Wrong(LENET_SLIDE_MNIST_NET, "the slide's MNIST convnet: another network"),
        Wrong(LENET_LIBRARY, "calls the library's lenet5"),
        Wrong(LENET_FRENCH_FILTERS, "8 filters in conv1, as the French deck's table"),
        Wrong(LENET_SWAPPED_FILTERS, "16 then 6 filters"),
        Wrong(LENET_SAME_PADDING, "'same' convolutions: the maps do not shrink"),
        Wrong(LENET_NO_SOFTMAX, "no softmax: the outputs are not probabilities"),
        Wrong(LENET_NO_FC4, "forgets FC4"),
        Wrong(LENET_NOT_BUILT, "no keras.Input: the model is not built"),
        Wrong(LENET_FIXED_INPUT, "ignores input_shape: always 32×32×3"),
        Wrong(LENET_RGB_ONLY, "always 3 channels: right on the public cases only", hidden=True),
        Wrong(LENET_LAYER_LIST, "a list of layers, not a model"),
        Wrong(LENET_UNFINISHED, "a body that returns nothing", verdict=NotAnswered),
    ],
    "ex06_2": [
        Wrong("my_width = 55\nmy_neurons = 290_400", "the slide's stride 4"),
        Wrong("my_width = 43\nmy_neurons = 177_504", "forgot the + 1"),
        Wrong("my_width = 45\nmy_neurons = 194_400", "rounds up"),
        Wrong("my_width = 44\nmy_neurons = 1_936", "forgot the 96 filters"),
        Wrong("my_width = 44\nmy_neurons = 5_808", "3 channels instead of 96 filters"),
        Wrong("my_width = 44.2\nmy_neurons = 185_856", "not a whole number"),
    ],
    "ex06_3": [
        Wrong("my_block3 = 1_770_240", "all three read 256 channels"),
        Wrong("my_block3 = 1_474_560", "no biases"),
        Wrong("my_block3 = 7_680", "filters that forget the channels"),
        Wrong("my_block3 = 295_168", "only the first convolution"),
        Wrong("my_block3 = 590_080", "one 256 → 256 convolution"),
    ],
    "ex06_4": [
        Wrong("my_stacked = 110_592\nmy_single = 200_704", "the notebook's three layers and 7×7"),
        Wrong("my_stacked = 147_456\nmy_single = 200_704", "a 7×7 single layer"),
        Wrong("my_stacked = 147_456\nmy_single = 589_824", "a 12×12 single layer (3·4)"),
        Wrong("my_stacked = 147_712\nmy_single = 331_840", "biases counted"),
        Wrong("my_stacked = 2_304\nmy_single = 5_184", "C instead of C²"),
    ],
    "ex06_5": [
        Wrong("my_channels = 640\nmy_params = 388_736", "the reductions' channels counted too"),
        Wrong("my_channels = 256\nmy_params = 388_736", "the input's channels"),
        Wrong(
            "my_channels = 480\nmy_params = 1_106_400", "3×3 and 5×5 filters on the 256 channels"
        ),
        Wrong("my_channels = 480\nmy_params = 388_096", "no biases"),
        Wrong("my_channels = 480\nmy_params = 372_288", "the pool projection forgotten"),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests("06", WRONG)
