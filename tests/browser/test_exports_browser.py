"""Exports in a real browser: a plotly chart's camera saves a PNG named after the chart, and a run saved as JSON
on page 3 loads back in another browser, where the page, its link and its epoch are the saved ones."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from test_browser import assert_clean, settle

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_the_camera_saves_the_chart_as_a_png(page, app_url: str) -> None:
    page.goto(f"{app_url}/loss_curve")
    settle(page, "2. Loss against the slope")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    camera = chart.locator('.modebar-btn[data-title="Download plot as a PNG"]')
    camera.wait_for(state="visible")  # shown without a hover: a phone has none
    with page.expect_download() as download:
        camera.click()
    assert download.value.suggested_filename == "loss-against-the-slope.png"
    with open(download.value.path(), "rb") as file:
        assert file.read(8) == PNG_SIGNATURE


def test_a_run_saved_as_json_opens_in_another_browser(page, browser, app_url: str) -> None:
    page.goto(f"{app_url}/descent?lr=0.05&epochs=3&opt=momentum&epoch=2")
    settle(page, "3. Gradient descent")
    page.get_by_text("Take this run with you").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="This run as JSON").click()
    with open(download.value.path(), "rb") as file:  # the download's own path has no ".json", which the uploader wants
        saved = {"name": download.value.suggested_filename, "mimeType": "application/json", "buffer": file.read()}
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        other.js_errors = []
        other.on("pageerror", lambda error: other.js_errors.append(str(error)))
        other.goto(f"{app_url}/descent")
        settle(other, "3. Gradient descent")
        other.get_by_text("Take this run with you").click()
        other.locator('[data-testid="stMain"] input[type="file"]').set_input_files(saved)
        other.locator('[data-testid="stToast"]', has_text="every setting is as saved").wait_for()
        settle(other, "3. Gradient descent")
        assert_clean(other, "3. Gradient descent")
        query = {key: values[0] for key, values in parse_qs(urlparse(other.url).query).items()}
        assert query == {"lr": "0.05", "epochs": "3", "opt": "momentum", "epoch": "2"}
        assert other.get_by_text("Epoch 2 of 3").count() > 0
    finally:
        other.context.close()
