"""A class on a real JupyterHub: three students log in at once and each runs a notebook.

The Hub runs on 127.0.0.1 (``jupyterhub`` with the ``configurable-http-proxy`` npm package,
``DummyAuthenticator``, ``SimpleLocalProcessSpawner``) in a temporary directory. Each student
logs in through the login form, starts a server through the Hub's REST API, puts a notebook and
the notebooks' ``matplotlibrc`` in their home through the contents API (what the nbgitpuller
link of ``deploy/`` does on a real Hub), opens the notebook (a kernel in their home) and runs its
code cells on that kernel over the websocket. Every kernel must finish without an error; the
playground must also render as a Voilà page on a student's server (the app-mode link of
``deploy/``); and nothing the Hub started may still run afterwards.

Without ``configurable-http-proxy`` the test skips with the install command; with ``CI=true``
it fails instead.
"""
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
import requests

import hub as loopback
import remote_kernel

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
CLASS = {"ada": "02_l2.ipynb", "grace": "03_l1.ipynb", "alan": "playground.ipynb"}
"""Three students and the notebook each opens (lessons with dashboards, and the playground)."""
ARTIFACTS = REPO / "tests" / "artifacts" / "hub"


def require_proxy():
    if loopback.require_hub_tools() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and the JupyterHub test cannot run. {loopback.PROXY_HINT}",
                        pytrace=False)
        pytest.skip(loopback.PROXY_HINT)


def attend(student, notebook):
    """One student's whole session: log in, start the server, copy, open and run ``notebook``."""
    student.log_in()
    student.start_server()
    student.put_file(NOTEBOOKS / "matplotlibrc")
    student.put_file(NOTEBOOKS / notebook)
    kernel = student.open_notebook(notebook)
    return remote_kernel.run_notebook(student.kernel_url(kernel), student.token,
                                      NOTEBOOKS / notebook)


@pytest.fixture
def hub(tmp_path):
    require_proxy()
    server = loopback.LoopbackHub(tmp_path)
    try:
        with server:
            yield server
    finally:
        if server.log_path.exists():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(server.log_path, ARTIFACTS / "jupyterhub.log")
        assert server.survivors() == [], "processes the Hub started still run"


def test_three_students_run_their_notebooks_at_once(hub, tmp_path):
    students = [loopback.Student(hub, name) for name in CLASS]
    with ThreadPoolExecutor(len(students)) as pool:
        errors = dict(zip(CLASS, pool.map(attend, students, CLASS.values())))
    assert errors == {name: [] for name in CLASS}
    for name, notebook in CLASS.items():
        assert (hub.homes / name / notebook).exists(), f"{notebook} is not in {name}'s home"

    alan = students[2]
    page = requests.get(f"{alan.server_url}/voila/render/playground.ipynb", timeout=120,
                        headers={"Authorization": f"token {alan.token}"})
    assert page.status_code == 200, page.text[-2000:]
    assert "The nnreg playground" in page.text and "parse_qs" not in page.text

    broken = tmp_path / "broken.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")]), broken)
    ada = students[0]
    ada.put_file(broken)
    found = remote_kernel.run_notebook(ada.kernel_url(ada.open_notebook("broken.ipynb")),
                                       ada.token, broken)
    assert found == [(0, "ZeroDivisionError: division by zero")], "the runner misses errors"
