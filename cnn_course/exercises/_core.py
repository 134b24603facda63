"""What every exercise check is made of (private).

An exercise is a :class:`Exercise`: a name (``"ex03_1"``, what ``grader.check`` takes), the
notebook it sits in, its kind, the slide it practises, a hint, its points, and a *check*
— a function ``check(env, hidden)`` that reads the student's answer from the notebook's
global variables ``env`` and raises

* :class:`NotAnswered` while the answer is still the ``...`` of the student edition (or
  the cell that defines it has not been run), and
* :class:`WrongAnswer` with a message that names the failing case when it is wrong.

``hidden=False`` is the public check a student runs in the notebook; ``hidden=True`` is
the extra part graded by ``make grade`` (more random cases). The helpers below turn what a
student's code does — returns nothing, raises, returns the wrong shape, calls the library
instead of implementing it — into those two errors, in the course's words;
:func:`~cnn_course.runtime.quiet_tensorflow` (re-exported here) keeps TensorFlow's warnings out of
a check that builds models.

Checks compare against the course's own reference implementations (:mod:`cnn_course.ops`,
:mod:`cnn_course.shapes`, ...), never against a number typed into the check, so a check
cannot drift from what the notebook teaches.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import copy
import inspect
import secrets
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np

from cnn_course.exercises._remote import KernelGone
from cnn_course.exercises._wire import Unreadable, WireError
from cnn_course.runtime import quiet_tensorflow

__all__ = [
    "KINDS",
    "Exercise",
    "NotAnswered",
    "WrongAnswer",
    "answer",
    "call",
    "case_rng",
    "hidden_seed",
    "describe_array",
    "exercise",
    "expect_array",
    "expect_int",
    "expect_matrix",
    "expect_real",
    "expect_shape",
    "forbid",
    "function",
    "quiet_tensorflow",
    "run_model",
    "seeded",
    "shape_text",
    "source_of",
]

Kind = Literal["compute", "implement", "experiment"]
KINDS: tuple[str, ...] = ("compute", "implement", "experiment")
Env = Mapping[str, Any]


class NotAnswered(AssertionError):
    """The exercise still holds the student edition's ``...`` (or was not run)."""


class WrongAnswer(AssertionError):
    """An answer is there, and it is wrong; the message says which case and how."""


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook and its check.

    Attributes
    ----------
    name : str
        ``"ex03_1"``: ``ex``, the notebook's two digits, ``_``, the exercise's number.
        The notebook calls ``grader.check("ex03_1")``; students read "Exercise 3.1".
    kind : str
        ``"compute"`` (predict a number before the code computes it), ``"implement"``
        (write a function, checked on random inputs against the course's reference) or
        ``"experiment"`` (change a model or a filter and reach a measured target).
    title, slide, hint : str
        A few words on what is asked; the deck and slide it practises; what to look at
        when the check fails.
    check : callable
        ``check(env, hidden)``; raises :class:`NotAnswered` or :class:`WrongAnswer`.
    points : int
        Points in the grade. With ``has_hidden``, half are for the public check, half
        for the hidden one.
    has_hidden : bool
        Whether ``check(env, hidden=True)`` tests more than the public check.
    answers : tuple of str
        The variables the student's answer defines (``my_...``). No other cell of the
        notebook may assign them, so that the answer graded is the student's.
    """

    name: str
    kind: Kind
    title: str
    slide: str
    hint: str
    check: Callable[[Env, bool], None]
    points: int = 1
    has_hidden: bool = False
    answers: tuple[str, ...] = ()

    @property
    def notebook(self) -> str:
        """The two digits of the notebook: ``"ex03_1"`` -> ``"03"``."""
        return self.name[2:4]

    @property
    def label(self) -> str:
        """How the notebook names it: ``"ex03_1"`` -> ``"Exercise 3.1"`` (``ex00_1``: 0.1)."""
        return f"Exercise {int(self.notebook)}.{self.name.split('_')[1]}"

    def run(self, env: Env, hidden: bool = False) -> None:
        """Run the public (or, with ``hidden``, the hidden) check against ``env``."""
        self.check(env, hidden)


def exercise(
    kind: Kind,
    *,
    title: str,
    slide: str,
    hint: str,
    answers: tuple[str, ...],
    points: int | None = None,
    hidden: bool = False,
) -> Callable[[Callable[[Env, bool], None]], Exercise]:
    """Decorator: the function ``exNN_M(env, hidden)`` becomes the exercise ``exNN_M``.

    Default points: 1 for a compute exercise, 2 for the others.

    Examples
    --------
    >>> @exercise("compute", title="2 + 2", slide="none", hint="count", answers=("four",))
    ... def ex99_1(env, hidden):
    ...     expect_int(answer(env, "four"), 4, "the sum")
    >>> ex99_1.name, ex99_1.label, ex99_1.notebook, ex99_1.points
    ('ex99_1', 'Exercise 99.1', '99', 1)
    >>> ex99_1.run({"four": 4})
    >>> ex99_1.run({"four": ...})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.NotAnswered: not answered yet: replace the ... in `four = ...` ...
    """
    if kind not in KINDS:
        raise ValueError(f"an exercise is one of {KINDS}, got {kind!r}")

    def make(check: Callable[[Env, bool], None]) -> Exercise:
        name = check.__name__
        if not (name.startswith("ex") and name[2:4].isdigit() and name[4:5] == "_"):
            raise ValueError(f"an exercise function is named exNN_M, got {name!r}")
        default = 1 if kind == "compute" else 2
        return Exercise(
            name=name,
            kind=kind,
            title=title,
            slide=slide,
            hint=hint,
            check=check,
            points=default if points is None else points,
            has_hidden=hidden,
            answers=tuple(answers),
        )

    return make


# --------------------------------------------------------------------------- the cases' inputs

#: The seed of the hidden cases: drawn anew in every process (so not readable in the installed
#: source), and by the grader for every grading run (:func:`hidden_seed`).
_PROCESS_SEED = secrets.randbits(63)
_HIDDEN_SEED: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "hidden_seed", default=None
)


def case_rng(hidden: bool) -> np.random.Generator:
    """The random generator a check draws its cases from.

    The public cases are always the same (seed 0: a student can reproduce a failing case);
    the hidden cases come from a secret seed, so no table of answers can be made for them.

    >>> a, b = case_rng(False).integers(100, size=3), case_rng(False).integers(100, size=3)
    >>> bool((a == b).all())
    True
    >>> with hidden_seed(7):
    ...     c = case_rng(True).integers(100, size=3)
    >>> with hidden_seed(7):
    ...     bool((case_rng(True).integers(100, size=3) == c).all())
    True
    """
    if not hidden:
        return np.random.default_rng(0)
    seed = _HIDDEN_SEED.get()
    return np.random.default_rng(_PROCESS_SEED if seed is None else seed)


@contextlib.contextmanager
def hidden_seed(seed: int) -> Iterator[None]:
    """Draw the hidden cases from ``seed`` inside the ``with`` block (one grading run)."""
    token = _HIDDEN_SEED.set(int(seed))
    try:
        yield
    finally:
        _HIDDEN_SEED.reset(token)


def _unreadable(value: Unreadable, what: str) -> WrongAnswer:
    kind = value.type_name
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    why = f" ({value.why})" if value.why else ""
    return WrongAnswer(
        f"{what} is {article} {kind}{why}, which cannot be graded: answers are numbers, "
        "strings, tuples, lists, NumPy arrays, functions or Keras models."
    )


# --------------------------------------------------------------------------- reading answers


def answer(env: Env, name: str) -> Any:
    """The value of the student's variable ``name``; :class:`NotAnswered` while it is ``...``.

    >>> answer({"n_out": 14}, "n_out")
    14
    >>> answer({}, "n_out")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.NotAnswered: not answered yet: `n_out` is not defined — run ...
    """
    if name not in env:
        raise NotAnswered(
            f"not answered yet: `{name}` is not defined — run the exercise's cell first, "
            "then the check."
        )
    try:
        value = env[name]
    except WireError as err:
        raise WrongAnswer(f"`{name}` could not be read: {err}.") from None
    if isinstance(value, Unreadable):
        raise _unreadable(value, f"`{name}`")
    if value is Ellipsis:
        raise NotAnswered(
            f"not answered yet: replace the ... in `{name} = ...` with your answer, run that "
            "cell, then the check."
        )
    return value


def function(env: Env, name: str) -> Callable[..., Any]:
    """The student's function ``name`` (:class:`NotAnswered` if missing, error if not callable).

    >>> function({"f": len}, "f") is len
    True
    >>> function({"f": 3}, "f")
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: `f` should be a function (def f(...):), got 3 (an int)
    """
    value = answer(env, name)
    if not callable(value):
        kind = type(value).__name__
        article = "an" if kind[:1] in "aeiou" else "a"
        raise WrongAnswer(
            f"`{name}` should be a function (def {name}(...):), got {value!r} ({article} {kind})"
        )
    return value


def run_model(name: str, task: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, which puts a student's model to work, with TensorFlow kept quiet.

    Any error it raises is a :class:`WrongAnswer` that says which answer cannot do what.

    >>> run_model("my_model", "classify the test digits", lambda: 0.99)
    0.99
    >>> run_model("my_model", "classify the test digits", lambda: 1 / 0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: `my_model` cannot classify ...: division by zero
    """
    try:
        with quiet_tensorflow():  # graded, every submission's model is traced anew
            return compute()
    except Exception as err:  # the student's model: any error is an answer to report
        raise WrongAnswer(f"`{name}` cannot {task}: {err}") from None


def call(f: Callable[..., Any], *args: Any, case: str, **kwargs: Any) -> Any:
    """Call the student's ``f`` on copies of the arguments, in the course's words on failure.

    * ``f`` returns ``None`` (its body is still ``...``, or it has no ``return``) ->
      :class:`NotAnswered`;
    * ``f`` raises -> :class:`WrongAnswer` naming the case and the error.

    >>> call(lambda x: x + 1, 1, case="case 1")
    2
    >>> call(lambda x: None, 1, case="case 1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.NotAnswered: not answered yet: your function returns nothing ...
    >>> call(lambda x: [][x], 1, case="case 2 (a 1×1 filter)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: case 2 (a 1×1 filter): your function raised ...
    """
    args = copy.deepcopy(args)
    kwargs = copy.deepcopy(kwargs)
    try:
        result = f(*args, **kwargs)
    except (NotAnswered, WrongAnswer, KernelGone):
        raise
    except WireError as err:
        raise WrongAnswer(
            f"{case}: what your function returned could not be read: {err}."
        ) from None
    except Exception as err:  # the student's code: any error is an answer to report
        raise WrongAnswer(f"{case}: your function raised {type(err).__name__}: {err}") from None
    if result is None:
        raise NotAnswered(
            "not answered yet: your function returns nothing (its body is still ..., or it has "
            "no return)."
        )
    if isinstance(result, Unreadable):
        raise _unreadable(result, f"{case}: what your function returns")
    return result


def seeded(f: Callable[..., Any], seed: int) -> Callable[..., Any]:
    """``f``, called after seeding the random generators of the process it runs in.

    A student's function that trains a model runs in the kernel when graded: the seed has to
    be set there, not in the grader.
    """
    remote = getattr(f, "seeded", None)
    if callable(remote):
        return remote(seed)

    def run(*args: Any, **kwargs: Any) -> Any:
        from cnn_course import runtime

        runtime.seed_everything(seed)
        return f(*args, **kwargs)

    return run


def source_of(f: Callable[..., Any]) -> str | None:
    """The source of the student's function ``f`` (as the kernel read it when graded)."""
    source = getattr(f, "source", None)
    if isinstance(source, str):
        return source
    try:
        return inspect.getsource(f)
    except (OSError, TypeError):
        return None


def forbid(f: Callable[..., Any], names: Iterable[str], task: str) -> None:
    """Refuse an implementation that calls the library it is meant to replace.

    Reads the source of ``f`` and raises :class:`WrongAnswer` if it mentions any of
    ``names`` (a function or module name such as ``"conv2d"`` or ``"keras"``). When the
    source cannot be read (a built-in, a lambda typed at a prompt), nothing is checked.

    >>> def mine(x):
    ...     max_pool = 2  # a local name is the student's own
    ...     return ops.max_pool(x, max_pool)
    >>> forbid(mine, ["max_pool", "keras"], "max pooling with loops")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: the exercise is to write max pooling ... `max_pool`.
    """
    source = source_of(f)
    if source is None:
        return
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return
    banned = set(names)
    # the function's own names (parameters, local variables) are the student's: a local
    # variable called `pad` is fine, `np.pad(...)` or a global `pad` is not
    own = {arg.arg for arg in ast.walk(tree) if isinstance(arg, ast.arg)}
    own |= {
        node.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            used = node.attr
        elif isinstance(node, ast.Name) and node.id not in own:
            used = node.id
        else:
            continue
        if used in banned:
            raise WrongAnswer(
                f"the exercise is to write {task} yourself; your function calls `{used}`."
            )


# --------------------------------------------------------------------------- comparing answers


def _is_real(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool | np.bool_)


def _plain_scalar(got: Any) -> Any:
    """A NumPy scalar or 0-d array as the Python number it holds, so that a message shows
    ``0.25``, not ``np.float64(0.25)``; anything else unchanged.

    >>> _plain_scalar(np.float64(0.25)), _plain_scalar(np.array(3)), _plain_scalar("3")
    (0.25, 3, '3')
    """
    if isinstance(got, (np.ndarray, np.generic)) and np.shape(got) == ():
        return got.item()
    return got


def expect_int(got: Any, expected: int, what: str) -> None:
    """``got`` must be the whole number ``expected`` (``14.0`` counts; ``True`` does not).

    The message never gives the right number away.

    >>> expect_int(14.0, 14, "the output size")
    >>> expect_int(15, 14, "the output size")
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: 15 is not the output size.
    >>> expect_int("14", 14, "the output size")
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: the output size should be a number, got '14' (a str).
    """
    got = _plain_scalar(got)
    if not _is_real(got):
        kind = type(got).__name__
        article = "an" if kind[:1] in "aeiou" else "a"
        raise WrongAnswer(f"{what} should be a number, got {got!r} ({article} {kind}).")
    if not (isinstance(got, Integral) or float(got).is_integer()):
        raise WrongAnswer(f"{what} is a whole number, got {got!r}.")
    if int(got) != int(expected):
        raise WrongAnswer(f"{int(got)} is not {what}.")


def expect_real(got: Any, expected: float, what: str, rel: float = 1e-3) -> None:
    """``got`` must be within a relative ``rel`` of ``expected``.

    >>> expect_real(0.3334, 1 / 3, "the fraction")
    >>> expect_real(0.5, 1 / 3, "the fraction")
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: 0.5 is not the fraction.
    >>> expect_real(np.float64(0.25), 1 / 3, "the IoU")  # NumPy's scalar, written plainly
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: 0.25 is not the IoU.
    """
    got = _plain_scalar(got)
    if not _is_real(got):
        kind = type(got).__name__
        article = "an" if kind[:1] in "aeiou" else "a"
        raise WrongAnswer(f"{what} should be a number, got {got!r} ({article} {kind}).")
    if not np.isclose(float(got), float(expected), rtol=rel, atol=0.0):
        raise WrongAnswer(f"{got!r} is not {what}.")


def expect_shape(got: Any, expected: Sequence[int], names: Sequence[str], what: str) -> None:
    """``got`` must be a tuple (or list) of whole numbers equal to ``expected``.

    Each wrong number is reported by its name (``"the height"``) without the right value.

    >>> expect_shape((4, 4, 2), (4, 4, 2), ("the height", "the width", "the depth"), "output")
    >>> expect_shape((4, 4, 3), (4, 4, 2), ("the height", "the width", "the depth"), "output")
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: 3 is not the depth of the output.
    >>> expect_shape(32, (4, 4, 2), ("the height", "the width", "the depth"), "output")
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: write the output as (height, width, depth), ...
    """
    layout = ", ".join(name.removeprefix("the ") for name in names)
    if isinstance(got, np.ndarray):
        got = got.tolist()
    if not isinstance(got, tuple | list) or len(got) != len(expected):
        raise WrongAnswer(
            f"write the {what} as ({layout}), a tuple of {len(expected)} numbers; got {got!r}."
        )
    for value, right, name in zip(got, expected, names, strict=True):
        expect_int(value, right, f"{name} of the {what}")


def expect_matrix(got: Any, expected: np.ndarray, what: str) -> None:
    """``got`` must be the matrix ``expected``; the message names wrong entries, not values.

    For a *compute* exercise the right values are the answer, so unlike
    :func:`~cnn_course.exercises._core.expect_array` this never prints them.

    >>> expect_matrix([[1, 2], [3, 4]], np.array([[1, 2], [3, 4]]), "max-pooled matrix")
    >>> expect_matrix([[1, 2], [3, 5]], np.array([[1, 2], [3, 4]]), "max-pooled matrix")
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: 1 of the 4 entries of your max-pooled matrix is ...
    >>> expect_matrix([[1, 2]], np.array([[1, 2], [3, 4]]), "max-pooled matrix")
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: your max-pooled matrix is a 1×2 array: that is ...
    """
    try:
        mine = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise WrongAnswer(
            f"your {what} should be a matrix of numbers, e.g. np.array([[1, 2], [3, 4]]); "
            f"got {type(got).__name__}."
        ) from None
    if mine.shape != expected.shape:
        raise WrongAnswer(
            f"your {what} is {describe_array(mine)}: that is not its shape (rows, columns)."
        )
    wrong = np.argwhere(~np.isclose(mine, expected, rtol=1e-6, atol=1e-9))
    if len(wrong):
        where = ", ".join(str(tuple(int(i) for i in index)) for index in wrong[:3])
        more = ", …" if len(wrong) > 3 else ""
        verb = "is" if len(wrong) == 1 else "are"
        raise WrongAnswer(
            f"{len(wrong)} of the {expected.size} entries of your {what} {verb} wrong: "
            f"(row, column) {where}{more}."
        )


def shape_text(a: np.ndarray | Sequence[int]) -> str:
    """``'5×7×3'``: an array's shape (or a shape) as the course writes it.

    >>> shape_text(np.zeros((5, 7, 3))), shape_text((32, 32, 3))
    ('5×7×3', '32×32×3')
    """
    shape = a.shape if isinstance(a, np.ndarray) else a
    return "×".join(map(str, shape))


def describe_array(a: np.ndarray) -> str:
    """``'a 5×7 array'``, ``'a 5×7×3 array'``: shapes as the course writes them."""
    return f"a {shape_text(a)} array" if a.ndim else "a single number"


def expect_array(
    got: Any,
    expected: np.ndarray,
    case: str,
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> None:
    """``got`` must have ``expected``'s shape and values (to a relative error ``rtol``).

    On failure the message names the case, then the shape or the first wrong entry and
    the largest relative error, so a student can find the bug.

    >>> expect_array([[1, 2], [3, 4]], np.array([[1, 2], [3, 4]]), "case 1")
    >>> expect_array([[1, 2]], np.array([[1, 2], [3, 4]]), "case 1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: case 1: your result is a 1×2 array, the right one ...
    >>> expect_array([[1, 2], [3, 5]], np.array([[1, 2], [3, 4]]), "case 1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnn_course.exercises._core.WrongAnswer: case 1: entry (1, 1) is 5, it should be 4 (largest ...
    """
    try:
        mine = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise WrongAnswer(
            f"{case}: your result should be an array of numbers, got {type(got).__name__}"
        ) from None
    right = np.asarray(expected, dtype=np.float64)
    if mine.shape != right.shape:
        raise WrongAnswer(
            f"{case}: your result is {describe_array(mine)}, the right one is "
            f"{describe_array(right)}."
        )
    close = np.isclose(mine, right, rtol=rtol, atol=atol)
    if not np.all(close):
        where = tuple(int(i) for i in np.argwhere(~close)[0])
        # cs231n's relative error: |a - b| / max(|a| + |b|, tiny)
        error = np.max(np.abs(mine - right) / np.maximum(np.abs(mine) + np.abs(right), 1e-12))
        yours, should = mine[where], right[where]
        raise WrongAnswer(
            f"{case}: entry {where} is {_number(yours)}, it should be {_number(should)} "
            f"(largest relative error {error:.2g}, allowed {rtol:g})."
        )


def _number(x: float) -> str:
    """``4.0`` -> ``'4'``, ``0.123456`` -> ``'0.1235'``."""
    return str(int(x)) if float(x).is_integer() else f"{x:.4g}"
