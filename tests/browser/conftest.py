"""Browser tests: a real `sitrep api` process over a real SQLite store filled by the pipeline, driven through a real
headless Chromium from Debian's packages (chromium + chromium-driver) with selenium. Never downloads a browser.

Screenshots of the main views are written to bench/results/ui/ (the README shows one of them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from sitrep.paths import project_root
from sitrep.storage.backends import open_store
from sitrep.storage.sql_store import SqlStore
from tests.browser.filling import fill_from_corpus, fill_from_raw
from tests.support import free_port

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a test dependency (pip install selenium)")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.integration

CHROMIUM = os.environ.get("SITREP_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SITREP_CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = project_root() / "bench" / "results" / "ui"
# without these flags Chromium keeps trying to reach Google's services, and on a closed network its start stalls
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,900",
)
T = TypeVar("T")

# A report whose text, title, source and URL carry markup and script: it must show as text and never run.
HOSTILE = {
    "id": "hostile-1",
    "kind": "article",
    "url": "javascript:window.__pwned='url'",
    "source": "<i>Hostile</i> Wire",
    "published_at": "2020-03-04T09:00:00Z",
    "title": "<img src=x onerror=\"window.__pwned='title'\">Strike report",
    "text": "Strike report\n\nA drone strike hit Saraqib in Idlib on 3 March, killing 4 civilians "
    "<script>window.__pwned='script'</script>, the local council said.\n\n"
    "<img src=x onerror=\"window.__pwned='img'\"> <a href=\"javascript:window.__pwned='link'\">read more</a>"
    " and <b>bold</b> text.",
}


def live_report(n: int) -> dict[str, Any]:
    """A new report, written to the store while the page is open (one new event: a protest in Daraa)."""
    return {
        "id": f"live-{n}",
        "kind": "article",
        "url": f"https://news.example.org/live-{n}",
        "source": "Example Wire",
        "published_at": "2020-06-02T09:00:00Z",
        "title": "Rally in Daraa",
        "text": "Rally in Daraa\n\nProtesters rallied in Daraa on 1 June against rising prices, witnesses said.",
    }


def wait_until(probe: Callable[[], T | None], timeout: float, what: str) -> T:
    """Poll ``probe`` until it returns something truthy, or fail after ``timeout`` seconds saying what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('ui') / 'ui.db'}"
    store = open_store(url)
    fill_from_corpus(store, project_root() / "seeds")
    fill_from_raw(store, [HOSTILE])
    store.close()
    yield url


@pytest.fixture(scope="module")
def writer(database: str) -> Iterator[SqlStore]:
    store = open_store(database)
    yield store
    store.close()


@pytest.fixture(scope="module")
def api(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = (tmp_path_factory.mktemp("api-log") / "api.log").open("w+")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sitrep.cli",
            "api",
            "--database-url",
            database,
            "--port",
            str(port),
            "--poll-seconds",
            "0.5",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SITREP_API_TOKEN": ""},
    )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if proc.poll() is not None:
            log.seek(0)
            raise AssertionError(f"sitrep api exited {proc.returncode}: {log.read()}")
        try:
            return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(healthy, 30, "sitrep api to answer /healthz")
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()) and not shutil.which("chromedriver"):
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def open_page(driver: WebDriver, url: str) -> None:
    driver.get(url)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.body.dataset.ready") == "true")


def screenshot(driver: WebDriver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
