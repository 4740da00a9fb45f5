"`fer-nb predict` with the shipped FER+ model on real photos (../shared/data/faces_wild), bad inputs among them."
import json

import numpy as np
import pytest
from PIL import Image

from conftest import fer_nb
from fer_nb.core import find_dataset
from fer_nb.predict import DEFAULT_MODEL, Predictor

root, why = find_dataset("faces_wild")
pytestmark = [pytest.mark.skipif(root is None, reason=f"faces_wild not found: {why}"),
              pytest.mark.skipif(not DEFAULT_MODEL.is_file(), reason="no shipped model (fer_nb/assets/ferplus.pt)")]


def test_shipped_model_is_small_and_documented():
    pr = Predictor()
    assert DEFAULT_MODEL.stat().st_size < 10e6
    assert pr.classes[0] == "neutral" and len(pr.classes) == 8
    card = pr.card
    assert card["data"].startswith("FER+") and 0 < card["valid"]["mean_diagonal"] <= 100 and 0 < card["valid"]["accuracy"] <= 100
    assert all(f"recall {c}" in card["valid"] for c in pr.classes)
    assert card["iterations"] > 0 and card["train_seconds"] > 0 and len(card["commit"]) >= 7


def test_predict_info_prints_the_card():
    r = fer_nb("predict", "--info")
    assert r.returncode == 0, r.stderr
    for key in ("data:", "recipe:", "iterations:", "train_seconds:", "valid:", "recall contempt", "commit:"):
        assert key in r.stdout, (key, r.stdout)
    r = fer_nb("predict")
    assert r.returncode == 2 and "at least one photo" in r.stderr


def test_scores_stay_inside_the_picture(tmp_path, monkeypatch):
    "A face whose box reaches the photo's bottom edge: its score label is moved inside the picture."
    import fer_nb.predict as P
    seen = []
    def spy(t, fig, ax, box, *others):
        ext = keep(t, fig, ax, box, *others); h, w = ax.get_images()[0].get_array().shape[:2]
        seen.append((box, ext, h, w)); return ext
    keep = P._keep_inside
    monkeypatch.setattr(P, "_keep_inside", spy)
    photo = root / "images" / "Andre_Agassi_0020.jpg"
    rec = P.predict_photos([photo], out_dir=tmp_path)[0]
    assert rec["status"] == "ok" and (tmp_path / "Andre_Agassi_0020.predicted.png").is_file()
    assert seen and any(box[3] > h - 60 for box, _, h, _ in seen)          # the box ends near the bottom: no room below
    for box, (l, top, r, b), h, w in seen:
        assert 0 <= l and r <= w and 0 <= top and b <= h, (box, (l, top, r, b), (w, h))


def test_predict_photos_and_bad_inputs(tmp_path):
    photos = sorted((root / "images").glob("*.jpg"))[:6]
    blank, corrupt = tmp_path / "blank.png", tmp_path / "corrupt.jpg"
    Image.fromarray(np.full((200, 200), 128, np.uint8)).save(blank)
    corrupt.write_bytes(b"\xff\xd8 not really a jpeg")
    r = fer_nb("predict", *map(str, photos), str(blank), str(corrupt), "--json", "--out", str(tmp_path / "out"))
    assert r.returncode == 1, r.stderr                       # some photos failed, the others were processed
    recs = json.loads(r.stdout)
    status = {rec["photo"]: rec["status"] for rec in recs}
    assert status[str(blank)] == "no face" and status[str(corrupt)].startswith("unreadable")
    good = [rec for rec in recs if rec["status"] == "ok"]
    assert len(good) >= 4
    for rec in good:
        for f in rec["faces"]:
            assert abs(sum(f["scores"].values()) - 100) < 0.1
            assert f["expressiveness"] == pytest.approx(100 - f["scores"]["neutral"], abs=0.01)
        assert (tmp_path / "out" / f"{rec['photo'].rsplit('/', 1)[-1].rsplit('.', 1)[0]}.predicted.png").is_file()


def test_predict_text_and_wrong_model(tmp_path):
    photo = sorted((root / "images").glob("*.jpg"))[0]
    r = fer_nb("predict", str(photo), "--out", str(tmp_path))
    assert r.returncode == 0 and "EXPRESSIVENESS" in r.stdout and "HAPPINESS" in r.stdout, r.stdout + r.stderr
    bad = tmp_path / "model.pt"; bad.write_text("nope")
    r = fer_nb("predict", str(photo), "--model", str(bad))
    assert r.returncode == 2 and "is not a fer_nb predictor file" in r.stderr


@pytest.mark.parametrize("case, message", [("missing", "image not found"), ("truncated", "unreadable or corrupt image"),
                                           ("non-image", "unreadable or corrupt image")])
def test_predict_bad_photo_is_named_and_the_others_go_on(tmp_path, case, message):
    "The bad-input corpus for `fer-nb predict`: each bad photo is reported by name; the good one is still processed; exit 1."
    good = sorted((root / "images").glob("*.jpg"))[0]
    bad = tmp_path / f"{case}.jpg"
    if case == "truncated": raw = good.read_bytes(); bad.write_bytes(raw[: len(raw) // 3])
    elif case == "non-image": bad.write_text("not an image\n")
    r = fer_nb("predict", str(bad), str(good), "--json", "--out", str(tmp_path / "out"))
    assert r.returncode == 1, r.stderr
    status = {rec["photo"]: rec["status"] for rec in json.loads(r.stdout)}
    assert status[str(bad)].startswith("unreadable") and message in status[str(bad)] and str(bad) in status[str(bad)]
    assert status[str(good)] == "ok"


def test_predict_foreign_model_file(tmp_path):
    "A torch file that is not a predictor (a plain state dict) is refused naming the file and what it should be."
    import torch
    f = tmp_path / "foreign.pt"; torch.save({"conv.weight": torch.zeros(3, 3)}, f)
    r = fer_nb("predict", str(sorted((root / "images").glob("*.jpg"))[0]), "--model", str(f))
    assert r.returncode == 2 and f"{f} is not a fer_nb predictor file" in r.stderr


def test_the_shipped_model_is_made_by_the_cpu_profile():
    "Issue 36: the cpu run of ferplus_training exports the shipped model; its card names that run, and it keeps the quality floor."
    from fer_nb.core import project_root

    card = Predictor().card
    res = json.loads((project_root() / "outputs/cpu/results/ferplus_training/results.json").read_text())
    assert card["experiment"] == "ferplus_training, profile cpu"
    assert res["git_commit"].startswith(card["commit"]) and card["precision"] == res["precision"]
    assert res["metrics"]["exported"]["commit"] == card["commit"]
    assert card["valid"]["accuracy"] >= 86 and card["valid"]["mean_diagonal"] >= 65, card["valid"]
