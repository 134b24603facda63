"""The checks of notebook 07's exercises catch unanswered and plausible wrong answers."""

from exercise_checks import Wrong, exercise_tests

CONFUSION_TRANSPOSED = """
def my_confusion_matrix(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        counts[p, t] += 1  # rows are the predictions
    return counts
"""
CONFUSION_FANCY_INDEX = """
def my_confusion_matrix(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes), dtype=int)
    counts[y_true, y_pred] += 1  # a pair seen twice is counted once
    return counts
"""
CONFUSION_SIZE_FROM_DATA = """
def my_confusion_matrix(y_true, y_pred, num_classes):
    k = max(y_true.max(), y_pred.max()) + 1  # ignores num_classes
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    return counts
"""
CONFUSION_SET_NOT_ADD = """
def my_confusion_matrix(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        counts[t, p] = 1
    return counts
"""
CONFUSION_DIAGONAL_ONLY = """
def my_confusion_matrix(y_true, y_pred, num_classes):
    return np.diag(np.bincount(y_true[y_true == y_pred], minlength=num_classes))
"""
CONFUSION_PUBLIC_ONLY = """
def my_confusion_matrix(y_true, y_pred, num_classes):
    counts = np.zeros((num_classes, num_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        counts[t, p] += 1
    if len(y_true) > 150:  # breaks on the long cases only: the public ones are shorter
        counts[0, 0] += 1
    return counts
"""

SMALL_NET = """
import keras
from keras import layers

from cnn_course import train
from cnn_course.data import load_mnist

keras.utils.set_random_seed(0)
my_model = keras.Sequential([
    keras.Input(shape=INPUT),
    layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(2),
    layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
    layers.Flatten(), layers.Dense(CLASSES, activation="softmax"),
])
"""
UNTRAINED = SMALL_NET.replace("INPUT", "(28, 28, 1)").replace("CLASSES", "10")
WRONG_INPUT = SMALL_NET.replace("INPUT", "(32, 32, 1)").replace("CLASSES", "10")
WRONG_OUTPUT = SMALL_NET.replace("INPUT", "(28, 28, 1)").replace("CLASSES", "5")
SLIDE_NET = """
from cnn_course import models

my_model = models.mnist_convnet()  # unchanged (and untrained)
"""
TRAINED_DENSE_NET = """
import keras
from keras import layers

from cnn_course import train
from cnn_course.data import load_mnist

(x, y), _ = load_mnist()
keras.utils.set_random_seed(0)
my_model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)), layers.Flatten(),
    layers.Dense(20, activation="relu"), layers.Dense(10, activation="softmax"),
])  # 15 910 parameters, no convolution
train.fit_course_recipe(my_model, x, y, verbose=0)
"""
UNBUILT = """
import keras
from keras import layers

my_model = keras.Sequential([layers.Conv2D(8, 3), layers.Flatten(), layers.Dense(10)])
"""

WRONG = {
    "ex07_1": [
        Wrong("my_side = 11\nmy_params = 38_448", "the slide's 3×3 output width"),
        Wrong("my_side = 9\nmy_params = 1_248", "filters that forget the 32 channels"),
        Wrong("my_side = 9\nmy_params = 38_400", "no biases"),
        Wrong("my_side = 9\nmy_params = 38_401", "one bias for the layer"),
        Wrong("my_side = 9\nmy_params = 18_496", "the slide's conv2"),
    ],
    "ex07_2": [
        Wrong("my_flat = 1_600", "the slide's 28×28 flattened volume"),
        Wrong("my_flat = 10_560", "pooling rounds up: 15 × 11 × 64"),
        Wrong("my_flat = 140", "forgets the 64 channels"),
        Wrong("my_flat = 89_610", "the dense layer's parameters"),
        Wrong("my_flat = 14_336", "16 × 14 × 64: a miscount"),
    ],
    "ex07_3": [
        Wrong(CONFUSION_TRANSPOSED, "rows and columns swapped"),
        Wrong(CONFUSION_FANCY_INDEX, "counts[y_true, y_pred] += 1 counts repeated pairs once"),
        Wrong(CONFUSION_SIZE_FROM_DATA, "size from the labels, not num_classes"),
        Wrong(CONFUSION_SET_NOT_ADD, "sets 1 instead of adding 1"),
        Wrong(CONFUSION_DIAGONAL_ONLY, "counts only the correct predictions"),
        Wrong(CONFUSION_PUBLIC_ONLY, "right on the short public cases only", hidden=True),
        Wrong("my_confusion_matrix = np.zeros((10, 10))", "not a function"),
    ],
    "ex07_4": [
        Wrong(SLIDE_NET, "the slide's network unchanged: too many parameters"),
        Wrong(UNTRAINED, "a small convnet, never trained"),
        Wrong(WRONG_INPUT, "takes 32×32 images"),
        Wrong(WRONG_OUTPUT, "5 classes"),
        Wrong(TRAINED_DENSE_NET, "a trained dense network: small but not accurate enough"),
        Wrong(UNBUILT, "not built"),
        Wrong("my_model = 0.99", "a number, not a model"),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests("07", WRONG)
