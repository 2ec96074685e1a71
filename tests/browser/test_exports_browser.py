"""Exports in a real browser: a plotly chart's camera saves a PNG named after the chart. (A run saved as JSON and
loaded back is tested through AppTest, tests/app/test_run_files.py: a browser round trip took 6 s or more.)"""

from __future__ import annotations

from conftest import settle

from gdcore import lesson

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_the_camera_saves_the_chart_as_a_png(page, app_url: str) -> None:
    page.goto(f"{app_url}/loss_curve")
    settle(page, lesson.heading("loss_curve"))
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    camera = chart.locator('.modebar-btn[data-title="Download plot as a PNG"]')
    camera.wait_for(state="visible")  # shown without a hover: a phone has none
    with page.expect_download() as download:
        camera.click()
    assert download.value.suggested_filename == "loss-against-the-slope.png"
    with open(download.value.path(), "rb") as file:
        assert file.read(8) == PNG_SIGNATURE
    for width in (1400, 390):  # the camera never covers the legend, on a laptop or a phone
        page.set_viewport_size({"width": width, "height": 1000})
        page.wait_for_function(
            "w => document.querySelector('[data-testid=stPlotlyChart] .main-svg').getBoundingClientRect().width < w",
            arg=width,
        )
        page.wait_for_timeout(300)  # plotly lays the legend out again after the resize
        icon = camera.locator("svg").bounding_box()
        entries = chart.locator(".legend .traces")
        boxes = [entries.nth(i).bounding_box() for i in range(entries.count())]
        assert boxes and not any(overlap(icon, box) for box in boxes), (width, icon, boxes)


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and (b["y"] < a["y"] + a["height"])
    )
