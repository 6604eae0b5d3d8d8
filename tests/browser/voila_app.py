"""Voilà for a browser test: a server that always shuts down, and what a page may load.

- :class:`VoilaServer`: ``voila`` from pytest's own Python on ``127.0.0.1`` and a free port,
  started in the repository (so it reads the repository's ``voila.json``), with the private
  Jupyter directories of :class:`lab.LabServer`.
- :func:`watch_page`: records a page's console errors, uncaught exceptions and failed
  requests; requests that leave this machine are answered empty and recorded apart.

(Not named ``voila.py``: the test directory is on ``sys.path`` and would hide the package.)
"""
import sys
from pathlib import Path
from urllib.parse import urlsplit

from lab import LabServer
from page import superseded_frame

REPO = Path(__file__).resolve().parents[2]
READY_PATH = "voila/static/voila.js"
"""A static file every Voilà serves: answering it means the server is up (no kernel started)."""

THIRD_PARTY_STYLESHEETS = (
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@%5E5/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@%5E5/css/v4-shims.min.css",
)
"""The only outside requests a page may make: Voilà's lab template links Font Awesome from a CDN
(icons only; the dashboards' buttons are labelled with text). A test answers them empty."""



class VoilaServer(LabServer):
    """``voila TARGET`` (a notebook, or a folder of them) on 127.0.0.1; a context manager.

    Args:
        target: the notebook or folder to serve.
        work_dir: a private directory for Jupyter settings, runtime files and the log.
        extra_args: more command-line options, e.g. ``["--show_tracebacks=True"]``.
    """

    def __init__(self, target, work_dir, extra_args=(), startup_timeout=60.0):
        super().__init__(Path(target).parent, work_dir, startup_timeout)
        self.target = Path(target)
        self.extra_args = list(extra_args)
        self.log_path = self.work_dir / "voila.log"

    def url(self, path="", query=""):
        """The address of ``path`` on this server, with ``query`` (no ``?``) when given."""
        return f"{self.base_url}/{path.lstrip('/')}" + (f"?{query}" if query else "")

    name = "voila"
    ready_path = READY_PATH
    cwd = REPO

    def command(self):
        """``python -m voila TARGET`` without a browser, on this port only."""
        return [sys.executable, "-m", "voila", str(self.target), "--no-browser",
                "--Voila.ip=127.0.0.1", f"--port={self.port}", "--Voila.port_retries=0",
                *self.extra_args]


def is_local(url):
    """Whether ``url`` points at this machine (or is a data/blob URL)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or parts.hostname in ("127.0.0.1", "localhost", "::1")


def watch_page(page):
    """Record what goes wrong on ``page``; returns a dict of lists filled as the page runs.

    Keys: ``console_errors``, ``page_errors``, ``failed_requests`` (local requests that failed
    or answered 400 or more) and ``outside_requests`` (every request leaving this machine; each
    is answered with an empty body so that nothing waits for a network the test must not use).
    """
    seen = {"console_errors": [], "page_errors": [], "failed_requests": [],
            "outside_requests": []}

    def outside(route):
        seen["outside_requests"].append(route.request.url)
        route.fulfill(status=200, body="", content_type="text/css")

    page.route(lambda url: not is_local(url), outside)
    page.on("console", lambda message: message.type == "error"
            and seen["console_errors"].append(message.text))
    page.on("pageerror", lambda error: seen["page_errors"].append(str(error)))
    page.on("requestfailed", lambda request: superseded_frame(request) or seen[
        "failed_requests"].append(f"{request.url}: {request.failure}"))
    page.on("response", lambda response: response.status >= 400 and seen[
        "failed_requests"].append(f"{response.url}: HTTP {response.status}"))
    return seen


PROBLEM_KINDS = ("console_errors", "page_errors", "failed_requests")


def unexpected(seen):
    """The problems in a :func:`watch_page` record: everything but the allowed stylesheets."""
    problems = {kind: list(seen[kind]) for kind in PROBLEM_KINDS}
    problems["outside_requests"] = [url for url in seen["outside_requests"]
                                    if url not in THIRD_PARTY_STYLESHEETS]
    return {kind: found for kind, found in problems.items() if found}
