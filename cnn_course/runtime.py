"""Where the course runs: versions, device, seeding and quick mode.

Nothing here imports TensorFlow at module import time, so ``quick_mode()`` and
``in_colab()`` stay cheap; ``report()``, ``seed_everything()`` and
``strategy()`` import it when called.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import platform
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from cnn_course import _checks, _lazy

__all__ = [
    "QUICK_ENV",
    "StrategyChoice",
    "device_name",
    "devices",
    "in_colab",
    "logical_cpus",
    "progress_bar",
    "quick_mode",
    "quiet_tensorflow",
    "report",
    "seed_everything",
    "strategy",
]

QUICK_ENV = "CNN_COURSE_QUICK"
"""Environment variable that switches the notebooks to quick mode (the tests set it)."""


def quick_mode() -> bool:
    """Return True when the course runs in quick mode (small subsets, few epochs).

    Quick mode is on when the environment variable ``CNN_COURSE_QUICK`` is set to
    anything but ``""``, ``"0"``, ``"false"`` or ``"no"``. The test suite sets it so
    that every notebook runs on a 2-core CPU in minutes; unset, the notebooks
    reproduce the slides' full results.

    Examples
    --------
    >>> import os
    >>> old = os.environ.pop("CNN_COURSE_QUICK", None)
    >>> quick_mode()
    False
    >>> os.environ["CNN_COURSE_QUICK"] = "1"
    >>> quick_mode()
    True
    >>> os.environ["CNN_COURSE_QUICK"] = "0"
    >>> quick_mode()
    False
    >>> del os.environ["CNN_COURSE_QUICK"]
    >>> if old is not None:
    ...     os.environ["CNN_COURSE_QUICK"] = old
    """
    value = os.environ.get(QUICK_ENV, "").strip().lower()
    return value not in ("", "0", "false", "no")


def in_colab() -> bool:
    """Return True inside Google Colab (the ``google.colab`` module is loaded).

    Examples
    --------
    >>> in_colab()
    False
    """
    return "google.colab" in sys.modules


def progress_bar(total: int, desc: str, *, enabled: bool = True, leave: bool = True) -> Any:
    """A progress bar for long work that Keras does not report (tqdm, text on stderr).

    Call ``bar.update(n)`` as the work advances and ``bar.close()`` at the end (or
    use it as a context manager). It is plain text on stderr rather than
    ``tqdm.auto``'s widget on purpose: the text bar looks the same in JupyterLab,
    Colab and a terminal, needs no widget front end, and nbval does not compare
    stderr, so a notebook's checked outputs stay the same from run to run.

    Parameters
    ----------
    total : int
        Number of steps.
    desc : str
        What is being done, shown before the bar.
    enabled : bool
        False gives a bar that prints nothing (for work nested in a larger bar).
    leave : bool
        Keep the finished bar on screen.

    Examples
    --------
    >>> with progress_bar(3, "demo") as bar:  # the bar itself goes to stderr
    ...     for _ in range(3):
    ...         _ = bar.update(1)
    >>> bar.n, bar.total
    (3, 3)
    """
    from tqdm import tqdm

    total = _checks.non_negative_int(total, "the number of steps of a progress bar")
    # file=sys.stderr and disable=False: tqdm's default (disable=None) switches itself off
    # when stderr is not a terminal, which is always the case in a Jupyter kernel.
    return tqdm(
        total=total,
        desc=desc,
        file=sys.stderr,
        disable=not _checks.flag(enabled, "enabled"),
        leave=_checks.flag(leave, "leave"),
        mininterval=0.5,
        dynamic_ncols=False,
        ncols=80,
    )


@contextlib.contextmanager
def quiet_tensorflow() -> Iterator[None]:
    """Silence TensorFlow's Python warnings inside the ``with`` block.

    Code that builds or trains a new model for every case (an exercise check, an
    experiment with one model per setting) makes TensorFlow retrace its functions, and
    once it has seen five it says so; the student has nothing to fix there.
    """
    tf = _lazy.tensorflow()
    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)


def seed_everything(seed: int = 0) -> None:
    """Seed Python, NumPy and Keras/TensorFlow so a run can be repeated.

    Uses :func:`keras.utils.set_random_seed`, which seeds Python's ``random``,
    NumPy and the backend in one call.

    Parameters
    ----------
    seed : int
        The seed (a whole number >= 0); the course uses 0 unless a notebook says otherwise.

    Examples
    --------
    >>> seed_everything(0)
    >>> seed_everything(0.5)
    Traceback (most recent call last):
    ...
    TypeError: the seed must be a whole number, got 0.5 (a float)
    """
    seed = _checks.non_negative_int(seed, "the seed")
    _lazy.keras().utils.set_random_seed(seed)


def devices() -> dict[str, int]:
    """Count the accelerators TensorFlow sees: ``{"CPU": n, "GPU": n, "TPU": n}``."""
    tf = _lazy.tensorflow()

    return {kind: len(tf.config.list_logical_devices(kind)) for kind in ("CPU", "GPU", "TPU")}


def device_name() -> str:
    """A short name for where training will run: ``"TPU"``, ``"GPU"`` or ``"CPU"``."""
    found = devices()
    for kind in ("TPU", "GPU"):
        if found[kind]:
            return kind
    return "CPU"


def report() -> dict[str, str]:
    """Print and return the versions and the device the course runs on.

    Then one line per problem :func:`cnn_course.doctor.problems` finds (a version outside the
    tested range, a damaged data file, a GPU TensorFlow does not see), each with its fix.

    Returns
    -------
    dict
        ``python``, ``tensorflow``, ``keras``, ``numpy``, ``device`` and ``colab``
        (``"yes"``/``"no"``) and ``quick_mode``.
    """
    keras, tf = _lazy.keras(), _lazy.tensorflow()
    info = {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "device": device_name(),
        "colab": "yes" if in_colab() else "no",
        "quick_mode": "on" if quick_mode() else "off",
    }
    width = max(len(k) for k in info)
    for key, value in info.items():
        print(f"{key:<{width}} : {value}")
    from cnn_course import doctor  # versions, data and device: a line per problem, if any

    for line in doctor.problems():
        print(f"⚠ {line}")
    return info


# --------------------------------------------------------------------------------------
# Distribution strategy
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StrategyChoice:
    """What :func:`strategy` chose, and why.

    Attributes
    ----------
    name : str
        ``"TPUStrategy"``, ``"MirroredStrategy"`` or ``"default"`` (one device).
    device : str
        ``"TPU"``, ``"GPU"`` or ``"CPU"``.
    replicas : int
        How many devices share each batch.
    mixed_precision : bool
        Whether the global Keras dtype policy was set to ``mixed_float16``.
    reason : str
        One sentence for the notebook.
    strategy : tf.distribute.Strategy
        The strategy itself: build the model inside ``choice.scope()``.
    """

    name: str
    device: str
    replicas: int
    mixed_precision: bool
    reason: str
    strategy: Any = dataclasses.field(repr=False, compare=False)

    def scope(self) -> Any:
        """``self.strategy.scope()``: build (and compile) the model inside it."""
        return self.strategy.scope()


@functools.cache
def _tpu_resolver() -> object | None:
    """A connected TPU cluster resolver on Colab / Cloud TPUs, else None.

    Only tried where a TPU can exist (Colab, ``TPU_NAME`` set, or a TPU VM's
    ``/dev/accel0``): elsewhere the resolver would wait on the cloud metadata server.
    Cached: connecting initialises the TPU system, which must happen once per process.
    """
    tf = _lazy.tensorflow()
    if not (
        in_colab()
        or "TPU_NAME" in os.environ
        or "COLAB_TPU_ADDR" in os.environ
        or os.path.exists("/dev/accel0")
    ):
        return None
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, RuntimeError, tf.errors.OpError):
        return None
    return resolver


def _compute_capability(gpu: object) -> tuple[int, int]:
    details = _lazy.tensorflow().config.experimental.get_device_details(gpu)
    return tuple(details.get("compute_capability", (0, 0)))  # type: ignore[return-value]


def strategy(mixed_precision: bool = True, verbose: bool = True) -> StrategyChoice:
    """Pick the distribution strategy for the hardware the course runs on.

    * a TPU (Colab or Cloud, found by ``TPUClusterResolver``) → ``TPUStrategy``;
    * several GPUs — or several logical CPUs made by :func:`logical_cpus`, for
      testing — → ``MirroredStrategy`` (each batch is split across them);
    * otherwise the default strategy (one device; ``scope()`` does nothing).

    With ``mixed_precision=True`` the Keras policy becomes ``mixed_float16`` only
    when every GPU has compute capability ≥ 7.0 (Volta, Turing — Colab's T4 —
    and newer: tensor cores); on older GPUs, CPUs and TPUs it stays ``float32``.
    Build (and compile) the model inside ``strategy().scope()``.

    Parameters
    ----------
    mixed_precision : bool
        Allow mixed precision on capable GPUs.
    verbose : bool
        Print the choice in one line.

    Returns
    -------
    StrategyChoice
        The choice and why; ``choice.strategy`` is the ``tf.distribute.Strategy``.

    Examples
    --------
    >>> choice = strategy(verbose=False)          # this CPU-only machine
    >>> choice.name, choice.replicas, choice.mixed_precision
    ('default', 1, False)
    >>> with choice.scope():
    ...     pass
    """
    mixed_precision = _checks.flag(mixed_precision, "mixed_precision")
    verbose = _checks.flag(verbose, "verbose")
    keras, tf = _lazy.keras(), _lazy.tensorflow()
    use_mixed = False
    resolver = _tpu_resolver()
    if resolver is not None:
        chosen = tf.distribute.TPUStrategy(resolver)
        choice_name, device = "TPUStrategy", "TPU"
        reason = "a TPU was found: TPUStrategy over its cores"
    else:
        gpus = tf.config.list_logical_devices("GPU")
        cpus = tf.config.list_logical_devices("CPU")
        device = "GPU" if gpus else "CPU"
        replicas = gpus or cpus
        if len(replicas) > 1:
            chosen = tf.distribute.MirroredStrategy([d.name for d in replicas])
            choice_name = "MirroredStrategy"
            reason = f"{len(replicas)} {device}s: MirroredStrategy splits each batch across them"
        else:
            chosen = tf.distribute.get_strategy()
            choice_name = "default"
            reason = f"one {device}: the default strategy"
        physical_gpus = tf.config.list_physical_devices("GPU")
        if mixed_precision and physical_gpus:
            capabilities = [_compute_capability(gpu) for gpu in physical_gpus]
            use_mixed = all(c >= (7, 0) for c in capabilities)
            reason += (
                "; mixed_float16 on (compute capability ≥ 7.0)"
                if use_mixed
                else f"; mixed precision off (compute capability {min(capabilities)} < 7.0)"
            )
    if use_mixed:
        keras.mixed_precision.set_global_policy("mixed_float16")
    if verbose:
        print(f"strategy: {choice_name} ({reason})")
    return StrategyChoice(
        name=choice_name,
        device=device,
        replicas=int(chosen.num_replicas_in_sync),
        mixed_precision=use_mixed,
        reason=reason,
        strategy=chosen,
    )


def logical_cpus(n: int = 2) -> list[str]:
    """Split the CPU into ``n`` logical devices, to test multi-device code without GPUs.

    Must run before TensorFlow initialises its devices (before any tensor is
    made), so call it first thing in a fresh process; :func:`strategy` then
    returns a ``MirroredStrategy`` over the ``n`` CPUs.

    Parameters
    ----------
    n : int
        Number of logical CPUs, at least 1.

    Returns
    -------
    list of str
        The logical device names, e.g. ``["/job:localhost/replica:0/task:0/device:CPU:0", …]``.

    Raises
    ------
    TypeError, ValueError
        If ``n`` is not a whole number >= 1.
    RuntimeError
        If TensorFlow has already initialised its devices in this process.
    """
    n = _checks.positive_int(n, "the number of logical CPUs")
    tf = _lazy.tensorflow()
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(n)]
        )
    except RuntimeError as err:
        raise RuntimeError(
            "TensorFlow has already set up its devices in this process: call "
            "logical_cpus() first thing in a fresh Python process (or restart the kernel)"
        ) from err
    return [d.name for d in tf.config.list_logical_devices("CPU")]
