"""The course map: which notebook teaches what, from which decks — and what is only quoted.

One source for the map that notebook 00 shows and the README's table: :data:`COURSE`
lists the notebooks in order, each with its title, what it teaches and the lecture decks
it follows (the deck numbers of :data:`cnn_course.slides.DECKS`).

>>> from cnn_course import course
>>> section = course.section("03")
>>> section.title, section.decks
('Padding and stride', ('000', '001', '002', '003', '004'))
>>> [s.number for s in course.COURSE][:3]
['00', '01', '02']

The course recomputes the slides' numbers; the few it only quotes, and why, are in
:data:`QUOTED`.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnn_course.slides import DECK_001, DECK_004, DECKS

__all__ = ["COURSE", "QUOTED", "Quoted", "Section", "course_map", "quoted_table", "section"]


@dataclass(frozen=True)
class Section:
    """One notebook of the course.

    Attributes
    ----------
    number : str
        Two digits, as in the notebook's file name (``"03"``).
    title : str
        The title after ``"NN · "`` in the notebook's first heading.
    teaches : str
        What it teaches, in a line.
    decks : tuple of str
        The decks it follows, as three-digit numbers (``"000"`` … ``"004"``).
    """

    number: str
    title: str
    teaches: str
    decks: tuple[str, ...]


#: The notebooks in course order.
COURSE: tuple[Section, ...] = (
    Section(
        "00",
        "Getting started",
        "set-up, the course map, quick and full mode, a first convolution, the MNIST digits",
        ("000", "002"),
    ),
    Section(
        "01",
        "Why convolutions?",
        "why dense layers explode on images; local receptive fields; weight sharing; the "
        "convolution as a sparse dense layer",
        ("000", "001", "002", "004"),
    ),
    Section(
        "02",
        "Convolution and edge detection",
        "the convolution step by step, edge filters (Sobel, Scharr), convolution vs "
        "cross-correlation, learning a filter",
        ("000", "002", "003", "004"),
    ),
    Section(
        "03",
        "Padding and stride",
        "output size, zero padding, valid and same, stride, deck 001's small network, "
        "receptive field",
        ("000", "001", "002", "003", "004"),
    ),
    Section(
        "04",
        "Convolution over volume",
        "RGB inputs, several filters, the conv layer and its depth column, parameter counts, "
        "1×1 convolutions",
        ("000", "002", "003", "004"),
    ),
    Section(
        "05",
        "Pooling and invariance",
        "max, average and min pooling, equivariance and (how much) invariance, layer patterns",
        ("000", "002", "003", "004"),
    ),
    Section(
        "06",
        "ConvNet architectures",
        "per-layer tables, LeNet-5, AlexNet, VGG-16, ResNet, Inception, the keras.applications "
        "table",
        ("000", "001", "002", "003", "004"),
    ),
    Section(
        "07",
        "The MNIST convnet of the slides",
        "the slide's Keras Conv2D network trained on real MNIST, what it learned",
        ("001",),
    ),
    Section(
        "08",
        "Generalisation: overfitting and what prevents it",
        "overfitting, dropout, data augmentation, weight decay, BatchNorm, early stopping",
        ("001",),
    ),
    Section(
        "09",
        "Fully convolutional networks",
        "Dense ↔ Conv, 1×1 convolution + global average pooling, any input size",
        ("001",),
    ),
    Section(
        "10",
        "Transfer learning",
        "an ImageNet network offline; head first, then fine-tuning, against random weights, "
        "on textures and Fashion-MNIST: the deck's 2×2 table measured",
        ("002",),
    ),
    Section(
        "11",
        "What convnets learn",
        "filters, feature maps, maximum-response inputs, class maximisation, Deep Dream, Grad-CAM",
        ("001", "003", "004"),
    ),
    Section(
        "12",
        "Beyond classification",
        "localisation with a regression branch and IoU; detection from a class map, non-max "
        "suppression, precision and recall; transposed convolution; a small U-Net, mean IoU",
        ("001", "002", "003"),
    ),
)


def section(number: str) -> Section:
    """The notebook numbered ``number`` (``"00"`` … ``"12"``).

    >>> section("10").title
    'Transfer learning'
    >>> section("13")
    Traceback (most recent call last):
    ...
    ValueError: there is no notebook 13; the notebooks are 00, 01, 02, 03, 04, 05, 06, 07, 08, \
09, 10, 11, 12
    """
    if not isinstance(number, str):
        raise TypeError(f'the notebook number must be a string such as "03", got {number!r}')
    for entry in COURSE:
        if entry.number == number:
            return entry
    numbers = ", ".join(entry.number for entry in COURSE)
    raise ValueError(f"there is no notebook {number}; the notebooks are {numbers}")


@dataclass(frozen=True)
class Quoted:
    """A number of the slides that the course quotes and does not recompute, and why.

    Attributes
    ----------
    deck : str
        Deck file (a key of :data:`cnn_course.slides.DECKS`).
    slide : str
        Slide title, as in the deck.
    what : str
        The numbers quoted.
    why : str
        Why they are not recomputed, and what the course computes instead.
    """

    deck: str
    slide: str
    what: str
    why: str


#: Slide numbers the course quotes without recomputing them. Everything else the slides
#: print — matrices, sizes, parameter counts, tables, formulas, the MNIST accuracies — is
#: recomputed or measured and checked.
QUOTED: tuple[Quoted, ...] = (
    Quoted(
        DECK_004,
        "Object recognition",
        "the Size, Top-1 Accuracy and Top-5 Accuracy columns of the keras.applications table",
        "measuring them needs the 50 000 ImageNet validation photos and each model's trained "
        "weights (up to 549 MB), neither of which ships with the course; the Parameters column "
        "is recomputed from the built models (notebook 06)",
    ),
    Quoted(
        DECK_004,
        "Object recognition",
        "ImageNet's 1 000 classes, 1 200 000 training and 100 000 test examples",
        "the course does not ship ImageNet's photos (only the 1 000 class names)",
    ),
    Quoted(
        DECK_004,
        "Maximum response samples",
        "“predicted with 99.9% confidence as a magpie”",
        "that confidence belongs to the slide's network and image; notebook 11 makes its own "
        "magpie with another network and measures that one's confidence",
    ),
    Quoted(
        DECK_004,
        "Maximum response samples",
        "the pictures of VGG16's maximum-response samples and Zeiler & Fergus's visualisations",
        "pictures of networks the course does not ship: notebook 11 makes the same kind of "
        "pictures with the network it ships",
    ),
    Quoted(
        DECK_001,
        "Convolutional layers in Keras",
        "the test losses of one training run (0.0276 here, 0.0505 on the Fully Convolutional "
        "Networks slide)",
        "a loss depends on the run; the test accuracies 0.99 and 0.9909 are measured on the "
        "10 000 MNIST test digits (notebooks 07 and 09)",
    ),
)


def course_map() -> str:
    """The course map as a Markdown table, then the decks' titles.

    >>> print(course_map().splitlines()[2])
    | 00 · Getting started | set-up, the course map, quick and full mode, a first \
convolution, the MNIST digits | 000, 002 |
    """
    rows = ["| notebook | what it teaches | decks |", "|---|---|---|"]
    rows += [f"| {s.number} · {s.title} | {s.teaches} | {', '.join(s.decks)} |" for s in COURSE]
    legend = "; ".join(f"**{name[:3]}** *{title}*" for name, title in DECKS.items())
    return "\n".join(rows) + f"\n\nThe decks: {legend}."


def quoted_table() -> str:
    """The numbers the course quotes and does not recompute, as a Markdown table.

    >>> print(quoted_table().splitlines()[0])
    | deck | slide | quoted, not recomputed | why |
    """
    rows = ["| deck | slide | quoted, not recomputed | why |", "|---|---|---|---|"]
    rows += [f"| {q.deck[:3]} | {q.slide} | {q.what} | {q.why} |" for q in QUOTED]
    return "\n".join(rows)
