"""Where the decks are wrong: every wrong number or formula, and the slips that change none.

Each :class:`Erratum` gives the deck, the slide, the value as printed, the correct value
and how to get it; the tests recompute every correct value. Import the names from
:mod:`cnn_course.slides`.

:data:`ERRATA` holds the slides' errors; :data:`REMARKS` the wording and notation slips, and
the values marked ``as_extracted``: a wrong value in the deck's text that is most likely an
artefact of its conversion to text (a lost minus sign, a 1 read as a 4), not an error of the
slide.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnn_course.slides.printed import DECK_000, DECK_001, DECK_002, DECK_003, DECK_004, DECKS

__all__ = [
    "ERRATA",
    "Erratum",
    "REMARKS",
    "errata_for",
    "errata_markdown",
]


# --------------------------------------------------------------------------- errata


@dataclass(frozen=True)
class Erratum:
    """A place where a deck prints something wrong, with the right value and why.

    Attributes
    ----------
    deck : str
        Deck file (a key of :data:`DECKS`).
    slide : str
        Slide title.
    what : str
        What the number or formula is.
    printed, correct
        The value as printed and the correct value (a number, a shape or a formula).
    explanation : str
        How to get the correct value, in the course's words.
    key : str
        Short identifier, e.g. ``"stride2-output-0-2"``.
    as_extracted : bool
        ``True`` for a value that is wrong in the deck's text but most likely right on the
        slide: an artefact of the conversion of the slide to text. Such an entry is a
        remark (in :data:`REMARKS`), not an erratum; ``printed`` is the value as extracted.
    """

    deck: str
    slide: str
    what: str
    printed: int | str | tuple[int, ...]
    correct: int | str | tuple[int, ...]
    explanation: str
    key: str
    as_extracted: bool = False

    def __str__(self) -> str:
        def show(value: object) -> str:
            return f"“{value}”" if isinstance(value, str) else str(value)

        shown = "as extracted" if self.as_extracted else "printed"
        return (
            f'deck {self.deck[:3]}, slide "{self.slide}": {self.what} — {shown} '
            f"{show(self.printed)}, correct {show(self.correct)}"
        )


_LENET_FR = "the French LeNet-5 table (3-channel input, 8 then 16 filters of 5×5)"

#: Every wrong number or formula found in the decks, each checked by the tests.
ERRATA: tuple[Erratum, ...] = (
    Erratum(
        DECK_000,
        "Challenges in Deep Learning for Computer Vision",
        "values in a 64×64×3 image",
        12_228,
        12_288,
        "64 × 64 = 4 096 pixels, × 3 colour channels = 12 288 values (deck 002 prints "
        "12288 correctly). The slide calls them pixels: they are 4 096 pixels of 3 values.",
        "features-64x64x3",
    ),
    Erratum(
        DECK_002,
        "Stride",
        "output[0, 2] of the 7×7 ∗ 3×3 stride-2 convolution",
        83,
        88,
        "The window is rows 0-2, columns 4-6: [[6, 2, 9], [7, 4, 3], [8, 9, 7]]; "
        "6·3 + 2·4 + 9·4 + 7·1 + 4·0 + 3·2 + 8·(-1) + 9·0 + 7·3 = 62 + 13 + 13 = 88. "
        "Deck 000 shows the same example (its extracted text keeps only 91 and 100).",
        "stride2-output-0-2",
    ),
    Erratum(
        DECK_002,
        "Stride",
        "output[1, 2] of the 7×7 ∗ 3×3 stride-2 convolution",
        127,
        117,
        "The window is rows 2-4, columns 4-6: [[8, 9, 7], [6, 3, 4], [3, 4, 6]]; "
        "8·3 + 9·4 + 7·4 + 6·1 + 3·0 + 4·2 + 3·(-1) + 4·0 + 6·3 = 88 + 14 + 15 = 117.",
        "stride2-output-1-2",
    ),
    Erratum(
        DECK_001,
        "Convolutional layers (0-padding example)",
        "output[4, 4] (row 5, column 5) of the padded 6×6 ∗ vertical-edge convolution",
        10,
        11,
        "The window's left column is 9, 6, 7 and its right column 0, 6, 5: "
        "(9 + 6 + 7) - (0 + 6 + 5) = 22 - 11 = 11.",
        "padded-output-4-4",
    ),
    Erratum(
        DECK_002,
        "LeNet-5",
        f"# parameters of CONV1 in {_LENET_FR}",
        208,
        608,
        "Each of the 8 filters is 5×5×3 (a filter spans all input channels): "
        "(5·5·3 + 1) × 8 = 608. 208 = (5·5 + 1) × 8 forgets the 3 channels.",
        "lenet-fr-conv1-params",
    ),
    Erratum(
        DECK_002,
        "LeNet-5",
        f"# parameters of CONV2 in {_LENET_FR}",
        416,
        3_216,
        "Each of the 16 filters is 5×5×8 (POOL1 has 8 channels): (5·5·8 + 1) × 16 = 3 216. "
        "416 = (5·5 + 1) × 16 forgets the 8 channels.",
        "lenet-fr-conv2-params",
    ),
    Erratum(
        DECK_002,
        "LeNet-5",
        f"# parameters of FC3 in {_LENET_FR}",
        48_001,
        48_120,
        "W: (120, 400) and b: (120, 1): 400·120 + 120 = 48 120. 48 001 = 400·120 + 1 counts "
        "one bias for the layer instead of one per unit.",
        "lenet-fr-fc3-params",
    ),
    Erratum(
        DECK_002,
        "LeNet-5",
        f"# parameters of FC4 in {_LENET_FR}",
        10_081,
        10_164,
        "120·84 + 84 = 10 164 (10 081 = 120·84 + 1: one bias per unit, not one in all).",
        "lenet-fr-fc4-params",
    ),
    Erratum(
        DECK_002,
        "LeNet-5",
        f"# parameters of the softmax layer in {_LENET_FR}",
        841,
        850,
        "84·10 + 10 = 850 (841 = 84·10 + 1: one bias per unit, not one in all). Deck 000's "
        "English table (6 filters in conv1) has every number right.",
        "lenet-fr-softmax-params",
    ),
    Erratum(
        DECK_002,
        "Pourquoi des convolutions ?",
        "parameters of six 5×5 filters on the 32×32×3 input (3 072 -> 4 704 values)",
        156,
        456,
        "The input has 3 channels (3 072 = 32·32·3), so each filter is 5×5×3: "
        "(75 + 1) × 6 = 456 — deck 000's LeNet table prints 456 for this very layer. "
        "Still about 31 700 times fewer than the 3 072 × 4 704 ≈ 14 M weights of a dense "
        "layer.",
        "why-conv-params",
    ),
    Erratum(
        DECK_004,
        "Pooling",
        "index of the input in the max (and average) pooling formula",
        "o[c,j,i] = max_{n<h,m<w} x[c, r·j+n, s·i+m]",
        "o[c,j,i] = max_{n<h,m<w} x[c, h·j+n, w·i+m]",
        "With x of size C×(rh)×(sw) the output is C×r×s and window (j, i) starts at row "
        "h·j, column w·i: the step is the window size, not the output size. The printed "
        "index only works when r = h and s = w (a 4×4 input with 2×2 windows); on the 6×6 "
        "image with 2×2 windows (r = s = 3) it would read rows 6 and 7, which do not exist.",
        "pool-formula-index",
    ),
    Erratum(
        DECK_004,
        "AlexNet (Krizhevsky et al, 2012)",
        "neurons in AlexNet's first convolutional layer (the paper's figure 2 caption)",
        253_440,
        290_400,
        "The number is Krizhevsky et al.'s own (2012, caption of figure 2); the deck quotes "
        "it faithfully. The first layer has 96 kernels of 11×11×3 with stride 4 and a 55×55 "
        "output: 55·55·96 = 290 400 (the caption's other counts are right: 27·27·256 = "
        "186 624, 13·13·384 = 64 896, 13·13·256 = 43 264). The caption's 150 528 = 224·224·3 "
        "input does not give 55 either — (224 - 11)/4 + 1 = 54.25 — a 227×227 input does.",
        "alexnet-first-layer-neurons",
    ),
)

#: Wording and notation slips that change no number, and the values that are most likely
#: artefacts of the deck's conversion to text (``as_extracted``), kept apart from :data:`ERRATA`.
REMARKS: tuple[Erratum, ...] = (
    Erratum(
        DECK_001,
        "Convolutional layers (0-padding example)",
        "output[3, 0] (row 4, column 1) of the padded 6×6 ∗ vertical-edge convolution",
        11,
        -11,
        "The window's left column is padding (0, 0, 0) and its right column is 6, 0, 5: "
        "0 - (6 + 0 + 5) = -11. Only the minus sign is missing, most likely lost in the "
        "conversion of the slide to text: not counted as an error of the slide.",
        "padded-output-3-0",
        as_extracted=True,
    ),
    Erratum(
        DECK_002,
        "LeNet-5",
        f"activation shape of CONV2 in {_LENET_FR}",
        (10, 10, 46),
        (10, 10, 16),
        "CONV2 has 16 filters: its own size 1 600 = 10·10·16 and POOL2's (5, 5, 16) on the "
        "same slide say so; (14 - 5)/1 + 1 = 10. A 1 read as a 4 in the conversion of the "
        "slide to text is the likely cause: not counted as an error of the slide.",
        "lenet-fr-conv2-shape",
        as_extracted=True,
    ),
    Erratum(
        DECK_003,
        "Pooling Layer",
        "the layer the hyper-parameters belong to",
        "Conv Layer needs 2 hyperparamters",
        "Pooling layer needs 2 hyperparameters (F and S)",
        "The slide is about pooling: its two hyper-parameters are the window F and the "
        "stride S, and it has 0 parameters. A conv layer needs 4 (K, F, S, P).",
        "pooling-hyperparameters",
    ),
    Erratum(
        DECK_003,
        "CONV Layer in Pytorch",
        "the API shown",
        "nn.SpatialConvolution(nInputPlane, nOutputPlane, kW, kH, [dW], [dH], [padW], [padH])",
        "torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0)",
        "The slide shows the documentation of Lua Torch 7, PyTorch's predecessor; the Keras "
        "layer is keras.layers.Conv2D(filters, kernel_size, strides, padding). Its output "
        "size formula, floor((width + 2·padW - kW)/dW + 1), is right for all three.",
        "torch7-not-pytorch",
    ),
    Erratum(
        DECK_002,
        "Pourquoi des convolutions ?",
        "a translation of 'translation invariance'",
        "Invariance de la traduction",
        "Invariance par translation",
        "'Traduction' is translating a language. And strictly, a convolution is "
        "equivariant to translation (deck 004, 'Equivariance'); pooling adds (some) "
        "invariance.",
        "traduction",
    ),
    Erratum(
        DECK_003,
        "What do the filters learn? – Multiple Layers",
        "number of first-layer filters of AlexNet",
        "AlexNet: 64 filters, each 3x11x11",
        "96 kernels of 11×11×3 in Krizhevsky et al. (2012)",
        "The paper's first layer has 96 kernels (48 on each GPU); 64 is the filter count of "
        "the later one-GPU variant (e.g. torchvision's AlexNet), whose filters such figures "
        "usually show.",
        "alexnet-64-filters",
    ),
    Erratum(
        DECK_004,
        "Object recognition",
        "the keras.applications table",
        "Keras 2.1-era documentation (e.g. VGG16 top-1 0.715, depth 23)",
        "keras.io today: re-measured accuracies (VGG16 top-1 71.3 %) and another depth "
        "convention (VGG16: 16)",
        "The parameter counts are unchanged and match keras.applications exactly; the "
        "accuracies and the 'depth' column come from an older version of the documentation "
        "(notebook 06 measures which depth convention each row follows).",
        "keras-applications-version",
    ),
    Erratum(
        DECK_001,
        "Fully Convolutional Networks",
        "the order of the softmax and the global average pooling",
        'Conv2D(num_classes, (1, 1), activation="softmax") → GlobalAveragePooling2D()',
        "Conv2D(num_classes, (1, 1)) → GlobalAveragePooling2D() → softmax",
        "Not wrong, but unusual: with the softmax first, the network's output is the average "
        "of one probability vector per position (still ten probabilities adding up to 1). "
        "The usual order (Lin et al. 2013, Network in Network; GoogLeNet, ResNet) averages "
        "the class scores over the positions and applies one softmax to the average. "
        "Notebook 09 trains both the same way and compares them on validation images.",
        "fcn-softmax-before-gap",
    ),
    Erratum(
        DECK_003,
        "Pooling Layer",
        "output size of a pooling layer",
        "W2 = (W1 - F)/S + 1",
        "W2 = floor((W1 - F)/S) + 1",
        "Without the floor the formula gives 3.5 for W1 = 7, F = 2, S = 2; Keras' "
        "MaxPooling2D gives 3 and never reads the last row and column (notebook 05).",
        "pool-size-floor",
    ),
    Erratum(
        DECK_002,
        "Stride",
        "output size with stride",
        "((n + 2p - f)/s + 1, (n + 2p - f)/s + 1)",
        "(floor((n + 2p - f)/s) + 1, floor((n + 2p - f)/s) + 1)",
        "The floor is missing here; the deck's own 'Sommaire des notations' slide has it.",
        "stride-formula-floor",
    ),
    Erratum(
        DECK_002,
        "Champ réceptif",
        "receptive field of N stacked 3×3 layers",
        "2N + 1 × 2N + 1",
        "(2N + 1) × (2N + 1)",
        "Read literally, 2N + 1 × 2N + 1 is 4N + 1; the parentheses are missing (notebook 03).",
        "receptive-field-parentheses",
    ),
    Erratum(
        DECK_000,
        "Challenges in Deep Learning for Computer Vision",
        "what 1000 × 1000 × 3 counts",
        "1000 × 1000 × 3 = 3 million pixels",
        "1 million pixels, 3 million values (features)",
        "Each pixel has 3 values (R, G, B): the input vector has 3 million entries, as the "
        "French deck says ('3 millions de caractéristiques'); the same slip as its 64×64×3 line.",
        "pixels-vs-values",
    ),
    Erratum(
        DECK_003,
        "7x7 input (spatially) assume 3x3 filter applied with stride 3?",
        "output size of a 3×3 filter with stride 3 on a 7×7 input",
        "doesn't fit! cannot apply 3x3 filter on 7x7 input with stride 3.",
        2,
        "The deck is right that it does not fit: (7 - 3)/3 + 1 = 2.33 is not an integer, so "
        "the windows do not tile the input. The frameworks floor instead of refusing: deck 000 "
        "(Summary, Remark 1), deck 002 (Sommaire des notations) and deck 003's own 'CONV Layer "
        "in Pytorch' slide round down to a 2×2 output, and Keras Conv2D(padding='valid') "
        "silently never reads the last row and column of the input (index 6).",
        "stride3-doesnt-fit",
    ),
    Erratum(
        DECK_004,
        "Convolution",
        "bias in the multi-channel convolution formula",
        "o[j,i] = b[j,i] + Σ_c (x_c ⋆ u_c)[j,i]",
        "o[j,i] = b + Σ_c (x_c ⋆ u_c)[j,i]",
        "Notation: the slide says u and b are shared parameters, so b[j,i] is the same number "
        "at every position — one bias per kernel (Keras Conv2D has a bias of shape "
        "(filters,)). A different bias b[j,i] per position would be the locally connected "
        "layer's (deck 001: 24 × 24 biases).",
        "conv-bias-shared",
    ),
    Erratum(
        DECK_003,
        "Zero-pad is most common in practice",
        "what zero padding does for translations",
        "We pad all around the image to hold the translational invariance.",
        "Padding keeps the output as large as the input; it adds no invariance, and at the "
        "border it breaks equivariance",
        "Shift 1 000 MNIST digits by one pixel: with or without padding, about 1 % of the "
        "active first-layer values stay the same, so padding adds no invariance. That test "
        "cannot see the border: 988 of the digits have an empty border, which the padding's "
        "zeros merely continue. On an image whose border is not black, the zeros act as an "
        "edge: a 'same' edge detector fires all along the border of a uniform grey image, where "
        "a 'valid' one finds nothing, and each further 'same' layer carries the border one "
        "pixel further in (notebook 05). So the feature maps show where the border is, a "
        "convolution is equivariant only away from it, and a convnet can learn absolute "
        "position from the padding (Islam et al. 2020; Kayhan & van Gemert 2020).",
        "padding-translational-invariance",
    ),
    Erratum(
        DECK_003,
        "Pooling Layer",
        "what pooling does for translations",
        "Introduces the spatial invariance (as long we pad all around input x, y dim)",
        "Pooling makes the activations partly invariant to small shifts; padding plays no part",
        "Shift 1 000 MNIST digits by one pixel: about a fifth of the active values survive one "
        "2×2 max pooling unchanged and two fifths survive two (1 % without pooling); a shift by "
        "the stride is not absorbed at all, it moves the pooled map by one cell. The same "
        "numbers with and without padding (notebook 05). Deck 004 says it carefully: "
        "'(slightly) invariant to small translations'.",
        "pooling-translational-invariance",
    ),
    Erratum(
        DECK_001,
        "Fully Convolutional Networks",
        "what the dense layer equivalent to a convolution costs",
        "Computational complexity is higher because we store a very large matrix!",
        "Storage is higher: the matrix is stored; the arithmetic is higher too",
        "Storing a matrix is memory, not computational complexity. Both grow: for the 5×5 "
        "convolution of a 28×28 image (24×24 output), the dense layer stores a 576 × 784 "
        "matrix, 451 584 weights, where the convolution stores 25 (plus its bias); a forward "
        "pass costs 451 584 multiply-adds instead of 576 × 25 = 14 400 (notebook 01).",
        "storage-not-complexity",
    ),
    Erratum(
        DECK_002,
        "Transfer learning avec peu de données",
        "which layers to keep and which to retrain",
        "ne conservez que la dernière couche",
        "ne réentraînez que la dernière couche (conservez toutes les autres)",
        "Read literally, 'keep only the last layer' throws away every pretrained layer. The "
        "figure and the practice mean the opposite: keep (freeze) the pretrained layers and "
        "retrain only a new last layer, the head (regime 'head' of notebook 10). The next "
        "slide's plural, 'les dernières couches', retrains the last blocks as well ('top').",
        "keep-only-the-last-layer",
    ),
    # Deck 002's « A retenir » table beside the CS231n notes (Karpathy et al., "Transfer
    # Learning", https://cs231n.github.io/transfer-learning/) and Yosinski et al. 2014
    # ("How transferable are features in deep neural networks?", NeurIPS): advice, not
    # numbers; notebook 10 measures the regimes on both sides of the table.
    Erratum(
        DECK_002,
        "A retenir",
        "little data close to ImageNet: what to retrain",
        "Les dernières couches",
        "a linear classifier on the pretrained features (the head only)",
        "The CS231n notes: with a small dataset similar to the original, fine-tuning risks "
        "overfitting, and 'the best idea might be to train a linear classifier on the CNN "
        "codes' -- the 'head' regime, not the last layers ('top'). Notebook 10 sets the two "
        "side by side, with several seeds, at equal training of the head.",
        "table-small-similar",
    ),
    Erratum(
        DECK_002,
        "A retenir",
        "little data far from ImageNet: what to do",
        "Collecter plus de données",
        "a linear classifier on features from earlier layers (or more data)",
        "The CS231n notes: with a small dataset very different from the original, train a "
        "linear classifier, but on 'activations somewhere earlier in the network', since the "
        "top layers hold the most dataset-specific features (Yosinski et al. 2014: the first "
        "layers' features are general, the last layers' specific, and transfer degrades with "
        "the distance between the tasks). More data helps, but is not the only advice.",
        "table-small-different",
    ),
    Erratum(
        DECK_002,
        "A retenir",
        "much data far from ImageNet: how to initialise",
        "Initialisation aléatoire",
        "the pretrained weights as initialisation, then fine-tune everything",
        "The CS231n notes: with a large, very different dataset one can afford to train from "
        "scratch, 'however, in practice it is very often still beneficial to initialize with "
        "weights from a pretrained model'. Yosinski et al. 2014 found that initialising with "
        "transferred features gives a boost to generalisation that lingers even after "
        "fine-tuning on a large target dataset.",
        "table-large-different",
    ),
)


def errata_for(deck: str) -> tuple[Erratum, ...]:
    """The errata of one deck, given as ``"002"`` or by its file name.

    Parameters
    ----------
    deck : str
        Deck number (``"000"`` … ``"004"``) or file name (a key of :data:`DECKS`).

    Returns
    -------
    tuple of Erratum

    Examples
    --------
    >>> [e.key for e in errata_for("001")]
    ['padded-output-4-4']
    >>> errata_for("007")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown deck '007'; the decks are 000, 001, 002, 003, 004 ...
    """
    if not isinstance(deck, str):
        raise TypeError(f'the deck must be a string such as "002", got {deck!r}')
    matches = [name for name in DECKS if deck in (name, name[:3])]
    if len(matches) != 1:
        numbers = ", ".join(name[:3] for name in DECKS)
        raise ValueError(f"unknown deck {deck!r}; the decks are {numbers} (or their file names)")
    return tuple(e for e in ERRATA if e.deck == matches[0])


# --------------------------------------------------------------------------- errata page


def _cell(value: object, code: bool = False) -> str:
    """One Markdown table cell: pipes escaped, code spans for printed and correct values."""
    text = str(value).replace("|", "\\|")
    if code:
        return f"`{text}`"
    return text.replace("<", "&lt;")


def _errata_table(entries: tuple[Erratum, ...]) -> list[str]:
    lines = [
        "| Deck | Slide | What | Printed | Correct | Explanation |",
        "|---|---|---|---|---|---|",
    ]
    for e in entries:
        explanation = f"*As extracted.* {e.explanation}" if e.as_extracted else e.explanation
        cells = [
            e.deck[:3],
            _cell(e.slide),
            _cell(e.what),
            _cell(e.printed, code=True),
            _cell(e.correct, code=True),
            _cell(explanation),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def errata_markdown() -> str:
    """The errata page of the decks in Markdown: a table of :data:`ERRATA`, one of :data:`REMARKS`.

    Each row gives the deck, the slide, what is printed, the correct value and the
    explanation, so that an instructor can correct their slides. ``docs/errata.md`` is
    this page; write it again after changing an erratum or a remark::

        python -c "from cnn_course import slides; print(slides.errata_markdown(), end='')" \\
            > docs/errata.md

    Returns
    -------
    str
        Markdown, ending with a newline.

    Examples
    --------
    >>> page = errata_markdown()
    >>> page.splitlines()[0]
    '# Errata of the lecture decks'
    >>> sum(line.startswith("| 00") for line in page.splitlines()) == len(ERRATA) + len(REMARKS)
    True
    >>> row = "| 002 | Stride | output[0, 2] of the 7×7 ∗ 3×3 stride-2 convolution | `83` | `88` |"
    >>> row in page
    True
    """
    decks = [f"- **{name[:3]}** — {title} (`{name}`)" for name, title in DECKS.items()]
    lines = [
        "# Errata of the lecture decks",
        "",
        "Every number the course's five lecture decks print is recomputed by the course. Where a",
        "deck prints a wrong value, the first table gives the value as printed, the correct one",
        "and how to get it; the second lists remarks: wording, notation or choices that change no",
        "number. The decks reached the course as text extracted from the slides, so a wrong value",
        "may come from the extraction rather than the slide itself: where that is the likely",
        "cause (a lost minus sign, a 1 read as a 4), the value is a remark marked *as extracted*,",
        "not an erratum. This page is generated from `cnn_course.slides.ERRATA` and",
        "`cnn_course.slides.REMARKS`.",
        "",
        "The decks:",
        "",
        *decks,
        "",
        f"## Errata ({len(ERRATA)})",
        "",
        *_errata_table(ERRATA),
        "",
        f"## Remarks ({len(REMARKS)})",
        "",
        *_errata_table(REMARKS),
    ]
    return "\n".join(lines) + "\n"
