"""Drive a notebook in JupyterLab the way a person would, through Playwright.

The page is opened on a :class:`lab_server.LabServer` (started with ``expose_app_in_browser`` so
``window.jupyterapp`` is reachable), cells are run with the app's own ``notebook:run-all-cells``
command, and sliders are moved with the keyboard on their handle.
"""
import time

from lab import CHROMIUM_ARGS
from quiet import computing
from shots import wait_until_settled


def launch_chromium(playwright, executable_path):
    """Launch headless Chromium from ``executable_path`` through a started Playwright instance."""
    return playwright.chromium.launch(executable_path=executable_path, args=CHROMIUM_ARGS,
                                      headless=True)


def open_notebook(page, server, name, timeout_ms=60_000, workspace=None):
    """Open notebook ``name`` (relative to the server's root) and wait until its kernel is idle.

    ``workspace``: a workspace name of its own, so no tab of an earlier page is restored.
    """
    where = f"lab/workspaces/{workspace}/tree/{name}" if workspace else f"lab/tree/{name}"
    page.goto(server.url(getattr(server, "notebook_path", "{where}").format(where=where,
                                                                            name=name)))
    page.wait_for_function(
        """(name) => {
            const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            return widget && widget.context && widget.context.path === name && widget.sessionContext;
        }""", arg=name, timeout=timeout_ms)
    page.evaluate("""async () => {
        const widget = window.jupyterapp.shell.currentWidget;
        await widget.context.ready;
        await widget.sessionContext.ready;
    }""")
    wait_for_idle_kernel(page, timeout_ms)


def attached_cells(page):
    """``(cells in the DOM, cells in the notebook)`` for the current notebook.

    Equal when the ``windowingMode: "none"`` setting took effect (JupyterLab's default windowing
    detaches off-screen cells).
    """
    return tuple(page.evaluate("""() => {
        const notebook = window.jupyterapp.shell.currentWidget.content;
        return [notebook.node.querySelectorAll('.jp-Cell').length, notebook.widgets.length];
    }"""))


def wait_for_idle_kernel(page, timeout_ms=60_000):
    """Wait until the current notebook's kernel reports the status ``idle``."""
    page.wait_for_function("""() => {
        const session = window.jupyterapp.shell.currentWidget.sessionContext.session;
        return session && session.kernel && session.kernel.status === 'idle';
    }""", timeout=timeout_ms)


def run_all_cells(page, timeout_ms=120_000):
    """Clear every output, then run all cells through the app's command; return error outputs.

    Returns:
        A list of ``"ename: evalue"`` strings, one per error output; empty when all cells ran.
    The cells run while holding :func:`quiet.computing` (no other test process times an answer
    meanwhile).
    """
    with computing():
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        page.evaluate("async () => await window.jupyterapp.commands"
                      ".execute('notebook:run-all-cells')")
        wait_for_idle_kernel(page, timeout_ms)
    return page.evaluate("""() => {
        const errors = [];
        for (const cell of window.jupyterapp.shell.currentWidget.content.widgets) {
            if (cell.model.type !== 'code') continue;
            const outputs = cell.model.outputs;
            for (let i = 0; i < outputs.length; i++) {
                const output = outputs.get(i).toJSON();
                if (output.output_type === 'error') errors.push(`${output.ename}: ${output.evalue}`);
            }
        }
        return errors;
    }""")


def slider_labels(page):
    """The label text of every ipywidgets slider on the page, in page order."""
    return page.locator(".widget-slider .widget-label").all_inner_texts()


def output_with_slider(page, label_pattern, timeout_ms=60_000):
    """The first cell output area holding a slider whose label matches ``label_pattern``.

    Args:
        page: the Playwright page showing the notebook.
        label_pattern: a compiled regular expression searched in the slider's label.
        timeout_ms: how long to wait for the widget to render.

    Raises:
        AssertionError: no such slider rendered in time; the message lists the labels that exist.
    """
    label = page.locator(".widget-slider .widget-label", has_text=label_pattern)
    output = page.locator(".jp-OutputArea-output", has=label).first
    try:
        output.wait_for(state="visible", timeout=timeout_ms)
    except Exception as error:  # Playwright's TimeoutError
        raise AssertionError(f"no slider labelled like {label_pattern.pattern!r} rendered; "
                             f"slider labels on the page: {slider_labels(page)}") from error
    return output


def slider_in(output, label_pattern):
    """The first slider in ``output`` whose label matches ``label_pattern``."""
    label = output.page.locator(".widget-label", has_text=label_pattern)
    return output.locator(".widget-slider", has=label).first


def figure_in(output, selector=".jupyter-matplotlib-canvas-div", timeout_ms=60_000):
    """The first visible figure element matching ``selector`` in ``output``, once there is one."""
    figure = output.locator(f"{selector} >> visible=true").first
    figure.wait_for(state="visible", timeout=timeout_ms)
    return figure


def slider_readout(slider):
    """The number shown in a slider's readout box (the widget's current value)."""
    return float(slider.locator(".widget-readout").inner_text().strip())


def press_slider_until(slider, reached, key="ArrowRight", max_presses=60):
    """Focus the slider's handle and press ``key`` until ``reached(readout)`` holds.

    Args:
        slider: the slider's locator.
        reached: a predicate on the slider's readout (a float), checked after each press.
        key: the key a keyboard user would press.
        max_presses: give up after this many presses.

    Returns:
        The number of presses made.

    Raises:
        AssertionError: ``reached`` still fails after ``max_presses`` presses.
    """
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    for presses in range(1, max_presses + 1):
        handle.press(key)
        if reached(slider_readout(slider)):
            return presses
    raise AssertionError(f"after {max_presses} presses of {key} the slider reads "
                         f"{slider_readout(slider)}")


def progress_complete(output):
    """Whether every ipywidgets progress bar in ``output`` is full (True when there is none)."""
    return output.evaluate("""(element) => [...element.querySelectorAll('.progress .progress-bar')]
        .every((bar) => parseFloat(bar.closest('.widget-vprogress') ? bar.style.height
                                                                    : bar.style.width) >= 100)""")


def wait_until_finished(output, figure, timeout_s=90.0, poll_s=0.25):
    """Wait until the progress bars in ``output`` are full and ``figure`` has stopped changing.

    A dashboard that animates training redraws its figure for a while after a control moves:
    its screenshot is only comparable once the run is over.

    Returns:
        The settled screenshot of ``figure`` (PNG bytes).

    Raises:
        AssertionError: not finished within ``timeout_s`` seconds.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if progress_complete(output):
            shot = wait_until_settled(figure, timeout_s=max(1.0, deadline - time.monotonic()))
            if progress_complete(output):
                return shot
        time.sleep(poll_s)
    raise AssertionError(f"the progress bars did not fill within {timeout_s:.0f} s")


def kernel_execute(page, code, timeout_ms=60_000):
    """Run ``code`` in the current notebook's kernel (not in a cell) and wait until it is done.

    Raises:
        AssertionError: the code raised; the message gives the kernel's ``ename: evalue``.
    """
    reply = page.evaluate("""async (code) => {
        const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        const reply = await kernel.requestExecute({code, store_history: false}).done;
        return {status: reply.content.status, error: `${reply.content.ename}: ${reply.content.evalue}`};
    }""", code)
    wait_for_idle_kernel(page, timeout_ms)
    assert reply["status"] == "ok", f"the kernel raised {reply['error']} running {code!r}"


def canvas_png(figure):
    """The pixels ipympl drew into ``figure``'s canvas, as PNG bytes, read from the canvas itself.

    A screenshot resamples the canvas wherever the page places it at a fractional pixel (a
    paragraph above it of another height is enough); the canvas's own buffer does not.
    """
    from base64 import b64decode

    url = figure.locator("canvas").first.evaluate("(canvas) => canvas.toDataURL('image/png')")
    return b64decode(url.split(",", 1)[1])


def superseded_frame(request):
    """Whether a failed request is a live figure's frame that a newer frame replaced before it
    loaded: ipympl shows each frame through a ``blob:`` URL on one image, and pointing the image
    at the next frame aborts the one still loading (that frame is simply never painted)."""
    return request.url.startswith("blob:") and request.failure == "net::ERR_ABORTED"
