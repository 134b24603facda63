"""Every matrix, table and number the lecture decks print — and where the decks are wrong.

The course follows five lecture decks (:data:`DECKS`). This package holds what they print
as named constants, each citing its deck and slide, so that notebooks and tests can
recompute the number and compare. Matrices are **read-only** NumPy arrays (copy one with
``np.array(...)`` to change it); tables are tuples of frozen dataclasses.

Where a deck prints a wrong number the constant keeps the printed value under a
``*_PRINTED`` name next to the correct one, and :data:`ERRATA` explains the difference:

>>> from cnn_course import slides
>>> print(slides.ERRATA[1])
deck 002, slide "Stride": output[0, 2] of the 7×7 ∗ 3×3 stride-2 convolution — printed 83, \
correct 88
>>> len(slides.errata_for("002"))
8

:data:`REMARKS` lists wording and notation slips that change no number, and the values that
are wrong only in the deck's text (``as_extracted``: most likely lost in its conversion to text).

Deck files (extracted text of the slides; the figures were lost in extraction, so a few
numbers below come from the slide figures the text refers to — each says so):

====  ========================  ==========================================================
deck  file                      title
====  ========================  ==========================================================
000   000_eb99e285c495a795.txt  "Deep Learning 3/ Convolutional Neural Networks" (English)
001   001_4e0eedb3ee9c0e2f.txt  "Deep Learning: Convolutional Neural Networks" (English)
002   002_b567f4beb711858b.txt  "Convolutional Neural Network — Deep learning par la
                                pratique" (French)
003   003_8dffae983764f429.txt  "Convolutional Neural Networks" lecture (English)
004   004_86a2bcd246fc6398.txt  "Deep Learning, Lecture 3: Convolutional networks" (English)
====  ========================  ==========================================================

Comments below cite "deck NNN" and the slide title; :data:`DECK_000` … :data:`DECK_004`
hold the file names.

Every name is importable from here (``slides.IMAGE_6X6``, ``slides.ERRATA``); they live in
:mod:`cnn_course.slides.printed` (what the decks print) and
:mod:`cnn_course.slides.errata` (where they are wrong). Pure Python/NumPy, no TensorFlow:
``import cnn_course.slides`` is fast.
"""

from __future__ import annotations

from cnn_course.slides import errata, printed
from cnn_course.slides.errata import *  # noqa: F403  (the names of errata.__all__)
from cnn_course.slides.printed import *  # noqa: F403  (the names of printed.__all__)

__all__ = [*printed.__all__, *errata.__all__]
