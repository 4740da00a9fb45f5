"""`fer-nb predict` on clips (lesson 12a_video) and group photos: the four shared clips end to end, the bad inputs of issue 38
(truncated, audio only, zero frames, 4K, no face, --every 0), each named, nothing partial left in --out."""
import csv
import json
from fractions import Fraction

import numpy as np
import pytest

from conftest import fer_nb
from fer_nb.core import data_root

VID = data_root() / "video" if data_root() else None
needs_clips = pytest.mark.skipif(VID is None or not (VID / "single_face.mp4").exists(), reason="needs ../shared/data/video")


def _write_clip(path, frames, fps=10, video=True, audio=False):
    "A clip of `frames` (H x W x 3 uint8, MPEG-4), with a video stream or not, with a 1 s tone or not."
    import av
    with av.open(str(path), "w") as c:
        if video:
            v = c.add_stream("mpeg4", rate=Fraction(fps))
            v.width, v.height, v.pix_fmt = frames[0].shape[1] if frames else 64, frames[0].shape[0] if frames else 64, "yuv420p"
        if audio:
            a = c.add_stream("aac", rate=16000)
            tone = (0.2 * np.sin(np.arange(16000) * 2 * np.pi * 440 / 16000)).astype(np.float32)[None]
            f = av.AudioFrame.from_ndarray(tone, format="fltp", layout="mono")
            f.sample_rate = 16000
            c.mux(a.encode(f))
            c.mux(a.encode())
        if video:
            for fr in frames:
                c.mux(v.encode(av.VideoFrame.from_ndarray(fr, format="rgb24")))
            c.mux(v.encode())
    return path


@needs_clips
def test_a_clip_end_to_end(tmp_path):
    r = fer_nb("predict", str(VID / "single_face.mp4"), "--json", "--every", "2", "--smooth", "0.5", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    recs = json.loads(r.stdout)
    assert len(recs) == 36 and [x["frame"] for x in recs] == list(range(0, 72, 2))
    assert all(set(x) == {"video", "frame", "time", "faces"} and len(x["faces"]) <= 1 for x in recs)
    assert sum(len(x["faces"]) for x in recs) >= 0.9 * len(recs)  # one face, found in (nearly) every frame
    for f in (f for x in recs for f in x["faces"]):
        assert f["track"] == 1 and len(f["box"]) == 4 and f["top"] == max(f["scores"], key=f["scores"].get)
        assert abs(sum(f["scores"].values()) - 100) < 0.1
    assert recs[1]["time"] == pytest.approx(2 / 30, abs=0.01)
    rows = list(csv.DictReader(open(tmp_path / "single_face.csv")))
    assert len(rows) == sum(len(x["faces"]) for x in recs) and rows[0]["track"] == "1"
    assert (tmp_path / "single_face.track1.png").stat().st_size > 10_000
    import av
    with av.open(str(tmp_path / "single_face.annotated.mp4")) as c:
        assert sum(1 for _ in c.decode(video=0)) == 36
    t = fer_nb("predict", str(VID / "single_face.mp4"), "--every", "6", "--out", str(tmp_path / "t"))
    assert t.returncode == 0 and "12 frames analysed (every 6, 72 covered" in t.stdout and "face 1:" in t.stdout, t.stdout


@needs_clips
def test_a_face_that_leaves_and_a_clip_with_none(tmp_path):
    r = fer_nb("predict", str(VID / "face_noface.mov"), "--json", "--every", "4", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    seen = [bool(x["faces"]) for x in json.loads(r.stdout)]
    last = max(i for i, v in enumerate(seen) if v)
    assert seen[0] and last < len(seen) - 3 and not any(seen[last + 1:])  # once it has left, no face
    r = fer_nb("predict", str(VID / "no_face.mp4"), "--json", "--every", "5", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert all(x["faces"] == [] for x in json.loads(r.stdout))
    assert (tmp_path / "no_face.timeline.png").exists() and (tmp_path / "no_face.csv").exists()


def test_bad_clips_are_named_and_leave_nothing(tmp_path):
    out = tmp_path / "out"
    bad = {
        "audio.mp4": (_write_clip(tmp_path / "audio.mp4", [], video=False, audio=True), "no video stream"),
        "empty.mkv": (_write_clip(tmp_path / "empty.mkv", [], audio=True), "no frame"),  # a video stream without a frame
        "junk.mkv": ((tmp_path / "junk.mkv"), "not a readable video"),
    }
    bad["junk.mkv"][0].write_bytes(b"\x1a\x45\xdf\xa3 not really a matroska file")
    if VID is not None and (VID / "single_face.mp4").exists():
        cut = tmp_path / "cut.mp4"
        data = (VID / "single_face.mp4").read_bytes()
        cut.write_bytes(data[: len(data) // 3])
        bad["cut.mp4"] = (cut, "cut.mp4")
    for name, (path, says) in bad.items():
        r = fer_nb("predict", str(path), "--out", str(out))
        assert r.returncode == 1 and str(path) in r.stderr and says in r.stderr, (name, r.stdout, r.stderr)
    assert not out.exists() or not any(out.iterdir()), list(out.iterdir())
    r = fer_nb("predict", str(tmp_path / "audio.mp4"), "--every", "0")
    assert r.returncode == 2 and "--every" in r.stderr


def test_a_4k_clip_is_downscaled_and_says_so(tmp_path):
    frames = [np.full((2160, 3840, 3), 90 + 20 * i, np.uint8) for i in range(3)]
    clip = _write_clip(tmp_path / "big.mp4", frames)
    r = fer_nb("predict", str(clip), "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    assert "3840x2160 frames downscaled by 0.33" in r.stdout and "no face found" in r.stdout, r.stdout


@needs_clips
def test_group_photo_and_the_detector_option(tmp_path):
    r = fer_nb("predict", str(VID / "multi_face.jpg"), "--detector", "both", "--json", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    rec = json.loads(r.stdout)[0]
    assert len(rec["faces"]) == 5 and (tmp_path / "multi_face.predicted.png").exists()
    r = fer_nb("predict", str(VID / "multi_face.jpg"), "--detector", "fast")
    assert r.returncode == 2 and "--detector" in r.stderr and "both" in r.stderr
    h = fer_nb("predict", "--help").stdout
    assert all(m in h for m in ("hog+cnn", "both", "--every", "--smooth"))
