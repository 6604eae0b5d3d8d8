"""A class on JupyterHub: spawn time, memory per student, CPU time per notebook.

Starts the loopback JupyterHub of ``tests/deploy/hub.py`` (``jupyterhub`` with
``configurable-http-proxy``, ``DummyAuthenticator``, ``SimpleLocalProcessSpawner``, all on
127.0.0.1), then:

1. ``--students`` students log in at once and start their servers: the seconds from the spawn
   request to a ready server, each;
2. one student opens every notebook in turn (a fresh kernel each, as "Restart & Run All") and
   runs all its cells, dashboards included: the kernel's peak resident memory (``VmHWM``) and
   its CPU time (user + system), and the idle single-user server's resident memory.

From these it prints what a machine for ``--class-size`` students needs. Memory is the firm
figure (every student holds a server and a kernel); CPU depends on how many run a notebook at
the same moment, so it is given for a share of the class at once.

Run: ``python benchmarks/bench_hub.py [--students 3] [--class-size 100] [notebook.ipynb …]``
"""
import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "deploy"))

import hub as loopback  # noqa: E402
import remote_kernel  # noqa: E402

NOTEBOOKS = REPO / "notebooks"
MB = 1024 ** 2


def peak_rss(process):
    """Peak resident memory of a live process in bytes (Linux ``VmHWM``)."""
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return process.memory_info().rss


def arrive(student):
    """Log in and start the server; return the spawn seconds."""
    student.log_in()
    return student.start_server()


def run_measured(student, notebook):
    """Run one notebook on a fresh kernel; return ``(peak RSS, CPU seconds, wall seconds)``."""
    student.put_file(notebook)
    kernel_id = student.open_notebook(notebook.name)
    kernel = student.kernel_process(kernel_id)
    start = time.perf_counter()
    errors = remote_kernel.run_notebook(student.kernel_url(kernel_id), student.token, notebook)
    wall = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{notebook.name} raised on the Hub: {errors}")
    cpu = kernel.cpu_times()
    peak = peak_rss(kernel)
    student.shut_down(kernel_id)
    return peak, cpu.user + cpu.system, wall


def needs(server_mb, kernel_mb, cpu_s, class_size):
    """Lines of what a machine for ``class_size`` students needs, from the measured figures."""
    per_student = server_mb + kernel_mb
    memory_gb = class_size * per_student / 1024
    lines = [f"memory: {class_size} × ({server_mb:.0f} MB server + {kernel_mb:.0f} MB kernel) "
             f"= {memory_gb:.1f} GB, plus about 1 GB for the Hub, proxy and system"]
    for share in (0.1, 0.25, 1.0):
        at_once = max(1, round(share * class_size))
        for cores in (4, 8, 16):
            wait = cpu_s * max(1.0, at_once / cores)   # one kernel uses one core at most
            lines.append(f"cpu: {at_once:3d} students running a notebook at once on {cores:2d} "
                         f"cores: each waits about {wait:5.1f} s (alone: {cpu_s:.1f} s)")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--students", type=int, default=3)
    parser.add_argument("--class-size", type=int, default=100)
    args = parser.parse_args()
    notebooks = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    if loopback.require_hub_tools() is None:
        sys.exit(loopback.PROXY_HINT)
    with tempfile.TemporaryDirectory() as work, loopback.LoopbackHub(work) as hub:
        students = [loopback.Student(hub, f"student{i}") for i in range(args.students)]
        with ThreadPoolExecutor(len(students)) as pool:
            spawns = list(pool.map(arrive, students))
        print(f"spawn, {len(students)} students at once: "
              + ", ".join(f"{s:.1f}" for s in spawns) + f" s (median {statistics.median(spawns):.1f} s)")
        first = students[0]
        first.put_file(NOTEBOOKS / "matplotlibrc")
        server_mb = first.server_process().memory_info().rss / MB
        start_cpu = [sum(s.server_process().cpu_times()[:2]) for s in students]
        print(f"single-user server, idle: {server_mb:.0f} MB resident; CPU to start: "
              + ", ".join(f"{c:.1f}" for c in start_cpu) + " s")
        print(f"{'notebook':28s} {'kernel peak MB':>15s} {'CPU s':>7s} {'wall s':>7s}")
        rows = []
        for notebook in notebooks:
            peak, cpu, wall = run_measured(first, notebook)
            rows.append((peak / MB, cpu))
            print(f"{notebook.name:28s} {peak / MB:15.0f} {cpu:7.1f} {wall:7.1f}")
        kernel_mb = max(mb for mb, _ in rows)
        cpu_s = statistics.median(cpu for _, cpu in rows)
        print(f"per student (server + largest kernel): {server_mb + kernel_mb:.0f} MB; "
              f"CPU per notebook: median {cpu_s:.1f} s, max {max(c for _, c in rows):.1f} s")
        for line in needs(server_mb, kernel_mb, cpu_s, args.class_size):
            print(line)
    print(f"processes left running: {len(hub.survivors())}")


if __name__ == "__main__":
    main()
