"""The door page's camera mode: a fake camera shows a printed badge, and the guest is admitted."""

from __future__ import annotations

import subprocess

import pytest
from selenium.webdriver.common.by import By

from tests.browser.door_harness import DoorPage

pytestmark = pytest.mark.browser


@pytest.fixture
def guest(ceremony):
    return ceremony.guest("Li Wei", honorific="Dr", organisation="Ministry of Education")


@pytest.fixture
def camera_video(tmp_path, ffmpeg, ceremony, guest):
    """A Y4M video of the guest's badge PNG, as the API renders it, held up to a 4:3 camera."""
    png = tmp_path / "badge.png"
    png.write_bytes(ceremony.badge_png(guest))
    video = tmp_path / "badge.y4m"
    frame = "scale=-2:960,setsar=1,pad=1280:960:(ow-iw)/2:0:color=gray,format=yuv420p"
    command = [ffmpeg, "-v", "error", "-y", "-loop", "1", "-i", str(png), "-vf", frame]
    subprocess.run([*command, "-r", "5", "-frames:v", "2", str(video)], check=True, timeout=60)
    return video


def test_the_camera_admits_the_guest_on_the_badge(launch, live, ceremony, camera_video, decoder):
    driver = launch(
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera_video}",
    )
    door = DoorPage(driver, live.url)
    door.sign_in(ceremony.staff_token())
    verdict = door.next_verdict(lambda: driver.find_element(By.ID, "camera-toggle").click())
    assert verdict.result == "admitted"
    assert "Dr Li Wei" in verdict.text
