"""JupyterLab for a browser test: the tools it needs, and a server that always shuts down.

- :func:`require_browser_tools`: find Chromium and Playwright, or skip (fail under ``CI=true``).
- :class:`LabServer`: JupyterLab from pytest's own Python on ``127.0.0.1``, a free port and a
  random token, settings in a private directory (``windowingMode: "none"`` so every cell is in
  the DOM; no news or update checks).
"""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
"""Flags for Debian's Chromium: no sandbox (root in a container), no GPU, no traffic of its own."""

CHROMIUM_HINT = "Chromium is missing: install Debian's package with `apt-get install chromium`."
PLAYWRIGHT_HINT = ("The Python package playwright is missing: install the test requirements with "
                   "`pip install -r requirements.txt`.")

LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}
"""User settings written for the test server: every cell attached, no announcements fetched."""


def find_chromium():
    """Return the path of Debian's Chromium, or None when it is not installed.

    >>> find_chromium() is None or Path(find_chromium()).name.startswith("chromium")
    True
    """
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def missing_or_fail(reason):
    """Skip with ``reason``, except under ``CI=true``, where a skipped browser test is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and the browser test cannot run. {reason}", pytrace=False)
    pytest.skip(reason)


def require_browser_tools():
    """Return Chromium's path once Chromium and Playwright are both available.

    Skips the calling test when one is missing, naming the install command; fails instead when the
    environment variable ``CI`` is ``"true"``.
    """
    chromium = find_chromium()
    if chromium is None:
        missing_or_fail(CHROMIUM_HINT)
    try:
        import playwright.sync_api  # noqa: F401  (imported here: optional outside the browser test)
    except ImportError:
        missing_or_fail(PLAYWRIGHT_HINT)
    return chromium


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on right now.

    >>> 1024 <= free_port() <= 65535
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_lab_settings(settings_dir, settings=LAB_SETTINGS):
    """Write JupyterLab user settings, one JSON file per plugin, under ``settings_dir``.

    Args:
        settings_dir: the directory given to JupyterLab as its user-settings directory.
        settings: mapping ``"<package>/<plugin>.jupyterlab-settings"`` -> dict of settings.
    """
    for relative, values in settings.items():
        path = Path(settings_dir) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


class LabServer:
    """JupyterLab started from pytest's own Python, on 127.0.0.1 with a random token.

    Use as a context manager: the server (and its kernels) is always shut down on exit, whatever
    happened inside. Its log is kept in ``work_dir / "jupyter-lab.log"``.

    Args:
        root_dir: the directory the server serves (notebooks are copied here by the caller).
        work_dir: a private directory for settings, workspaces, runtime files and the log.
        startup_timeout: seconds to wait for ``/api/status`` to answer.
    """

    def __init__(self, root_dir, work_dir, startup_timeout=60.0):
        self.root_dir = Path(root_dir)
        self.work_dir = Path(work_dir)
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.log_path = self.work_dir / "jupyter-lab.log"
        self.process = None

    @property
    def base_url(self):
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path):
        """The address of ``path`` on this server, token included."""
        return f"{self.base_url}/{path.lstrip('/')}?token={self.token}"

    def environment(self):
        """The server's environment: private Jupyter dirs, pytest's Python first on PATH."""
        dirs = {name: self.work_dir / name for name in ("settings", "workspaces", "runtime",
                                                         "config", "ipython")}
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        write_lab_settings(dirs["settings"])
        env = dict(os.environ)
        env.update(
            JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
            JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
            JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
            JUPYTER_CONFIG_DIR=str(dirs["config"]),
            IPYTHONDIR=str(dirs["ipython"]),
            PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        )
        return env

    app = "lab"
    """The Jupyter application: ``jupyter lab`` here, ``jupyter notebook`` for Notebook 7."""
    app_flags = ("--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None")
    name = "jupyter lab"
    ready_path = "api/status"
    """What answers 200 once the server is up."""
    cwd = None

    def command(self):
        """The command line: ``python -m jupyter <app>`` with the flags a headless test needs."""
        return [
            sys.executable, "-m", "jupyter", self.app, "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            "--ServerApp.allow_root=True", f"--ServerApp.root_dir={self.root_dir}",
            *self.app_flags,
        ]

    def start(self):
        """Start the server in its own process group (in ``cwd``) and wait until it answers."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(self.command(), env=self.environment(), cwd=self.cwd,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        self.wait_until_ready()
        return self

    def wait_until_ready(self):
        """Poll ``ready_path`` until it answers 200; raise with the log's tail if it never does."""
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url(self.ready_path), timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{self.name} did not answer /{self.ready_path} within "
                           f"{self.startup_timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, n_lines=40):
        """The last ``n_lines`` lines of the server's log."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n_lines:])

    def stop(self, timeout=15.0):
        """Stop the server: SIGTERM to its process group, SIGKILL if it lingers, then SIGKILL to
        whatever is left in the group (its kernels)."""
        if self.process is None:
            return
        group = self.process.pid  # start_new_session=True: the server leads its own group
        if self.process.poll() is None:
            os.killpg(group, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(group, signal.SIGKILL)
                self.process.wait(timeout=timeout)
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info):
        self.stop()
