"""The analyst's page in a real browser: the seed events on the map, filters that narrow them and live in the URL,
the evidence highlighted in its document, a new event arriving live, a hostile document that stays text, the
alerts view, the timeline brush and the exports."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from sitrep.alerter.subscriptions import load_subscriptions
from sitrep.paths import project_root
from sitrep.storage.sql_store import SqlStore
from tests.browser.conftest import HOSTILE, live_report, open_page, screenshot, wait_until
from tests.browser.filling import fill_from_raw

pytestmark = pytest.mark.integration


def stored(writer: SqlStore, where: str = "1=1", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """The latest records straight from the database (not through the API the page uses)."""
    rows = writer.execute(f"SELECT record FROM events WHERE {where}", params).fetchall()
    return [orjson.loads(r[0]) for r in rows]


def shown_count(driver: WebDriver) -> int:
    return int(driver.find_element(By.ID, "count").get_attribute("data-count") or -1)


def listed_ids(driver: WebDriver) -> list[str]:
    """The event ids in the list, read in one go (the list is re-rendered when a change arrives)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#event-list .event-row')].map(r => r.dataset.eventId)"
    )


def markers_on_map(driver: WebDriver) -> int:
    """Events drawn on the map: single markers plus the counts written on the clusters."""
    count = int(
        driver.execute_script(
            "return document.querySelectorAll('#map path.ev').length + [...document.querySelectorAll("
            "'#map .marker-cluster span')].reduce((n, el) => n + Number(el.textContent), 0)"
        )
    )
    return count


def test_the_map_shows_the_seed_events_without_internet(browser: WebDriver, api: str, writer: SqlStore) -> None:
    open_page(browser, f"{api}/")
    events = stored(writer)
    placed = [e for e in events if e["location"]["lat"] is not None]
    assert shown_count(browser) == len(events) and len(events) >= 20
    wait_until(lambda: markers_on_map(browser) == len(placed), 10, f"{len(placed)} events drawn on the map")
    # the basemap is drawn from the package (a canvas of country borders), and nothing was fetched elsewhere
    assert browser.find_elements(By.CSS_SELECTOR, "#map canvas")
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert urls and all(u.startswith(api) for u in urls), [u for u in urls if not u.startswith(api)]
    # a region-level event is a hollow ring, not a pin
    if any(e["location"]["geo_precision"] == 3 for e in placed):
        browser.execute_script("document.querySelector('#map .leaflet-control-zoom-in').click()")
    screenshot(browser, "map")


def test_a_filter_narrows_the_events_and_lives_in_the_url(browser: WebDriver, api: str, writer: SqlStore) -> None:
    open_page(browser, f"{api}/")
    total = shown_count(browser)
    wanted = stored(writer, "event_type = ?", ("Strategic developments",))
    assert 0 < len(wanted) < total
    Select(browser.find_element(By.NAME, "event_type")).select_by_value("Strategic developments")
    wait_until(lambda: shown_count(browser) == len(wanted), 10, "the list to narrow to one event type")
    assert set(listed_ids(browser)) == {e["event_id"] for e in wanted}
    query = parse_qs(urlsplit(browser.current_url).query)
    assert query["event_type"] == ["Strategic developments"]
    screenshot(browser, "filtered")
    # the URL is the view: opened afresh it shows the same events, the form filled in
    open_page(browser, browser.current_url)
    assert shown_count(browser) == len(wanted)
    assert Select(browser.find_element(By.NAME, "event_type")).first_selected_option.text == "Strategic developments"
    # a second filter narrows further (AND)
    syria = [e for e in wanted if e["location"]["country"] == "Syria"]
    field = browser.find_element(By.NAME, "country")
    field.send_keys("Syria\n")
    wait_until(lambda: shown_count(browser) == len(syria), 10, "country AND event type")


def test_the_detail_view_highlights_the_evidence_in_its_document(
    browser: WebDriver, api: str, writer: SqlStore
) -> None:
    merged = max(stored(writer), key=lambda e: (e["version"], len(e["evidence"])))
    assert merged["version"] >= 2  # the seeds hold an event reported twice: its history has two versions
    open_page(browser, f"{api}/?event={merged['event_id']}")
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#detail mark.evidence"), 10, "highlighted evidence")
    marks = " ".join(m.text for m in browser.find_elements(By.CSS_SELECTOR, "#detail mark.evidence"))
    for ev in merged["evidence"]:
        assert " ".join(ev["text"].split()) in " ".join(marks.split()), ev["text"]
    versions = browser.find_elements(By.CSS_SELECTOR, "#detail .version")
    assert [v.get_attribute("data-version") for v in versions] == [str(n) for n in range(1, merged["version"] + 1)]
    history = writer.execute(
        "SELECT record FROM event_versions WHERE event_id = ? ORDER BY version", (merged["event_id"],)
    ).fetchall()
    first, last = (orjson.loads(r[0]) for r in (history[0], history[-1]))
    added = sorted(set(last["source_doc_ids"]) - set(first["source_doc_ids"]))
    assert added and all(doc_id in versions[-1].text for doc_id in added)  # which report caused the version
    fields = browser.find_element(By.CSS_SELECTOR, "#detail table.fields").text
    for key in ("event_id", "location.lat", "actor1", "confidence", "source_doc_ids"):
        assert key in fields
    screenshot(browser, "detail")
    # clicking an event in the list opens it too
    browser.find_element(By.CSS_SELECTOR, "#detail .close").click()
    second = listed_ids(browser)[1]
    browser.find_element(By.CSS_SELECTOR, f"#event-list [data-event-id='{second}']").click()
    wait_until(
        lambda: browser.find_elements(By.CSS_SELECTOR, f"#detail [data-event-id='{second}']"),
        10,
        "the clicked event's detail",
    )


def test_a_hostile_document_shows_as_text_and_nothing_runs(browser: WebDriver, api: str, writer: SqlStore) -> None:
    (event,) = [e for e in stored(writer) if "hostile-1" in e["source_doc_ids"]]
    open_page(browser, f"{api}/?event={event['event_id']}")
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#detail mark.evidence"), 10, "the hostile document")
    detail = browser.find_element(By.ID, "detail")
    assert "<script>window.__pwned='script'</script>" in detail.text
    assert "<a href=\"javascript:window.__pwned='link'\">read more</a>" in detail.text
    assert "<img src=x onerror=" in detail.find_element(By.CSS_SELECTOR, ".document h4").text
    assert "<i>Hostile</i> Wire" in detail.text
    assert browser.execute_script("return window.__pwned === undefined")
    for selector in ("script", "img", "b", "i", "a[href^='javascript']", "[onerror]"):
        assert not detail.find_elements(By.CSS_SELECTOR, selector), selector
    assert not browser.find_elements(By.CSS_SELECTOR, "a[href^='javascript']")
    assert HOSTILE["url"] in detail.text  # the javascript: URL is shown, not linked
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - reading it is the check
    screenshot(browser, "hostile-document")


def test_a_new_event_appears_live(browser: WebDriver, api: str, writer: SqlStore) -> None:
    open_page(browser, f"{api}/")
    before = shown_count(browser)
    wait_until(lambda: "on" in (browser.find_element(By.ID, "live").get_attribute("class") or ""), 10, "LIVE on")
    (new,) = [e for e in fill_from_raw(writer, [live_report(1)]) if e["version"] == 1]
    wait_until(lambda: shown_count(browser) == before + 1, 15, "the new event in the list without a reload")
    row = browser.find_element(By.CSS_SELECTOR, f'#event-list [data-event-id="{new["event_id"]}"]')
    assert "fresh" in (row.get_attribute("class") or "")
    assert "after it was stored" in browser.find_element(By.ID, "lag").text
    assert browser.execute_script("return performance.getEntriesByType('navigation').length") == 1  # no reload
    screenshot(browser, "live")


def test_the_alerts_view_lists_the_subscriptions_and_their_alerts(browser: WebDriver, api: str) -> None:
    open_page(browser, f"{api}/")
    browser.find_element(By.CSS_SELECTOR, ".tab[data-view='alerts']").click()
    names = [s.name for s in load_subscriptions(project_root() / "deploy" / "subscriptions.example.yaml")]
    cards = wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#alerts-view .subscription"), 10, "cards")
    assert [c.get_attribute("data-name") for c in cards] == names
    assert browser.find_elements(By.CSS_SELECTOR, "#alerts-view .alert-row")
    busiest = next(c for c in cards if c.get_attribute("data-name") == "syria-airstrikes")
    busiest.click()
    shown = "return [...document.querySelectorAll('#alerts-view .alert-row td:nth-child(2)')].map(td => td.textContent)"
    wait_until(lambda: set(browser.execute_script(shown)) == {"syria-airstrikes"}, 10, "one subscription's alerts")
    assert "view=alerts" in browser.current_url
    screenshot(browser, "alerts")


def test_brushing_the_timeline_sets_the_time_filter(browser: WebDriver, api: str) -> None:
    open_page(browser, f"{api}/")
    total = shown_count(browser)
    svg = browser.find_element(By.CSS_SELECTOR, "#timeline svg")
    width = svg.size["width"]
    # drag across the right half of the timeline: the later events only
    ActionChains(browser).move_to_element_with_offset(svg, 0, 0).click_and_hold().move_by_offset(
        width // 2 - 20, 0
    ).release().perform()
    wait_until(lambda: "since" in parse_qs(urlsplit(browser.current_url).query), 10, "since/until in the URL")
    query = parse_qs(urlsplit(browser.current_url).query)
    wait_until(lambda: 0 < shown_count(browser) < total, 10, "fewer events after brushing")
    dates = {r.find_element(By.CLASS_NAME, "when").text for r in browser.find_elements(By.CSS_SELECTOR, ".event-row")}
    assert all(query["since"][0] <= d <= query["until"][0] for d in dates)
    screenshot(browser, "timeline-brushed")


def test_the_exports_are_the_current_view(browser: WebDriver, api: str, writer: SqlStore) -> None:
    # a country the store holds some but not all events of, read straight from the database
    countries = Counter(e["location"]["country"] for e in stored(writer))
    country = next(c for c, n in countries.most_common() if n < sum(countries.values()))
    open_page(browser, f"{api}/?country={country}")
    wanted = {e["event_id"] for e in stored(writer, "lower(country) = lower(?)", (country,))}
    assert wanted and shown_count(browser) == len(wanted)
    csv_href = browser.find_element(By.ID, "export-csv").get_attribute("href")
    geo_href = browser.find_element(By.ID, "export-geojson").get_attribute("href")
    lines = httpx.get(csv_href).text.strip().splitlines()
    assert lines[0].startswith("event_id,") and {line.split(",")[0] for line in lines[1:]} == wanted
    assert {f["id"] for f in httpx.get(geo_href).json()["features"]} == wanted
