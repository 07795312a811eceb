"""The dashboard in a real browser: `streamlit run` against the built warehouse, every
page opened in headless Chromium (Python playwright), a screenshot per page saved to
artifacts/screenshots/, and a failure on an error box or an empty page.

Needs /usr/bin/chromium (CI: `apt-get install -y chromium`); never `playwright install`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app import i18n
from orchestration.settings import REPO_ROOT

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# (url path, title key, whether the page always draws a chart on the demo warehouse)
PAGES = [
    ("", "page.pyramid", True),  # the default page lives at the root
    ("relatiesoorten", "page.kinds", True),
    ("abc-analyse", "page.abc", True),
    ("klantwaardering", "page.scoring", True),
    ("serviceniveaus", "page.service", True),
    ("bezoekplanning", "page.visits", True),
    ("datakwaliteit", "page.dq", False),
]
SCREENSHOT_NAMES = {"": "klantenpiramide"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(built_warehouse, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    env = {**os.environ, "PYRAMID_WAREHOUSE": str(built_warehouse)}
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app/streamlit_app.py",
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # Warm-up: st.navigation registers the pages in the first script run, so the very
        # first session after a server start that deep-links a page gets a "Page not
        # found" notice before the page shows. Open the root once, as a user would.
        warm_up = chromium.new_page()
        warm_up.goto(server)
        wait_until_rendered(warm_up, i18n.t("page.pyramid", "nl"), True)
        warm_up.close()
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2200}, locale="nl-NL")
    tab = context.new_page()
    yield tab
    context.close()


def wait_until_rendered(tab, title: str, expect_chart: bool) -> None:
    tab.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=60_000)
    tab.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60_000)
    if expect_chart:
        tab.wait_for_selector('[data-testid="stVegaLiteChart"]', state="attached", timeout=30_000)
    # Streamlit shows its running indicator while the script runs; wait until it is gone,
    # then give Vega a moment to draw.
    tab.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    if expect_chart:
        tab.wait_for_selector(
            '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg',
            timeout=30_000,
        )
    tab.wait_for_timeout(800)


def assert_healthy(tab, name: str) -> None:
    exceptions = tab.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{name}: {exceptions.first.inner_text()[:2000]}"
    errors = tab.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"{name}: {errors.first.inner_text()[:2000]}"
    assert tab.get_by_text("Page not found").count() == 0, f"{name}: page not found"
    main = tab.locator('[data-testid="stMain"]').inner_text()
    assert len(main.strip()) > 200, f"{name}: the page is (nearly) empty: {main!r}"


@pytest.mark.parametrize(("path", "title_key", "expect_chart"), PAGES)
def test_page_renders_in_the_browser(server, page, path, title_key, expect_chart):
    name = SCREENSHOT_NAMES.get(path, path)
    title = i18n.t(title_key, "nl")
    page.goto(f"{server}/{path}")
    wait_until_rendered(page, title, expect_chart)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert_healthy(page, name)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert i18n.t("fresh.caption", "nl").split("**")[0].strip() in main  # "Peildatum"
    if expect_chart:
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        assert charts.count() >= 1
        box = charts.first.bounding_box()
        assert box and box["height"] > 100 and box["width"] > 100, f"{name}: chart not drawn"


def test_navigation_links_and_english(server, page):
    page.goto(server)
    wait_until_rendered(page, i18n.t("page.pyramid", "nl"), True)
    links = page.locator('[data-testid="stSidebarNav"] a')
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs[1:]] == [p for p, *_ in PAGES[1:]]

    page.get_by_text("English").click()
    wait_until_rendered(page, i18n.t("page.pyramid", "en"), True)
    assert_healthy(page, "klantenpiramide-en")
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Large" in main and "Share of revenue" in main
    assert "Customer rating" in page.locator('[data-testid="stSidebarNav"]').inner_text()
    page.screenshot(path=str(SCREENSHOTS / "klantenpiramide-en.png"), full_page=True)

    # the language holds on another page
    page.locator('[data-testid="stSidebarNav"] a').nth(2).click()
    wait_until_rendered(page, i18n.t("page.abc", "en"), True)
    assert_healthy(page, "abc-analyse-en")
    page.screenshot(path=str(SCREENSHOTS / "abc-analyse-en.png"), full_page=True)


def test_clicking_a_pyramid_layer_lists_its_relations(server, page):
    page.goto(server)
    wait_until_rendered(page, i18n.t("page.pyramid", "nl"), True)
    drawing = page.locator('[data-testid="stVegaLiteChart"]').first.locator("canvas, svg").first
    box = drawing.bounding_box()
    # The pyramid's x axis runs from -7 to 7 * 2.3 with the layers centred on 0, seven
    # layers top down: click the centre of the second one ("Groot").
    centre = 7 / (7 + 7 * 2.3)
    page.mouse.click(box["x"] + box["width"] * centre, box["y"] + box["height"] * 1.5 / 7)
    heading = i18n.t("pyr.list.title", "nl", level=i18n.label("pyramid_level", "large", "nl"))
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=30_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    assert_healthy(page, "klantenpiramide-click")
