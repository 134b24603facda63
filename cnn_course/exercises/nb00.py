"""Exercises of notebook 00 · Getting started."""

from __future__ import annotations

from cnn_course.exercises._core import Exercise

__all__ = ["EXERCISES"]

EXERCISES: tuple[Exercise, ...] = ()
