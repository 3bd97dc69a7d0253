"""docs/performance/render.py: the performance page and its plots are regenerated from the committed benchmark
output (docs/performance/data), every plot is one well-formed SVG, and the committed page is what the
generator makes of that data today (so neither the generator nor the page rots)."""

from __future__ import annotations

import pathlib
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
RENDER = DOCS / "performance" / "render.py"
DATA = DOCS / "performance" / "data"
SVG_NS = "{http://www.w3.org/2000/svg}"


def render(data: pathlib.Path, out: pathlib.Path) -> str:
    run = subprocess.run([sys.executable, str(RENDER), str(data), "--out", str(out)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    return (out / "performance.md").read_text(encoding="utf-8")


def plots_of(page: str) -> list:
    return re.findall(r"!\[[^\]]+\]\(performance/([\w-]+)\.svg\)", page)


def check_svg(path: pathlib.Path) -> ET.Element:
    root = ET.parse(path).getroot()  # raises on malformed XML
    assert root.tag == SVG_NS + "svg", path.name
    assert root.find(SVG_NS + "title") is not None and root.find(SVG_NS + "title").text, path.name
    shapes = [e for e in root.iter() if e.tag in (SVG_NS + "rect", SVG_NS + "circle", SVG_NS + "polyline")]
    assert len(shapes) > 1, f"{path.name} draws nothing"
    return root


def test_committed_data_renders_every_plot(tmp_path):
    page = render(DATA, tmp_path)
    names = plots_of(page)
    # what the committed measurements cover: C against raw and libjwt, the per-language peers, the growth
    # plots (claims, JWKS, token keys) and the thread plots
    for expected in ("c-vs-raw-and-libjwt", "peers-by-language", "python-peers", "claims-size", "claims-ratio", "jwks-size",
                     "token-keys", "token-threads", "token-designs"):
        assert expected in names, expected
    assert len(names) == len(set(names))
    written = sorted(p.stem for p in (tmp_path / "performance").glob("*.svg"))
    assert written == sorted(names), "one SVG per plot on the page, and no other"
    for name in names:
        check_svg(tmp_path / "performance" / f"{name}.svg")
    # the conditions of the measurement are on the page
    assert "measured on 20" in page and "load average" in page
    assert "/work" not in page and "../shared" not in page


def test_committed_page_is_up_to_date(tmp_path):
    page = render(DATA, tmp_path)
    assert (DOCS / "performance.md").read_text(encoding="utf-8") == page, \
        "docs/performance.md differs from what render.py makes of docs/performance/data: rerun " \
        "python3 docs/performance/render.py docs/performance/data"
    for name in plots_of(page):
        committed = DOCS / "performance" / f"{name}.svg"
        assert committed.is_file(), f"{committed.name} is not committed"
        assert committed.read_bytes() == (tmp_path / "performance" / f"{name}.svg").read_bytes(), name
    assert sorted(p.stem for p in (DOCS / "performance").glob("*.svg")) == sorted(plots_of(page))


def test_partial_data_says_what_is_missing(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(DATA / "callgrind_peers.txt", data)
    page = render(data, tmp_path / "out")
    assert plots_of(page) == ["c-vs-raw-and-libjwt", "peers-by-language"]
    assert "Not in this data: Python, Go, Java" in page
    assert "No `bench_token` output" in page
    for name in plots_of(page):
        check_svg(tmp_path / "out" / "performance" / f"{name}.svg")
    # a second rendering into the same folder with less data leaves no stale plot behind
    (data / "callgrind_peers.txt").unlink()
    page = render(data, tmp_path / "out")
    assert plots_of(page) == []
    assert list((tmp_path / "out" / "performance").glob("*.svg")) == []


def test_missing_folder_is_a_usage_error(tmp_path):
    run = subprocess.run([sys.executable, str(RENDER), str(tmp_path / "absent")], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2 and "no folder" in run.stderr


@pytest.mark.parametrize("name", ["seed-apis.md", "token-manager.md", "performance.md"])
def test_docs_point_only_inside_the_repository(name):
    text = (DOCS / name).read_text(encoding="utf-8")
    assert "/work/" not in text and "../shared" not in text and "shared/" not in text
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if "://" in target:
            continue
        assert (DOCS / target).exists(), f"{name} links to {target}, which does not exist"
