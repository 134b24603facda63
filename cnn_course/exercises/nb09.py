"""Exercises of notebook 09 · Transfer learning."""

from __future__ import annotations

from cnn_course.exercises._core import Exercise

__all__ = ["EXERCISES"]

EXERCISES: tuple[Exercise, ...] = ()
