"""The checks of notebook 12's exercises catch unanswered and plausible wrong answers."""

from exercise_checks import Wrong, exercise_tests

from cnn_course.exercises import NotAnswered

IOU_UNION_IS_SUM = """
def my_iou(box_a, box_b):
    top, left = max(box_a[0], box_b[0]), max(box_a[1], box_b[1])
    inter = max(min(box_a[2], box_b[2]) - top, 0) * max(min(box_a[3], box_b[3]) - left, 0)
    area_a = (box_a[2] - box_a[0]) * (box_a[3] - box_a[1])
    area_b = (box_b[2] - box_b[0]) * (box_b[3] - box_b[1])
    return inter / (area_a + area_b)  # the intersection counted twice
"""
IOU_NO_CLIP = """
def my_iou(box_a, box_b):
    top, left = max(box_a[0], box_b[0]), max(box_a[1], box_b[1])
    inter = (min(box_a[2], box_b[2]) - top) * (min(box_a[3], box_b[3]) - left)  # may be < 0
    area_a = (box_a[2] - box_a[0]) * (box_a[3] - box_a[1])
    area_b = (box_b[2] - box_b[0]) * (box_b[3] - box_b[1])
    return inter / (area_a + area_b - inter)
"""
IOU_INCLUSIVE = """
def my_iou(box_a, box_b):  # counts the bottom and right edges as inside (+1)
    top, left = max(box_a[0], box_b[0]), max(box_a[1], box_b[1])
    inter = max(min(box_a[2], box_b[2]) - top + 1, 0) * max(min(box_a[3], box_b[3]) - left + 1, 0)
    area_a = (box_a[2] - box_a[0] + 1) * (box_a[3] - box_a[1] + 1)
    area_b = (box_b[2] - box_b[0] + 1) * (box_b[3] - box_b[1] + 1)
    return inter / (area_a + area_b - inter)
"""
IOU_OVER_SMALLER = """
def my_iou(box_a, box_b):
    top, left = max(box_a[0], box_b[0]), max(box_a[1], box_b[1])
    inter = max(min(box_a[2], box_b[2]) - top, 0) * max(min(box_a[3], box_b[3]) - left, 0)
    area_a = (box_a[2] - box_a[0]) * (box_a[3] - box_a[1])
    area_b = (box_b[2] - box_b[0]) * (box_b[3] - box_b[1])
    return inter / min(area_a, area_b)
"""
IOU_CORNERS_ONLY = """
def my_iou(box_a, box_b):  # overlap only when a corner of b is inside a: misses crosses
    corners = [(box_b[0], box_b[1]), (box_b[0], box_b[3] - 1),
               (box_b[2] - 1, box_b[1]), (box_b[2] - 1, box_b[3] - 1)]
    if not any(box_a[0] <= r < box_a[2] and box_a[1] <= c < box_a[3] for r, c in corners):
        return 0.0
    top, left = max(box_a[0], box_b[0]), max(box_a[1], box_b[1])
    inter = max(min(box_a[2], box_b[2]) - top, 0) * max(min(box_a[3], box_b[3]) - left, 0)
    area_a = (box_a[2] - box_a[0]) * (box_a[3] - box_a[1])
    area_b = (box_b[2] - box_b[0]) * (box_b[3] - box_b[1])
    return inter / (area_a + area_b - inter)
"""
IOU_LIBRARY = """
from cnn_course import metrics

def my_iou(box_a, box_b):
    return float(metrics.box_iou(box_a, box_b))
"""
IOU_UNFINISHED = """
def my_iou(box_a, box_b):
    top, left = max(box_a[0], box_b[0]), max(box_a[1], box_b[1])
"""

NMS_HEAD = """
def _iou(a, b):
    top, left = max(a[0], b[0]), max(a[1], b[1])
    inter = max(min(a[2], b[2]) - top, 0) * max(min(a[3], b[3]) - left, 0)
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)
"""
NMS_INPUT_ORDER = (
    NMS_HEAD
    + """
def my_nms(boxes, scores, iou_threshold):  # never sorts by score
    kept = []
    for i in range(len(boxes)):
        if all(_iou(boxes[i], boxes[k]) <= iou_threshold for k in kept):
            kept.append(i)
    return kept
"""
)
NMS_AT_THRESHOLD = (
    NMS_HEAD
    + """
def my_nms(boxes, scores, iou_threshold):  # suppresses at IoU == threshold too
    kept = []
    for i in np.argsort(-np.asarray(scores), kind="stable"):
        if all(_iou(boxes[i], boxes[k]) < iou_threshold for k in kept):
            kept.append(int(i))
    return kept
"""
)
NMS_LAST_ONLY = (
    NMS_HEAD
    + """
def my_nms(boxes, scores, iou_threshold):  # compares with the last kept box only
    kept = []
    for i in np.argsort(-np.asarray(scores), kind="stable"):
        if not kept or _iou(boxes[i], boxes[kept[-1]]) <= iou_threshold:
            kept.append(int(i))
    return kept
"""
)
NMS_ASCENDING = (
    NMS_HEAD
    + """
def my_nms(boxes, scores, iou_threshold):  # the lowest score first
    kept = []
    for i in np.argsort(scores, kind="stable"):
        if all(_iou(boxes[i], boxes[k]) <= iou_threshold for k in kept):
            kept.append(int(i))
    return kept
"""
)
NMS_SORTED_INDICES = (
    NMS_HEAD
    + """
def my_nms(boxes, scores, iou_threshold):  # the right boxes, in index order
    kept = []
    for i in np.argsort(-np.asarray(scores), kind="stable"):
        if all(_iou(boxes[i], boxes[k]) <= iou_threshold for k in kept):
            kept.append(int(i))
    return sorted(kept)
"""
)
NMS_BOXES_NOT_INDICES = (
    NMS_HEAD
    + """
def my_nms(boxes, scores, iou_threshold):  # returns the boxes themselves
    kept = []
    for i in np.argsort(-np.asarray(scores), kind="stable"):
        if all(_iou(boxes[i], boxes[k]) <= iou_threshold for k in kept):
            kept.append(int(i))
    return boxes[kept]
"""
)
NMS_SHORT_LISTS_ONLY = (
    NMS_HEAD
    + """
def my_nms(boxes, scores, iou_threshold):
    kept = []
    for i in np.argsort(-np.asarray(scores), kind="stable"):
        if all(_iou(boxes[i], boxes[k]) <= iou_threshold for k in kept):
            kept.append(int(i))
    return kept[:3]  # right on the public cases, which keep at most three boxes
"""
)

SEGMENTER_SETUP = """
from cnn_course import models
"""
UNTRAINED = """
my_segmenter = models.small_unet((48, 48, 1))  # built, never trained
"""
WRONG_CLASSES = """
my_segmenter = models.small_unet((48, 48, 1), num_classes=10, filters=8)  # no background
"""
WRONG_INPUT = """
my_segmenter = models.small_unet((28, 28, 1), filters=8)  # MNIST's size, not the canvases'
"""
ONE_LABEL_PER_IMAGE = """
import keras

my_segmenter = keras.Sequential([
    keras.Input((48, 48, 1)), keras.layers.Conv2D(8, 3), keras.layers.GlobalAveragePooling2D(),
    keras.layers.Dense(11, activation="softmax"),
])  # a classifier: one answer per canvas
"""
EVERYTHING_BACKGROUND = """
import keras

my_segmenter = keras.Sequential([  # the same softmax everywhere: background first
    keras.Input((48, 48, 1)),
    keras.layers.Conv2D(11, 1, activation="softmax", kernel_initializer="zeros",
                        bias_initializer=keras.initializers.Constant([5.0] + [0.0] * 10)),
])  # 97 % pixel accuracy, mean IoU below 0.09
"""

WRONG = {
    "ex12_3": [
        Wrong("my_valid = 32\nmy_same = 32", "n·s for both: Keras' defaults"),
        Wrong("my_valid = 31\nmy_same = 31", "forgets that valid crops nothing"),
        Wrong("my_valid = 33\nmy_same = 33", "same crops nothing"),
        Wrong("my_valid = 7\nmy_same = 8", "the convolution's size, not the transposed one"),
        Wrong("my_valid = 33\nmy_same = 29", "crops f − 1 = 2 from each side"),
        Wrong("my_valid = 33.0\nmy_same = 31.5", "not a whole number"),
    ],
    "ex12_1": [
        Wrong(IOU_UNION_IS_SUM, "the union counts the intersection twice"),
        Wrong(IOU_NO_CLIP, "no clipping: boxes apart overlap negatively"),
        Wrong(IOU_INCLUSIVE, "counts the bottom and right edges in (+1)"),
        Wrong(IOU_OVER_SMALLER, "intersection over the smaller area"),
        Wrong(IOU_CORNERS_ONLY, "misses the overlap of two crossing boxes"),
        Wrong(IOU_LIBRARY, "calls the library", match="box_iou"),
        Wrong(IOU_UNFINISHED, "a body that returns nothing", verdict=NotAnswered),
        Wrong("my_iou = 0.5", "not a function"),
    ],
    "ex12_2": [
        Wrong(NMS_INPUT_ORDER, "never sorts by score"),
        Wrong(NMS_AT_THRESHOLD, "suppresses at IoU equal to the threshold"),
        Wrong(NMS_LAST_ONLY, "compares with the last kept box only"),
        Wrong(NMS_ASCENDING, "takes the lowest scores first"),
        Wrong(NMS_SORTED_INDICES, "the kept indices in index order"),
        Wrong(NMS_BOXES_NOT_INDICES, "returns boxes, not indices"),
        Wrong(NMS_SHORT_LISTS_ONLY, "right on the public cases only", hidden=True),
    ],
    "ex12_4": [
        Wrong(UNTRAINED, "a small U-Net, never trained"),
        Wrong(WRONG_CLASSES, "10 classes: no background", match="11 probabilities"),
        Wrong(WRONG_INPUT, "takes 28×28 inputs", match="48×48×1"),
        Wrong(EVERYTHING_BACKGROUND, "everything background", match="mean IoU of 0.0"),
        Wrong(ONE_LABEL_PER_IMAGE, "one label per canvas", match="for every pixel"),
        Wrong("my_segmenter = 0.9", "a number, not a model"),
    ],
}

(
    test_solution_passes,
    test_unanswered_is_not_yet,
    test_wrong_answer_fails,
    test_every_exercise_has_wrong_answers,
) = exercise_tests(
    "12",
    WRONG,
    setup={"ex12_4": SEGMENTER_SETUP},
    solution_runs_in_notebook=("ex12_4",),
)
