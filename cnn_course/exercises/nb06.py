"""Exercises of notebook 06 · ConvNet architectures."""

from __future__ import annotations

from cnn_course.exercises._core import Exercise

__all__ = ["EXERCISES"]

EXERCISES: tuple[Exercise, ...] = ()
