"""The dashboard in a real browser: served as `make app` serves it, on the built warehouse,
every page opened in headless Chromium (Python playwright), a screenshot per page saved to
artifacts/screenshots/, and a failure on an error box or an empty page.

Needs /usr/bin/chromium (CI: `apt-get install -y chromium`); never `playwright install`.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from app import i18n, sessions, users
from orchestration.decisions import store
from orchestration.settings import REPO_ROOT
from tests.harness import dashboard_server

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
    ("beoordeling", "page.review", True),
    ("naleving", "page.compliance", True),
    ("campagnes", "page.campaigns", True),
    ("bezoekplanning", "page.visits", True),
    ("datakwaliteit", "page.dq", False),
    ("historie", "page.history", True),
    ("wat-als", "page.whatif", True),  # managers only, appended last; open mode counts as one
]
SCREENSHOT_NAMES = {"": "klantenpiramide"}


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(chromium, built_warehouse, tmp_path_factory):
    """Open mode (no users file), started the way `make app` starts it."""
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    env = {
        "PYRAMID_WAREHOUSE": str(built_warehouse),
        users.USERS_FILE_ENV: "",
        # the review page reads the decisions store: this server's own
        "PYRAMID_DECISIONS": str(log.parent / "decisions.sqlite"),
    }
    with dashboard_server(env, log) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium, server):
    # Warm-up: st.navigation registers the pages in the first script run, so the very
    # first session after a server start that deep-links a page gets a "Page not
    # found" notice before the page shows. Open the root once, as a user would.
    warm_up = chromium.new_page()
    warm_up.goto(server)
    wait_until_rendered(warm_up, i18n.t("page.pyramid", "nl"), True)
    warm_up.close()
    return chromium


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
    # Served to users: no developer toolbar, even on localhost.
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
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


def test_a_salesperson_calendar_and_its_ics_download(server, page, built_warehouse):
    """One salesperson chosen: the week calendar is drawn and the .ics the browser
    downloads parses with icalendar, one event per planned visit on its planned date."""
    import icalendar

    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        salesperson, name = con.execute(
            "select salesperson_id, any_value(salesperson_name) from marts.visit_plan "
            "group by 1 order by count(*) desc, 1 limit 1"
        ).fetchone()
        planned = dict(
            con.execute(
                "select relation_id, planned_date from marts.visit_plan "
                "where salesperson_id = ? and week_start is not null",
                [salesperson],
            ).fetchall()
        )
    page.goto(f"{server}/bezoekplanning")
    wait_until_rendered(page, i18n.t("page.visits", "nl"), True)
    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=f"{name} ({salesperson})").click()
    page.get_by_role("heading", name=i18n.t("visit.calendar", "nl"), exact=True).wait_for(
        timeout=30_000
    )
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    page.wait_for_timeout(800)
    assert_healthy(page, "bezoekplanning-verkoper")
    page.screenshot(path=str(SCREENSHOTS / "bezoekplanning-verkoper.png"), full_page=True)
    calendar = page.locator('[data-testid="stVegaLiteChart"]').nth(1)
    box = calendar.bounding_box()
    assert box and box["height"] > 200, "the calendar is not drawn"

    with page.expect_download() as download:
        page.get_by_role("button", name=i18n.t("download.ics", "nl")).click()
    path = download.value.path()
    assert download.value.suggested_filename == f"bezoekplan_{salesperson}.ics"
    events = icalendar.Calendar.from_ical(Path(path).read_bytes()).walk("VEVENT")
    assert len(events) == len(planned)
    for event in events:
        relation_id = str(event["UID"]).split("@")[0].split("-")[-1]
        assert event["DTSTART"].dt == planned[relation_id]


# --- a login that survives a reload (app/sessions.py, app/asgi.py) -----------------------
PASSWORD = "anna-manager-pw"
IDLE_SECONDS = 15  # PYRAMID_SESSION_IDLE_MINUTES for this server: 0.25


@pytest.fixture(scope="module")
def login_server(chromium, built_warehouse, tmp_path_factory):
    """A server with one manager in its users file and a 15-second idle timeout."""
    workdir = tmp_path_factory.mktemp("login")
    users_file = workdir / "users.toml"
    anna = users.User("anna", users.MANAGER, None, users.hash_password(PASSWORD))
    users.save_users(users_file, {"anna": anna})
    env = {
        "PYRAMID_WAREHOUSE": str(built_warehouse),
        users.USERS_FILE_ENV: str(users_file),
        "PYRAMID_APP_ADDRESS": "127.0.0.1",
        sessions.IDLE_MINUTES_ENV: str(IDLE_SECONDS / 60),
    }
    with dashboard_server(env, workdir / "streamlit.log") as url:
        yield url


@pytest.fixture
def visitor(chromium):
    """A browser profile of its own: its own cookies."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1400}, locale="nl-NL")
    yield context
    context.close()


def session_cookie(context, timeout: float = 30) -> dict | None:
    """The session cookie once the page has fetched it (it is set asynchronously)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == sessions.COOKIE_NAME]
        if found:
            return found[0]
        time.sleep(0.2)
    return None


def shows_login(tab) -> bool:
    wait_until_rendered(tab, i18n.t("auth.title", "nl"), False)
    return tab.locator('input[type="password"]').count() == 1


def shows_dashboard(tab) -> bool:
    wait_until_rendered(tab, i18n.t("page.pyramid", "nl"), True)
    sidebar = tab.locator('[data-testid="stSidebar"]').inner_text()
    return "anna" in sidebar and i18n.t("auth.logout", "nl") in sidebar


def log_in(tab, url: str) -> None:
    tab.goto(url)
    assert shows_login(tab)
    tab.locator(f'input[aria-label="{i18n.t("auth.username", "nl")}"]').fill("anna")
    tab.locator(f'input[aria-label="{i18n.t("auth.password", "nl")}"]').fill(PASSWORD)
    tab.get_by_role("button", name=i18n.t("auth.submit", "nl")).click()
    assert shows_dashboard(tab)


def test_a_login_survives_a_reload_and_a_new_tab_until_logout(login_server, visitor, chromium):
    tab = visitor.new_page()
    log_in(tab, login_server)
    cookie = session_cookie(visitor)
    assert cookie is not None, "the page never obtained the session cookie"
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    assert 11 * 3600 < cookie["expires"] - time.time() <= 12 * 3600  # the 12-hour maximum

    tab.reload()
    assert shows_dashboard(tab), "a reload lost the login"
    second_tab = visitor.new_page()
    second_tab.goto(login_server)
    assert shows_dashboard(second_tab), "a new tab did not find the login"

    tab.get_by_role("button", name=i18n.t("auth.logout", "nl")).click()
    assert shows_login(tab)
    tab.reload()
    assert shows_login(tab), "a reload after logout showed the dashboard"
    assert session_cookie(visitor, timeout=0) is None, "logout left the cookie behind"

    # The logged-out cookie, kept by someone and sent again, is refused by the server.
    replay = chromium.new_context(locale="nl-NL")
    replay.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": login_server}])
    try:
        stolen = replay.new_page()
        stolen.goto(login_server)
        assert shows_login(stolen), "a logged-out session came back with its old cookie"
    finally:
        replay.close()


def test_an_idle_session_ends(login_server, visitor):
    tab = visitor.new_page()
    log_in(tab, login_server)
    assert session_cookie(visitor) is not None
    tab.wait_for_timeout((IDLE_SECONDS + 3) * 1000)
    tab.reload()
    assert shows_login(tab), "an idle session was still logged in"
    assert i18n.t("auth.ended", "nl") in tab.locator('[data-testid="stMain"]').inner_text()


# --- the review page: a decision from the browser into the decisions store ----------------
@pytest.fixture(scope="module")
def review_server(chromium, built_warehouse, tmp_path_factory):
    """Manager anna (as `login_server`, without its short idle timeout) and a decisions
    store of this server's own; yields the URL and the store's file."""
    workdir = tmp_path_factory.mktemp("review")
    users_file = workdir / "users.toml"
    anna = users.User("anna", users.MANAGER, None, users.hash_password(PASSWORD))
    users.save_users(users_file, {"anna": anna})
    decisions = workdir / "decisions.sqlite"
    env = {
        "PYRAMID_WAREHOUSE": str(built_warehouse),
        users.USERS_FILE_ENV: str(users_file),
        "PYRAMID_APP_ADDRESS": "127.0.0.1",
        "PYRAMID_DECISIONS": str(decisions),
    }
    with dashboard_server(env, workdir / "streamlit.log") as url:
        yield url, decisions


def test_a_manager_records_an_override_from_the_browser(review_server, visitor, built_warehouse):
    url, decisions = review_server
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        relation_id, proposed, period = con.execute(
            "select relation_id, proposed_level, review_period "
            "from marts.service_level_open_review order by revenue_12m desc, relation_id limit 1"
        ).fetchone()
    level = "C" if proposed != "C" else "A"
    tab = visitor.new_page()
    tab.set_viewport_size({"width": 1400, "height": 2600})
    log_in(tab, url)
    tab.locator('[data-testid="stSidebarNav"]').get_by_text(
        i18n.t("page.review", "nl"), exact=True
    ).click()
    wait_until_rendered(tab, i18n.t("page.review", "nl"), True)
    assert_healthy(tab, "beoordeling-manager")

    # The biggest customer is the list's first row, so the form is about it already.
    form = tab.locator('[data-testid="stForm"]')
    form.get_by_text(level, exact=True).click()
    form.get_by_label(i18n.t("review.reason", "nl")).fill("nieuw contract vanaf januari")
    form.get_by_role("button", name=i18n.t("review.submit", "nl")).click()
    saved = i18n.t("review.saved", "nl", relation=relation_id, level=level)
    tab.get_by_text(saved).wait_for(timeout=30_000)
    tab.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    assert_healthy(tab, "beoordeling-decided")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "beoordeling-beslist.png"), full_page=True)

    with store.open_store(f"sqlite:///{decisions}") as engine:
        held = store.history(engine)
    assert [(d.relation_id, d.review_period, d.level, d.reason, d.decided_by) for d in held] == [
        (relation_id, period, level, "nieuw contract vanaf januari", "anna")
    ]
