"""Copy the projector walk's dashboard screenshots into ``docs/screenshots/`` for the README.

Run ``python -m pytest -m projector`` first: it keeps, for every notebook, each dashboard at
1280x720 (``dashboard<k>.png``) and at 1920x1080 (``dashboard<k>_1920x1080.png``) in
``tests/artifacts/browser/notebook_<name>/``. This copies them as
``<name>_dashboard<k>[_1920x1080].png``, reduced to 256 colours (a screenshot of flat colours
and text looks the same, at about a third of the bytes).

Run: ``python tools/save_screenshots.py``
"""
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[1]
WALK = REPO / "tests" / "artifacts" / "browser"
GALLERY = REPO / "docs" / "screenshots"


def main():
    shots = sorted(WALK.glob("notebook_*/dashboard[0-9].png")) + sorted(
        WALK.glob("notebook_*/dashboard[0-9]_1920x1080.png"))
    if not shots:
        raise SystemExit(f"No screenshots in {WALK.relative_to(REPO)}: run "
                         "`python -m pytest -m projector` first.")
    GALLERY.mkdir(parents=True, exist_ok=True)
    for old in GALLERY.glob("*.png"):
        old.unlink()
    for shot in shots:
        name = f"{shot.parent.name.removeprefix('notebook_')}_{shot.name}"
        with Image.open(shot) as image:
            image.convert("RGB").quantize(256).save(GALLERY / name, optimize=True)
        print(f"{name:50s} {(GALLERY / name).stat().st_size / 1024:6.0f} KB")


if __name__ == "__main__":
    main()
