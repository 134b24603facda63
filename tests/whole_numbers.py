"""The shared test that public functions refuse ``True``, ``False`` and ``3.0`` for integers.

``bool`` is a subclass of ``int`` and ``3.0 == 3``, so without a check ``stride=True``
would quietly mean a stride of 1. Each test module lists its module's integer parameters
as ``(function name, valid keyword arguments, parameter, how the error names it)`` and
gets two tests from :func:`refusal_tests`: every listed parameter refuses the three
values with a ``TypeError`` that names it, and every public function whose signature has
an ``int`` parameter (and lives in that module) is listed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import pytest

BAD = [True, False, 3.0]
Case = tuple[str, dict[str, Any], str, str]


def _takes_integers(function: Callable[..., Any]) -> bool:
    """Whether a parameter of ``function`` is annotated ``int`` (or a padding: int or str)."""
    annotations = (str(p.annotation) for p in inspect.signature(function).parameters.values())
    return any(a.startswith("int") or a == "Padding" for a in annotations)


def refusal_tests(module: ModuleType, cases: Sequence[Case]) -> tuple[Callable, Callable]:
    """The two tests for ``module``; assign them to ``test_...`` names in a test module."""

    @pytest.mark.parametrize("bad", BAD, ids=[repr(b) for b in BAD])
    @pytest.mark.parametrize(
        ("name", "valid", "parameter", "what"),
        cases,
        ids=[f"{name}-{parameter}" for name, _, parameter, _ in cases],
    )
    def refuses(name: str, valid: dict, parameter: str, what: str, bad: object) -> None:
        function = getattr(module, name)
        static = (
            {"interactive": False}
            if "interactive" in inspect.signature(function).parameters
            else {}
        )
        with pytest.raises(TypeError, match=f"^{what}.* must be .*whole number.*, got {bad!r}"):
            function(**{**valid, parameter: bad, **static})

    def covers_every_function() -> None:
        listed = {name for name, *_ in cases}
        public = {name: getattr(module, name) for name in module.__all__}
        own = {  # re-exported names are tested where they live
            name: f
            for name, f in public.items()
            if callable(f) and f.__module__.startswith(module.__name__)
        }
        takes = {name for name, f in own.items() if _takes_integers(f)}
        assert takes <= listed, f"integer parameters of {sorted(takes - listed)} are not tested"

    return refuses, covers_every_function
