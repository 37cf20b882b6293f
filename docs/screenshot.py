"""Make docs/graph.png, the README's screenshot of the seed page, in headless Chromium.

The page is written as ``kg build`` writes it (from the build folder's store), opened from a
file, left to settle, and searched for "Mr. Lei", so that the picture shows the search, the
legend with its checkboxes and the side panel with Lei Jun's relations and their sentences.
Needs the test extras (Playwright) and Debian's chromium::

    kg build && python docs/screenshot.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


def screenshot(graph: Path, out: Path, *, query: str, width: int, height: int) -> None:
    """Render the page of ``graph``, open it, search for ``query`` and save a PNG at ``out``."""
    from playwright.sync_api import sync_playwright

    from kg.store import open_graph
    from kg.visualize import write_html

    with tempfile.TemporaryDirectory() as folder:
        page_path = write_html(open_graph(graph), Path(folder) / "graph.html", title="kg: seeds")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("http*://**", lambda route: route.abort())
            page = context.new_page()
            page.goto(page_path.as_uri())
            page.wait_for_function("document.body.dataset.layout === 'settled'")
            page.click("#freeze")  # the picture is of this layout
            page.fill("#search-input", query)
            page.press("#search-input", "Enter")
            page.wait_for_timeout(800)  # the focus animation
            page.mouse.move(1, 1)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
            browser.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "exports", help="a build folder")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "graph.png")
    parser.add_argument("--query", default="Mr. Lei", help="what to search for")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=760)
    args = parser.parse_args(argv)
    if not args.graph.exists():
        sys.exit(f"{args.graph} is missing: run `kg build` first")
    screenshot(args.graph, args.out, query=args.query, width=args.width, height=args.height)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1000:.0f} kB)")


if __name__ == "__main__":
    main()
