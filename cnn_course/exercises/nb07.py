"""Exercises of notebook 07 · The MNIST convnet of the slides."""

from __future__ import annotations

from cnn_course.exercises._core import Exercise

__all__ = ["EXERCISES"]

EXERCISES: tuple[Exercise, ...] = ()
