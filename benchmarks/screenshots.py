"""Regenerate the README's screenshots: the seed page (``docs/graph.png``) and the ``kg serve``
page (``docs/serve.png``), in headless Chromium.

One command, from the repository root (needs the test extras, for Playwright, and Debian's
chromium)::

    python benchmarks/screenshots.py

It builds the seeds with ``kg build seeds --out TMP`` (a temporary build folder, so
``exports/`` is left alone), opens ``TMP/graph.html`` from disk, searches "Mr. Lei" and saves
the page with Lei Jun's panel; then starts ``kg serve --graph TMP`` on a free port, saves its
root page once loaded (with the example query run and Xiaomi opened, when it offers them),
and stops the server.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from _common import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg"]


def build(corpus: Path, out: Path) -> None:
    """``kg build CORPUS --out OUT``, as a user runs it."""
    done = subprocess.run(
        [*KG, "build", str(corpus), "--out", str(out)],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"kg build failed:\n{done.stderr}")


def graph_page(
    browser: Any, page_path: Path, out: Path, *, query: str, size: tuple[int, int]
) -> None:
    """The page opened from disk, settled, frozen, with ``query`` searched."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.route("http*://**", lambda route: route.abort())  # it must need nothing online
    page = context.new_page()
    page.goto(page_path.as_uri())
    page.wait_for_function("document.body.dataset.layout === 'settled'", timeout=60_000)
    page.click("#freeze")  # the picture is of this layout
    page.fill("#search-input", query)
    page.press("#search-input", "Enter")
    page.wait_for_timeout(800)  # the focus animation
    page.mouse.move(1, 1)
    page.screenshot(path=str(out))
    context.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, server: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"kg serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"kg serve did not answer at {url} within {timeout_s:.0f} s")


def serve_page(
    browser: Any, build_folder: Path, out: Path, *, size: tuple[int, int], entity_name: str
) -> None:
    """``kg serve --graph BUILD`` on a free port: its root page once loaded (the example query
    run and ``entity_name`` opened, when the page offers them); then stopped."""
    from playwright.sync_api import Error as PlaywrightError

    port = _free_port()
    command = [*KG, "serve", "--graph", str(build_folder), "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        url = f"http://localhost:{port}/"
        _wait_until_up(url, server)
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        run = page.get_by_role("button", name="Run")
        if run.count() == 1:  # the example query's results, when the page has one to run
            run.click()
            entity = page.locator(f"table a:text-is('{entity_name}')")
            try:  # and an entity's view, when the results link to one
                entity.first.wait_for(timeout=10_000)
            except PlaywrightError:
                pass
            else:
                entity.first.click()
                page.wait_for_load_state("networkidle")
        page.wait_for_timeout(800)
        page.screenshot(path=str(out))
        context.close()
    finally:
        server.terminate()  # SIGTERM: kg serve stops as on Ctrl-C
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds", help="what to build")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="where the PNGs go")
    parser.add_argument("--query", default="Mr. Lei", help="what the graph page searches for")
    parser.add_argument("--entity", default="Xiaomi", help="what the serve page opens")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=760)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    size = (args.width, args.height)
    args.docs.mkdir(parents=True, exist_ok=True)
    written = [args.docs / "graph.png", args.docs / "serve.png"]
    with tempfile.TemporaryDirectory() as folder:
        build_folder = Path(folder) / "build"
        build(args.corpus, build_folder)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                graph_page(
                    browser, build_folder / "graph.html", written[0], query=args.query, size=size
                )
                serve_page(browser, build_folder, written[1], size=size, entity_name=args.entity)
            finally:
                browser.close()
    for path in written:
        print(
            f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
            f" ({path.stat().st_size / 1000:.0f} kB)"
        )


if __name__ == "__main__":
    main()
