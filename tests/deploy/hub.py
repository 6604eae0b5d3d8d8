"""A real JupyterHub on 127.0.0.1 for tests and benchmarks, and students who use it.

- :class:`LoopbackHub`: ``jupyterhub`` from pytest's own Python with the
  ``configurable-http-proxy`` npm package, ``DummyAuthenticator`` and
  ``SimpleLocalProcessSpawner`` (each student's home is a folder of a temporary directory),
  every port on 127.0.0.1. A context manager: on exit the Hub, its proxy, every single-user
  server and every kernel it started are ended.
- :class:`Student`: logs in through the login form, starts their server through the Hub's REST
  API, puts a notebook in their home through the server's contents API and runs its code cells
  on a kernel of that server (:mod:`remote_kernel`).
"""
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

PROXY = "configurable-http-proxy"
PROXY_HINT = ("configurable-http-proxy (JupyterHub's proxy, an npm package) is missing: install it "
              "with `npm install -g configurable-http-proxy`.")

CONFIG = """\
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = "sqlite:///{db}"
c.JupyterHub.cookie_secret_file = {cookie_secret!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = {singleuser!r}
c.Spawner.args = {args!r}
c.Spawner.env_keep = ["PATH", "PYTHONPATH", "LANG", "LC_ALL", "OPENBLAS_NUM_THREADS",
                      "VIRTUAL_ENV", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"]
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
"""
"""``jupyterhub_config.py`` of the loopback Hub (every path and port filled in)."""


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def singleuser_command():
    """The single-user server of pytest's own Python."""
    script = Path(sys.executable).parent / "jupyterhub-singleuser"
    return [str(script)] if script.exists() else [sys.executable, "-m", "jupyterhub.singleuser"]


def singleuser_args():
    """``--allow-root`` when this runs as root (a container, CI): Jupyter refuses root without."""
    return ["--allow-root"] if os.geteuid() == 0 else []


class LoopbackHub:
    """JupyterHub on 127.0.0.1 in ``work_dir`` (config, database, log, the students' homes).

    Args:
        work_dir: an empty private directory.
        startup_timeout: seconds to wait for ``/hub/api`` to answer.
    """

    def __init__(self, work_dir, startup_timeout=60.0):
        self.work_dir = Path(work_dir)
        self.homes = self.work_dir / "home"
        self.port, self.hub_port, self.proxy_api_port = free_port(), free_port(), free_port()
        self.log_path = self.work_dir / "jupyterhub.log"
        self.startup_timeout = startup_timeout
        self.process = None
        self.started = set()

    @property
    def url(self):
        """The public address (the proxy), ``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def write_config(self):
        """Write ``jupyterhub_config.py`` and the private Jupyter directories; return its path."""
        self.homes.mkdir(parents=True, exist_ok=True)
        path = self.work_dir / "jupyterhub_config.py"
        path.write_text(CONFIG.format(
            port=self.port, hub_port=self.hub_port, proxy_api_port=self.proxy_api_port,
            proxy_pid=str(self.work_dir / "proxy.pid"), db=self.work_dir / "jupyterhub.sqlite",
            cookie_secret=str(self.work_dir / "cookie_secret"), homes=str(self.homes),
            singleuser=singleuser_command(), args=singleuser_args()))
        return path

    def environment(self):
        """The Hub's environment: pytest's Python first on PATH, Jupyter dirs of its own."""
        env = dict(os.environ)
        for name, folder in (("JUPYTER_CONFIG_DIR", "jupyter-config"),
                             ("JUPYTER_DATA_DIR", "jupyter-data"), ("IPYTHONDIR", "ipython")):
            env[name] = str(self.work_dir / folder)
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        return env

    def start(self):
        """Start the Hub (it starts its proxy) in its own process group; wait until it answers."""
        config = self.write_config()
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=self.work_dir,
                env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        self.wait_until_ready()
        return self

    def wait_until_ready(self):
        """Poll ``/hub/api`` through the proxy until it answers 200."""
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with code {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"jupyterhub did not answer within {self.startup_timeout:.0f} s:\n"
                           f"{self.log_tail()}")

    def log_tail(self, n_lines=40):
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n_lines:])

    def processes(self):
        """The Hub's process and everything under it (proxy, servers, kernels), alive now."""
        if self.process is None:
            return []
        try:
            hub = psutil.Process(self.process.pid)
            return [hub] + hub.children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout=20.0):
        """SIGTERM the Hub (it stops the servers and the proxy), then SIGKILL whatever it
        started and left; ``self.started`` keeps every pid seen, for the caller to check."""
        if self.process is None:
            return
        family = self.processes()
        self.started |= {p.pid for p in family}
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)
        _, alive = psutil.wait_procs(family, timeout=5)
        for process in alive:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=5)

    def survivors(self):
        """Pids this Hub started that still run."""
        return sorted(pid for pid in self.started if psutil.pid_exists(pid)
                      and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info):
        self.stop()


class Student:
    """One simulated student of a :class:`LoopbackHub`: a browser session and an API token."""

    def __init__(self, hub, name):
        self.hub, self.name = hub, name
        self.session = requests.Session()
        self.token = None

    def hub_api(self, method, path, **kwargs):
        """A request to ``/hub/api/<path>`` with the login cookie and its XSRF header."""
        headers = {"X-XSRFToken": self.session.cookies.get("_xsrf", "")}
        response = self.session.request(method, f"{self.hub.url}/hub/api/{path}",
                                        headers=headers, timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def log_in(self):
        """Log in through the Hub's login form (DummyAuthenticator takes any password), then
        make an API token for the single-user server."""
        form = self.session.get(f"{self.hub.url}/hub/login", timeout=30)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text)
        data = {"username": self.name, "password": secrets.token_hex(8)}
        if xsrf:
            data["_xsrf"] = xsrf.group(1)
        reply = self.session.post(f"{self.hub.url}/hub/login?next=", data=data,
                                  allow_redirects=False, timeout=30)
        if reply.status_code != 302:
            raise RuntimeError(f"{self.name}: login answered {reply.status_code}")
        self.token = self.hub_api("POST", f"users/{self.name}/tokens",
                                  json={"note": "class test", "expires_in": 3600})["token"]

    def start_server(self, timeout=60.0):
        """Ask the Hub to start this student's server; return the seconds until it is ready."""
        started = time.monotonic()
        self.hub_api("POST", f"users/{self.name}/server")
        while time.monotonic() - started < timeout:
            server = self.hub_api("GET", f"users/{self.name}")["servers"].get("", {})
            if server.get("ready"):
                return time.monotonic() - started
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}'s server was not ready within {timeout:.0f} s:\n"
                           f"{self.hub.log_tail()}")

    @property
    def server_url(self):
        return f"{self.hub.url}/user/{self.name}"

    def server_api(self, method, path, **kwargs):
        """A request to the single-user server's ``/api/<path>``, with the token."""
        response = requests.request(method, f"{self.server_url}/api/{path}", timeout=60,
                                    headers={"Authorization": f"token {self.token}"}, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def put_file(self, source, name=None):
        """Copy a local notebook or text file into the student's home (contents API)."""
        source = Path(source)
        name = name or source.name
        if source.suffix == ".ipynb":
            import json
            model = {"type": "notebook", "format": "json",
                     "content": json.loads(source.read_text())}
        else:
            model = {"type": "file", "format": "text", "content": source.read_text()}
        self.server_api("PUT", f"contents/{name}", json=model)

    def open_notebook(self, name):
        """Open ``name`` as JupyterLab does (a session, hence a kernel in its folder);
        return the kernel's id."""
        session = self.server_api("POST", "sessions", json={
            "path": name, "name": name, "type": "notebook", "kernel": {"name": "python3"}})
        return session["kernel"]["id"]

    def shut_down(self, kernel_id):
        """End one kernel of this student's server."""
        self.server_api("DELETE", f"kernels/{kernel_id}")

    def server_process(self):
        """This student's single-user server process (psutil), found by its environment."""
        for process in self.hub.processes():
            try:
                if process.environ().get("JUPYTERHUB_USER") == self.name:
                    return process
            except (psutil.AccessDenied, psutil.NoSuchProcess):
                continue
        raise LookupError(f"no single-user server runs for {self.name}")

    def kernel_process(self, kernel_id):
        """The kernel process (psutil) whose connection file names ``kernel_id``."""
        for process in self.server_process().children(recursive=True):
            try:
                if any(kernel_id in part for part in process.cmdline()):
                    return process
            except psutil.NoSuchProcess:
                continue
        raise LookupError(f"no kernel {kernel_id} runs for {self.name}")

    def kernel_url(self, kernel_id):
        """The kernel's websocket address through the proxy."""
        return (self.server_url.replace("http://", "ws://")
                + f"/api/kernels/{kernel_id}/channels")


def require_hub_tools():
    """Return the proxy's path, or None when ``configurable-http-proxy`` is not installed."""
    return shutil.which(PROXY)
