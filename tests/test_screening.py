"""`fer-nb data check --format screening` on fixtures in the screening layout, one defect each, and the per-recording skips of
`recording_features`; `fer-nb bench screening` prints its table."""
import numpy as np
import pytest

from conftest import fer_nb

av = pytest.importorskip("av")
sf = pytest.importorskip("soundfile")


def _video(path, n=20, audio=True, sr=16000):
    "A 20-frame mp4 of a moving grey blob (MPEG-4 video; AAC audio when `audio`)."
    with av.open(str(path), "w") as out:
        v = out.add_stream("mpeg4", rate=10); v.width = v.height = 64; v.pix_fmt = "yuv420p"
        a = out.add_stream("aac", rate=sr) if audio else None
        if a is not None: a.layout = "mono"
        for i in range(n):
            f = np.full((64, 64), 90, np.uint8); f[20:40, 10 + i:30 + i] = 200
            for p in v.encode(av.VideoFrame.from_ndarray(f, format="gray")): out.mux(p)
        for p in v.encode(): out.mux(p)
        if a is not None:
            x = (0.2 * np.sin(2 * np.pi * 220 * np.arange(2 * sr) / sr)).astype(np.float32)
            for s in range(0, len(x), 1024):
                af = av.AudioFrame.from_ndarray(x[None, s:s + 1024], format="fltp", layout="mono"); af.sample_rate = sr
                for p in a.encode(af): out.mux(p)
            for p in a.encode(): out.mux(p)


def _layout(root):
    "Three subjects: an mp4 with audio, a frame folder with a WAV, an mp4 with audio."
    (root / "videos").mkdir(parents=True); (root / "frames" / "b").mkdir(parents=True); (root / "audio").mkdir()
    _video(root / "videos" / "a.mp4"); _video(root / "videos" / "c.mp4")
    from PIL import Image
    for i in range(5): Image.fromarray(np.full((64, 64), 40 * i, np.uint8)).save(root / "frames" / "b" / f"{i:03d}.png")
    sf.write(root / "audio" / "b.wav", np.zeros(16000, np.float32) + 0.01, 16000)
    (root / "labels.csv").write_text("subject,cdr\na,0.5\nb,1\nc,2\n")
    return root


def _check(root):
    r = fer_nb("data", "check", str(root), "--format", "screening")
    return r.returncode, r.stdout + r.stderr


def test_clean_layout_is_usable(tmp_path):
    rc, out = _check(_layout(tmp_path / "s"))
    assert rc == 0 and "**usable**" in out and "partial" not in out, out


DEFECTS = {  # defect -> (change, exit code, what the report must say)
    "missing video": (lambda r: (r / "videos" / "c.mp4").unlink(), 1, "no videos/c."),
    "corrupt video": (lambda r: (r / "videos" / "c.mp4").write_bytes(b"\x00" * 300), 1, "cannot decode video"),
    "malformed line": (lambda r: (r / "labels.csv").write_text("subject,cdr\na,0.5\nb,severe\n"), 1, "line 3: cdr 'severe' is not a number"),
    "unknown level": (lambda r: (r / "labels.csv").write_text("subject,cdr\na,0.7\n"), 1, "line 2: cdr 0.7 is not a CDR level"),
    "empty labels": (lambda r: (r / "labels.csv").write_text("subject,cdr\n"), 1, "no subject listed"),
    "no labels file": (lambda r: (r / "labels.csv").unlink(), 1, "labels.csv: labels file not found"),
    "unlisted video": (lambda r: _video(r / "videos" / "z.mp4"), 0, "unlisted"),
    "video without audio": (lambda r: _video(r / "videos" / "c.mp4", audio=False), 0, "no audio track: speech features will be skipped"),
}


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_defect_is_reported(tmp_path, defect):
    root = _layout(tmp_path / "s"); change, code, says = DEFECTS[defect]
    change(root)
    rc, out = _check(root)
    assert rc == code and says in out, out


def test_recording_features_skip_what_they_must(tmp_path):
    from fer_nb.detect import DlibDetector
    from fer_nb.screening import read_interviews, recording_features
    root = _layout(tmp_path / "s"); _video(root / "videos" / "c.mp4", audio=False)
    (root / "videos" / "a.mp4").write_bytes(b"broken")
    items = read_interviews(root).set_index("subject", drop=False)
    det = DlibDetector("hog")
    a = recording_features(items.loc["a"], det, cache_dir=tmp_path / "cache")
    assert "visual skipped" in a["status"] and "a.mp4: cannot decode video" in a["status"] and "visual local" not in a
    c = recording_features(items.loc["c"], det, cache_dir=tmp_path / "cache")
    assert "speech skipped" in c["status"] and "no audio track" in c["status"] and "MFCC" not in c
    assert "no face in any frame" in c["status"]                        # a grey blob is not a face: recorded, not dropped
    b = recording_features(items.loc["b"], det, cache_dir=tmp_path / "cache")
    assert b["eGeMAPS"].shape == (88,) and "no face in any frame" in b["status"]


def test_bench_screening_prints_rates():
    r = fer_nb("bench", "screening", "--n", "20")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "frames/s" in r.stdout and "s per minute of audio" in r.stdout
