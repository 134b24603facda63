"""End to end: JupyterLab, as `make lab` starts it, runs a course notebook in a real browser.

The test starts `jupyter lab` on a free loopback port with a copy of a notebook, opens it in
headless Chromium (Debian's `chromium`, driven by Playwright; no browser is downloaded), runs
all cells through JupyterLab's own "Run All Cells" command, and checks that every cell ran,
that no cell shows an error and that a plot rendered. It saves a screenshot to
``build/screenshots/``.

Without a Chromium on the machine the test is skipped, unless ``CNN_COURSE_REQUIRE_BROWSER=1``
(CI sets it, after installing Chromium), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "00_getting_started.ipynb"
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "cnn-course-browser-test"


def _chromium() -> str:
    for candidate in (os.environ.get("CNN_COURSE_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    message = "no Chromium found (apt-get install chromium); the browser test needs one"
    if os.environ.get("CNN_COURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"jupyter lab exited early with status {server.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"jupyter lab did not answer at {url} within {timeout:.0f} s")


def _stop(server: subprocess.Popen) -> None:
    """Stop the server and its kernels (its whole process group), forcefully if need be."""
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def lab_server(tmp_path):
    """A JupyterLab server on a free loopback port, serving a copy of one notebook."""
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, tmp_path / NOTEBOOK)
    port = _free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={tmp_path}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    if os.geteuid() == 0:  # CI runs as root; JupyterLab refuses that unless told
        cmd.append("--allow-root")
    log_path = tmp_path / "jupyter.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/api/status?token={TOKEN}", server, log_path)
        yield base
    finally:
        _stop(server)
        log.close()


# Collects, from JupyterLab's own notebook model, each code cell's execution count and output types.
CELL_STATE_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.cells;
  const result = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    const outputs = [];
    for (let j = 0; j < cell.outputs.length; j++) {
      const out = cell.outputs.get(j);
      outputs.push({type: out.type, text: JSON.stringify(out.toJSON()).slice(0, 500)});
    }
    result.push({count: cell.executionCount, outputs: outputs});
  }
  return result;
}
"""


def test_notebook_runs_in_jupyterlab_in_a_real_browser(lab_server):
    chromium = _chromium()
    playwright = pytest.importorskip("playwright.sync_api")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            page.goto(f"{lab_server}/lab/tree/{NOTEBOOK}?token={TOKEN}")
            page.wait_for_function(
                "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                " const k = w && w.sessionContext && w.sessionContext.session"
                " && w.sessionContext.session.kernel;"
                " return Boolean(k) && k.status === 'idle'; }"
            )
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            # Every code cell has an execution count and the kernel is idle again.
            page.wait_for_function(
                f"() => {{ const s = ({CELL_STATE_JS})();"
                " const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;"
                " return s.length > 0 && s.every(c => c.count !== null) && k.status === 'idle'; }",
                timeout=600_000,
            )
            cells = page.evaluate(CELL_STATE_JS)
            errors = [c for c in cells if any(o["type"] == "error" for o in c["outputs"])]
            assert not errors, f"cells with errors: {errors}"
            images = page.locator(".jp-RenderedImage img")
            assert images.count() >= 1, "no plot rendered"
            images.first.scroll_into_view_if_needed()
            width = images.first.evaluate("img => img.naturalWidth")
            assert width > 100, "the plot image is empty"
            page.screenshot(path=str(SCREENSHOTS / "jupyterlab_00_getting_started.png"))
        finally:
            browser.close()
