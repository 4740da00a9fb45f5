"Loaders on fixture trees that copy each dataset's official layout, malformed ones included; real data when ../shared is present."
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from fer_nb.core import BASIC7, COMPOUND11, EMOTIONS8, find_dataset
from fer_nb.data import (load_dfew, load_fer2013, load_ferplus, load_image_csv, load_image_folder, load_rafdb, load_rafml)


def _img(path: Path, size=(100, 100), value=128):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full(size + (3,), value, np.uint8)).save(path)


def rafdb_tree(root: Path, subset="basic", labels=(("train_00001.jpg", 5), ("train_00002.jpg", 1), ("test_0001.jpg", 7))):
    d = root / subset
    (d / "EmoLabel").mkdir(parents=True)
    (d / "EmoLabel" / "list_patition_label.txt").write_text("".join(f"{n} {k}\n" for n, k in labels))
    for n, _ in labels:
        s = Path(n).stem
        _img(d / "Image" / "aligned" / f"{s}_aligned.jpg"); _img(d / "Image" / "original" / n, (240, 200))
        m = d / "Annotation" / "manual" / f"{s}_manu_attri.txt"; m.parent.mkdir(parents=True, exist_ok=True)
        m.write_text("60.1 80.2\n120.5 81.0\n90.0 110.0\n70.0 140.0\n112.0 141.0\n1\n2\n3\n")
        a = d / "Annotation" / "auto" / f"{s}_auto_attri.txt"; a.parent.mkdir(parents=True, exist_ok=True)
        a.write_text("".join(f"{i} {i + 1}\n" for i in range(37)))
        b = d / "Annotation" / "boundingbox" / f"{s}_boundingbox.txt"; b.parent.mkdir(parents=True, exist_ok=True)
        b.write_text("10.0 20.0 180.0 220.0\n")
    return d


def test_rafdb_basic_reads_labels_by_name_and_annotations(tmp_path):
    rafdb_tree(tmp_path)
    fs = load_rafdb(tmp_path)
    assert [fs.classes[k] for k in fs.label] == ["sadness", "surprise", "neutral"]   # 5, 1, 7 in RAF-DB's order
    assert fs.meta.split.tolist() == ["train", "train", "test"]
    assert fs.landmarks5.shape == (3, 5, 2) and fs.landmarks37.shape == (3, 37, 2)
    assert fs.meta.gender[0] == "female" and fs.meta.race[0] == "asian" and fs.meta.age[0] == "40-69"
    assert fs.images[0].shape == (100, 100) and fs.meta.box_x2[0] == 180
    assert load_rafdb(tmp_path / "basic", images="original").images[1].shape == (240, 200)
    sub = fs.where(split="train")                                                      # stays lazy
    assert type(sub.images).__name__ == "ImageFiles" and len(sub.images) == 2


def test_rafdb_compound_codes(tmp_path):
    rafdb_tree(tmp_path, "compound", (("train_00001.jpg", 1), ("test_0001.jpg", 11)))
    fs = load_rafdb(tmp_path, "compound")
    assert [fs.classes[k] for k in fs.label] == [COMPOUND11[0], COMPOUND11[10]] == ["happily surprised", "disgustedly surprised"]


@pytest.mark.parametrize("labels, message", [
    ((("train_00001.jpg", 8),), "line 1: label '8' is outside 1..7"),
    ((("train_00001.jpg", 1), ("train_00001.jpg", 2)), "line 2: 'train_00001.jpg' is listed twice"),
    ((("val_00001.jpg", 1),), "starts with neither train_ nor test_"),
])
def test_rafdb_malformed_label_file(tmp_path, labels, message):
    rafdb_tree(tmp_path, labels=labels)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_rafdb(tmp_path)


def test_rafdb_bad_annotation_and_missing_image(tmp_path):
    d = rafdb_tree(tmp_path)
    (d / "Image" / "aligned" / "train_00002_aligned.jpg").unlink()
    fs = load_rafdb(tmp_path)
    probs = fs.images.problems()
    assert probs.path.str.endswith("train_00002_aligned.jpg").tolist() == [True]
    with pytest.raises(FileNotFoundError, match="train_00002_aligned.jpg: image not found"):
        fs.images[1]
    (d / "Annotation" / "manual" / "test_0001_manu_attri.txt").write_text("1 2\n3 4\n")
    with pytest.raises(ValueError, match="test_0001_manu_attri.txt: expected 5 lines"):
        load_rafdb(tmp_path)
    with pytest.raises(FileNotFoundError, match="no EmoLabel/list_patition_label.txt"):
        load_rafdb(tmp_path / "nowhere")


def test_rafml(tmp_path):
    (tmp_path / "EmoLabel").mkdir()
    (tmp_path / "EmoLabel" / "distribution.txt").write_text("0001.jpg 0.5 0 0 0.5 0 0\n0002.jpg 0 0 1 0 0 0\n")
    (tmp_path / "EmoLabel" / "partition_label.txt").write_text("0002.jpg 1\n0001.jpg 0\n")
    fs = load_rafml(tmp_path)
    assert fs.labels.tolist() == [[1, 0, 0, 1, 0, 0], [0, 0, 1, 0, 0, 0]]               # the 1/6 rule without a label file
    assert fs.meta.split.tolist() == ["train", "test"] and fs.classes == BASIC7[:6]
    (tmp_path / "EmoLabel" / "multilabel.txt").write_text("0001.jpg 1 0 0 1 0 0\n0003.jpg 0 0 1 0 0 0\n")
    with pytest.raises(ValueError, match="line 2: '0003.jpg' is not in distribution.txt"):
        load_rafml(tmp_path)


def dfew_tree(root: Path, n_clips=10):
    for kind in ("train", "test"):
        (root / "EmoLabel_DataSplit" / f"{kind}(single-labeled)").mkdir(parents=True)
    clips = np.arange(1, n_clips + 1)
    for k in range(1, 6):
        test = clips[(clips - 1) % 5 == k - 1]
        pd.DataFrame({"video_name": test, "label": (test % 7) + 1}).to_csv(root / "EmoLabel_DataSplit" / "test(single-labeled)" / f"set_{k}.csv", index=False)
        pd.DataFrame({"video_name": np.setdiff1d(clips, test), "label": 1}).to_csv(root / "EmoLabel_DataSplit" / "train(single-labeled)" / f"set_{k}.csv", index=False)
    for c in clips:
        for f in range(1, 4):
            _img(root / "data_affine" / "single_label" / "data" / f"{c:05d}" / f"{c:05d}_{f:05d}.jpg", (32, 32))
    return clips


def test_dfew_folds_labels_and_votes(tmp_path):
    clips = dfew_tree(tmp_path)
    cs = load_dfew(tmp_path)
    assert cs.meta["clip"].tolist() == clips.tolist() and sorted(cs.meta.fold.unique()) == [1, 2, 3, 4, 5]
    # clip 1 has DFEW label 2 = sad; clip 6 has label 7 = fear
    assert cs.classes[cs.label[0]] == "sadness" and cs.classes[cs.label[5]] == "fear"
    assert cs.frames[0].shape == (3, 32, 32)
    ann = pd.DataFrame({"order": clips, **{c: 0 for c in ("happy", "sad", "neutral", "angry", "surprise", "disgust", "fear")}})
    ann["sad"] = 10
    (tmp_path / "Annotation").mkdir(); ann.to_csv(tmp_path / "Annotation" / "annotation.csv", index=False)
    cs = load_dfew(tmp_path)
    assert (cs.votes[:, BASIC7.index("sadness")] == 10).all()
    bad = tmp_path / "EmoLabel_DataSplit" / "test(single-labeled)" / "set_2.csv"
    bad.write_text("video_name,label\n2,9\n")
    with pytest.raises(ValueError, match=r"set_2.csv, line 2: label '9' is outside 1..7"):
        load_dfew(tmp_path)


def test_fer2013_csv(tmp_path):
    px = " ".join(["7"] * 2304)
    (tmp_path / "fer2013.csv").write_text(f"emotion,pixels,Usage\n0,{px},Training\n6,{px},PrivateTest\n")
    fs = load_fer2013(tmp_path)
    assert [fs.classes[k] for k in fs.label] == ["anger", "neutral"] and fs.images.shape == (2, 48, 48)
    (tmp_path / "fer2013.csv").write_text(f"emotion,pixels,Usage\n0,1 2 3,Training\n")
    with pytest.raises(ValueError, match="line 2: pixels must hold 2304 values"):
        load_fer2013(tmp_path)


def test_generic_folder_and_csv(tmp_path):
    for cls in ("happy", "Surprised", "contempt"):
        _img(tmp_path / "faces" / cls / "a.png", (20, 20))
    fs = load_image_folder(tmp_path / "faces")
    assert fs.classes == EMOTIONS8 and sorted(fs.classes[k] for k in fs.label) == ["contempt", "happiness", "surprise"]
    _img(tmp_path / "faces" / "bored" / "b.png", (20, 20))
    with pytest.raises(ValueError, match="bored: unknown class name 'bored'"):
        load_image_folder(tmp_path / "faces")
    (tmp_path / "faces" / "labels.csv").write_text("image,expression,labeler\nhappy/a.png,happiness,1\nbored/b.png,boredom,2\n")
    with pytest.raises(ValueError, match="labels.csv, line 3: unknown class name 'boredom'"):
        load_image_csv(tmp_path / "faces" / "labels.csv")


def test_real_ferplus_and_faces_wild():
    fer, why = find_dataset("ferplus")
    wild, why2 = find_dataset("faces_wild")
    if fer is None or wild is None:
        pytest.skip(f"../shared/data absent: {why or why2}")
    fs = load_ferplus(fer, images=True)
    assert len(fs) > 30000 and fs.images[0].shape == (48, 48) and fs.info["rows_without_image"] >= 0
    assert set(fs.meta.split) == {"train", "valid"}                                       # PrivateTest is held back
    fw = load_image_csv(wild / "labels.csv")
    assert len(fw) == 371 and fw.images.problems().empty


def test_data_check_cli(tmp_path, capsys):
    from fer_nb.cli import run_cli
    rafdb_tree(tmp_path)
    assert run_cli(["data", "check", str(tmp_path), "--format", "rafdb"]) == 0
    assert "usable" in capsys.readouterr().out
    (tmp_path / "basic" / "Image" / "aligned" / "test_0001_aligned.jpg").write_bytes(b"\xff\xd8 truncated")
    _img(tmp_path / "basic" / "Image" / "aligned" / "stray_aligned.jpg")
    assert run_cli(["data", "check", str(tmp_path), "--format", "rafdb"]) == 1
    out = capsys.readouterr().out
    assert "test_0001_aligned.jpg" in out and "**1 unlisted** (not an error)" in out and "stray_aligned.jpg" in out
    assert run_cli(["data", "check", str(tmp_path), "--format", "nope"]) == 2


def test_ckplus_peak_frames_aus_and_landmarks(tmp_path):
    from fer_nb.data import load_ckplus
    seq = tmp_path / "cohn-kanade-images" / "S005" / "001"
    for f in range(1, 4):
        _img(seq / f"S005_001_{f:08d}.png", (30, 40), value=f * 50)
    e = tmp_path / "Emotion" / "S005" / "001"; e.mkdir(parents=True)
    (e / "S005_001_00000003_emotion.txt").write_text("   3.0000000e+00\n")            # 3 = disgust
    fa = tmp_path / "FACS" / "S005" / "001"; fa.mkdir(parents=True)
    (fa / "S005_001_00000003_facs.txt").write_text("   9.0000000e+00   0.0000000e+00\n   1.7000000e+01   0.0000000e+00\n")
    lm = tmp_path / "Landmarks" / "S005" / "001"; lm.mkdir(parents=True)
    for f in (1, 3):
        (lm / f"S005_001_{f:08d}_landmarks.txt").write_text("".join(f"{i}.0 {2 * i}.0\n" for i in range(68)))
    fs = load_ckplus(tmp_path, neutral_first=True, au_names=("AU4", "AU9", "AU17"))
    assert [fs.classes[k] for k in fs.label] == ["disgust", "neutral"] and fs.meta.frame.tolist() == ["peak", "first"]
    assert fs.images[0].mean() == 150 and fs.aus.tolist()[0] == [0, 1, 1] and fs.landmarks5.shape == (2, 5, 2)
    assert fs.meta.subject[0] == "S005"
    (e / "S005_001_00000003_emotion.txt").write_text("9\n")
    with pytest.raises(ValueError, match="emotion code 9 is outside 0..7"):
        load_ckplus(tmp_path)


def test_jaffe_ratings_threshold(tmp_path):
    from fer_nb.data import load_jaffe
    for n in ("KA.AN1.39.tiff", "KA.HA2.30.tiff"):
        Image.fromarray(np.zeros((16, 16), np.uint8)).save(tmp_path / n)
    (tmp_path / "semantic.txt").write_text("#  HAP SAD SUR ANG DIS FEA PIC\n1 1.2 2.0 1.5 4.1 3.0 1.1 KA-AN1\n2 4.8 1.0 2.9 1.0 1.0 1.0 KA-HA2\n")
    fs = load_jaffe(tmp_path)
    assert [fs.classes[k] for k in fs.label] == ["anger", "happiness"]
    # BASIC6 order: surprise, fear, disgust, happiness, sadness, anger
    assert fs.labels.tolist() == [[0, 0, 1, 0, 0, 1], [0, 0, 0, 1, 0, 0]]
    assert load_jaffe(tmp_path, inclusive=False).labels.tolist()[0] == [0, 0, 0, 0, 0, 1]
    Image.fromarray(np.zeros((16, 16), np.uint8)).save(tmp_path / "KA.XX1.1.tiff")
    with pytest.raises(ValueError, match="KA.XX1.1.tiff: file name is not subject.expressionN.id.tiff"):
        load_jaffe(tmp_path)


def test_sfew_and_affectnet(tmp_path):
    from fer_nb.data import load_affectnet, load_sfew
    _img(tmp_path / "sfew" / "Train" / "Angry" / "a.png", (20, 20)); _img(tmp_path / "sfew" / "Val" / "Happy" / "b.png", (20, 20))
    fs = load_sfew(tmp_path / "sfew")
    assert fs.meta.split.tolist() == ["train", "valid"] and [fs.classes[k] for k in fs.label] == ["anger", "happiness"]
    lists = tmp_path / "aff" / "Manually_Annotated_file_lists"; lists.mkdir(parents=True)
    head = "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal\n"
    (lists / "training.csv").write_text(head + '1/a.jpg,10,10,50,50,"1;2",7,0.5,-0.2\n2/b.jpg,0,0,9,9,"1;2",9,-2,-2\n')
    (lists / "validation.csv").write_text(head + '3/c.jpg,0,0,9,9,"1;2",1,0.9,0.1\n')
    fa = load_affectnet(tmp_path / "aff")
    assert [fa.classes[k] if k >= 0 else None for k in fa.label] == ["contempt", None, "happiness"]
    assert fa.meta.affectnet_code[1] == 9 and fa.meta.split.tolist() == ["train", "train", "valid"]
    (lists / "validation.csv").write_text(head + '3/c.jpg,0,0,9,9,"1;2",12,0.9,0.1\n')
    with pytest.raises(ValueError, match="validation.csv, line 2: expression '12' is outside 0..10"):
        load_affectnet(tmp_path / "aff")


def test_rafdb_distribution_file_and_torch_view(tmp_path):
    import torch
    from fer_nb.faceset import FaceDataset
    d = rafdb_tree(tmp_path)
    (d / "EmoLabel" / "distribution.txt").write_text("train_00001.jpg 0 0 0 0 2 0 2\ntrain_00002.jpg 1 0 0 0 0 0 0\ntest_0001.jpg 0 0 0 0 0 0 1\n")
    fs = load_rafdb(tmp_path)
    assert fs.distribution[0].tolist() == [0, 0, 0, 0, 0.5, 0, 0.5]
    xb, yb = next(iter(torch.utils.data.DataLoader(FaceDataset(fs, target="distribution"), batch_size=3)))
    assert tuple(xb.shape) == (3, 1, 100, 100) and float(xb.max()) <= 1 and yb.shape == (3, 7)
    (d / "EmoLabel" / "distribution.txt").write_text("train_00001.jpg 0 0 0 0 2 0 2\n")
    with pytest.raises(ValueError, match="no distribution for 2 images"):
        load_rafdb(tmp_path)


def test_data_check_dfew_missing_clip(tmp_path):
    import shutil
    from fer_nb.datacheck import check_dataset
    dfew_tree(tmp_path)
    rep, ok = check_dataset(tmp_path, "dfew")
    assert ok, rep
    shutil.rmtree(tmp_path / "data_affine" / "single_label" / "data" / "00004")
    rep, ok = check_dataset(tmp_path, "dfew")
    assert not ok and "00004" in rep and "clip folder not found" in rep
