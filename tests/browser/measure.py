"""What a class sees, measured in the page: overflow, static figures' text size, keyboard reach.

- :data:`FIGURE_RECORDER`: kernel code that records, for every static figure the inline backend
  shows and every dashboard snapshot, its PNG width and its smallest tick label (points; at the
  figure's dpi);
- :func:`static_figures`: each shown PNG's natural and displayed width, in page order;
- :func:`smallest_tick_pixels`: both combined, the tick label size in screen pixels;
- :func:`overflowing`: output areas (and widget boxes in them) wider than their room;
- :func:`walk_with_tab`: which of an output's controls the Tab key reaches.
"""

FIGURE_RECORDER = """\
import base64 as _b64, io as _io, json as _json
import matplotlib.pyplot as _plt
from PIL import Image as _Image

def _nnreg_write(path, png, figures):
    width = _Image.open(_io.BytesIO(png)).size[0]
    sizes = [label.get_fontsize() for fig in figures for ax in fig.axes
             for label in ax.get_xticklabels() + ax.get_yticklabels()
             if label.get_visible() and label.get_text()]
    with open(path, "a") as out:
        out.write(_json.dumps({"png_width": width, "dpi": figures[0].dpi,
                               "smallest_tick_pt": min(sizes, default=None)}) + "\\n")

def _nnreg_record(path):
    # IPython's figure printer, wrapped where the PNG formatter looks it up each time it is
    # registered: a notebook's `%config InlineBackend...` registers the formatter again.
    import IPython.core.pylabtools as pylabtools
    original = pylabtools.print_figure

    def print_figure(fig, fmt="png", *args, **kwargs):
        shown = original(fig, fmt, *args, **kwargs)
        if shown and fmt == "png":
            _nnreg_write(path, _b64.b64decode(shown) if isinstance(shown, str) else shown, [fig])
        return shown

    pylabtools.print_figure = print_figure

def _nnreg_record_snapshots(path):
    from nnreg_core.display import Comparison, Dashboard
    for cls, figures in ((Dashboard, lambda d: [d.figure]),
                         (Comparison, lambda c: [c.left.figure, c.right.figure])):
        def snapshot(self, _original=cls.snapshot, _figures=figures):
            image = _original(self)
            _nnreg_write(path, image.data, _figures(self))
            return image
        cls.snapshot = snapshot

_nnreg_record(RECORDS_PATH)
get_ipython().run_line_magic("matplotlib", "inline")  # registers the PNG printer of figures
_nnreg_record_snapshots(RECORDS_PATH)
"""
"""Kernel code wrapping IPython's figure printer (the ``image/png`` formatter of figures calls
it, however often a notebook's ``%config`` registers that formatter again) and the dashboards'
``snapshot``:
each shown figure or snapshot appends one JSON line ``{png_width, dpi, smallest_tick_pt}`` to
the file ``RECORDS_PATH`` (replace the
name with the path's repr: :func:`figure_recorder`). Run it before the cells."""


def figure_recorder(path):
    """:data:`FIGURE_RECORDER` writing to ``path``."""
    return FIGURE_RECORDER.replace("RECORDS_PATH", repr(str(path)))


def static_figures(page):
    """Every static image output in the notebook, in page order: ``{natural, shown}`` widths."""
    return page.evaluate("""() => [...window.jupyterapp.shell.currentWidget.content.node
            .querySelectorAll('.jp-OutputArea-output[data-mime-type="image/png"] img')]
        .map((img) => ({natural: img.naturalWidth, shown: img.getBoundingClientRect().width}))""")


def smallest_tick_pixels(records, shown):
    """Per static figure: its smallest tick label in screen pixels.

    ``pixels = points · dpi / 72 · scale``, with ``scale = shown width / PNG width`` (the browser
    shrinks a figure wider than its output area).

    >>> smallest_tick_pixels([{"png_width": 1000, "dpi": 72, "smallest_tick_pt": 14}],
    ...                      [{"natural": 1000, "shown": 500}])
    [{'png_width': 1000, 'shown_width': 500, 'scale': 0.5, 'tick_pt': 14, 'tick_px': 7.0}]
    """
    rows = []
    for record, image in zip(records, shown):
        scale = min(1.0, image["shown"] / image["natural"]) if image["natural"] else 0.0
        points = record["smallest_tick_pt"]
        pixels = None if points is None else round(points * record["dpi"] / 72 * scale, 1)
        rows.append({"png_width": record["png_width"], "shown_width": round(image["shown"]),
                     "scale": round(scale, 3), "tick_pt": points, "tick_px": pixels})
    return rows


def overflowing(page):
    """Output areas, and widget boxes or figures inside them, whose content is wider than their
    box (``scrollWidth > clientWidth``): a list of ``{cell, what, scroll, client}``."""
    return page.evaluate("""() => {
        const found = [];
        const notebook = window.jupyterapp.shell.currentWidget.content.node;
        const cells = [...notebook.querySelectorAll('.jp-Cell')];
        cells.forEach((cell, index) => {
            for (const element of cell.querySelectorAll(
                    '.jp-OutputArea-output, .jp-OutputArea-output .widget-box, '
                    + '.jp-OutputArea-output .jupyter-matplotlib')) {
                if (element.scrollWidth > element.clientWidth + 1) {
                    found.push({cell: index, what: element.className.split(' ')[0],
                                scroll: element.scrollWidth, client: element.clientWidth});
                }
            }
        });
        return found;
    }""")


FOCUSABLE = ("input:not([type=hidden]):not([disabled]), select:not([disabled]), "
             "button:not([disabled]), textarea:not([disabled]), .noUi-handle, "
             "[contenteditable=true], [tabindex]:not([tabindex='-1'])")


def walk_with_tab(page, output, max_presses=80):
    """Tab from just before ``output``'s first control through all of them.

    Every visible focusable element in ``output`` is numbered first (``data-nnreg-control``),
    except the figures: their toolbar's buttons (pan and zoom, mouse tools of the canvas) and
    the canvas itself, which has no keyboard function here and keeps the focus once Tab reaches
    it (ipympl takes every key for matplotlib), so every control must come before it; then the
    first is focused and Tab is pressed until every control was reached, focus is lost (on the
    page's body) or it enters a cell's editor (where Tab would indent code).

    Returns:
        ``(controls, reached, last)``: ``{number: description}`` of every control, the numbers
        the Tab key reached, in order, and where focus was when the walk ended.
    """
    controls = output.evaluate("""(root, selector) => {
        const found = {};
        [...root.querySelectorAll(selector)]
            .filter((el) => el.offsetParent !== null && !el.closest('[disabled]')
                    && !el.closest('.jupyter-matplotlib-toolbar')
                    && !el.matches('.jupyter-matplotlib-canvas-div'))
            .forEach((el, i) => {
                el.setAttribute('data-nnreg-control', String(i));
                const box = el.closest('.widget-inline-hbox, .widget-button, .widget-checkbox')
                    || el;
                found[i] = `${el.tagName.toLowerCase()} ${(box.innerText || el.title
                    || el.getAttribute('aria-label') || '').trim().slice(0, 40)}`;
            });
        return found;
    }""", FOCUSABLE)
    if not controls:
        return {}, [], None
    output.locator("[data-nnreg-control='0']").focus()
    reached = []
    for _ in range(max_presses):
        number = output.evaluate("""(root) => {
            const el = document.activeElement;
            if (!el || el === document.body || el.closest('.jp-InputArea, .cm-editor')) {
                return 'done';
            }
            return root.contains(el) && el.hasAttribute('data-nnreg-control')
                ? Number(el.getAttribute('data-nnreg-control')) : null;
        }""")
        if number == "done" or len(reached) == len(controls):
            break
        if number is not None and number not in reached:
            reached.append(number)
        page.keyboard.press("Tab")
    last = page.evaluate("""() => { const el = document.activeElement;
        return el ? `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}` : null; }""")
    return {int(k): v for k, v in controls.items()}, reached, last
