"""Small, correct copies of every format's official layout, for the bad-input corpus (test_datacheck.py).

Each builder writes a tree under `root` and returns a `Layout`: the path `fer-nb data check` is given, the listed images (or clip
folders), and how to inject each label-file defect in that format (None where the format has no such thing: FER2013 keeps its
pixels in its CSV, an image-folder layout has no label file)."""
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from PIL import Image

from fer_nb.data import FERPLUS_COLUMNS


def img(path: Path, size=(48, 48), value=128, fmt=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full(size, value, np.uint8)).save(path, format=fmt)
    return path


def append(path: Path, text: str):
    with open(path, "a") as fh: fh.write(text)


@dataclass
class Layout:
    path: Path                                  # what `data check` is given
    images: list                                # listed image files (or, for DFEW, frame files of listed clips)
    label: Path | None = None                   # the label file a malformed line goes into
    bad_line: str | None = None                 # a malformed line for `label`
    unknown_class: Callable | None = None       # injects an unknown class name / out-of-range code; returns the file it changed
    empty_label: Callable | None = None         # empties the label file(s); returns the file
    image_dir: Path | None = None               # where an unlisted image can be dropped
    unlisted_name: str = "stray.png"
    missing: Callable | None = None             # overrides "delete a listed image" (DFEW: a listed clip's folder); returns its name
    unlisted: Callable | None = None            # overrides "drop an unlisted image"; returns its name
    listed_by_place: bool = False               # images are listed by where they lie (class folders, file names): none can be missing


def rafdb(root: Path) -> Layout:
    d = root / "basic"; (d / "EmoLabel").mkdir(parents=True)
    lab = d / "EmoLabel" / "list_patition_label.txt"
    names = [("train_00001.jpg", 5), ("train_00002.jpg", 1), ("test_0001.jpg", 7)]
    lab.write_text("".join(f"{n} {k}\n" for n, k in names))
    ims = [img(d / "Image" / "aligned" / f"{Path(n).stem}_aligned.jpg", (100, 100)) for n, _ in names]
    def unknown(): append(lab, "train_00003.jpg 9\n"); img(d / "Image" / "aligned" / "train_00003_aligned.jpg", (100, 100)); return lab
    def empty(): lab.write_text(""); return lab
    return Layout(root, ims, lab, "train_00004.jpg\n", unknown, empty, d / "Image" / "aligned", "stray_aligned.jpg")


def rafml(root: Path) -> Layout:
    (root / "EmoLabel").mkdir(parents=True)
    dist = root / "EmoLabel" / "distribution.txt"
    dist.write_text("0001.jpg 0.5 0 0 0.5 0 0\n0002.jpg 0 0 1 0 0 0\n")
    (root / "EmoLabel" / "partition_label.txt").write_text("0001.jpg 0\n0002.jpg 1\n")
    ims = [img(root / "Image" / "aligned" / f"{s}_aligned.jpg", (100, 100)) for s in ("0001", "0002")]
    def unknown(): dist.write_text("0001.jpg 0.5 0 0 0.5 0 0\n0002.jpg -1 0 0 0 0 0\n"); return dist   # no class for a negative share
    def empty(): dist.write_text(""); return dist
    return Layout(root, ims, dist, "0003.jpg 0.5 0.5\n", unknown, empty, root / "Image" / "aligned", "0009_aligned.jpg")


def dfew(root: Path, n_clips: int = 10) -> Layout:
    for kind in ("train", "test"): (root / "EmoLabel_DataSplit" / f"{kind}(single-labeled)").mkdir(parents=True)
    clips = np.arange(1, n_clips + 1)
    for k in range(1, 6):
        test = clips[(clips - 1) % 5 == k - 1]
        pd.DataFrame({"video_name": test, "label": (test % 7) + 1}).to_csv(root / "EmoLabel_DataSplit" / "test(single-labeled)" / f"set_{k}.csv", index=False)
        pd.DataFrame({"video_name": np.setdiff1d(clips, test), "label": 1}).to_csv(root / "EmoLabel_DataSplit" / "train(single-labeled)" / f"set_{k}.csv", index=False)
    data = root / "data_affine" / "single_label" / "data"
    ims = [img(data / f"{c:05d}" / f"{c:05d}_{f:05d}.jpg", (32, 32)) for c in clips for f in range(1, 4)]
    lab = root / "EmoLabel_DataSplit" / "test(single-labeled)" / "set_2.csv"
    def unknown(): append(lab, "2,9\n"); return lab
    def empty(): lab.write_text(""); return lab
    def missing():
        import shutil; shutil.rmtree(data / "00002"); return "00002"
    def unlisted(): img(data / "00099" / "00099_00001.jpg", (32, 32)); return "00099"
    return Layout(root, ims, lab, "2,1,extra\n", unknown, empty, data / "00001", "00001_00099.jpg", missing, unlisted)


def fer2013(root: Path) -> Layout:
    px = " ".join(["7"] * 2304)
    root.mkdir(parents=True, exist_ok=True)
    f = root / "fer2013.csv"; f.write_text(f"emotion,pixels,Usage\n0,{px},Training\n6,{px},PrivateTest\n")
    def unknown(): append(f, f"9,{px},Training\n"); return f
    def empty(): f.write_text(""); return f
    return Layout(root, [], f, "0,1 2 3,Training\n", unknown, empty)


def ferplus(root: Path, n: int = 4) -> Layout:
    d = root / "FER2013Train"; d.mkdir(parents=True)
    rows, lines, ims = [], [], []
    for i in range(n):
        name = f"fer{i:07d}.png"; ims.append(img(d / name, value=(10 * i) % 256))
        rows.append(f"Training,{name},4,0,0,1,3,2,0,0,0,0"); lines.append(f'{name},"(0, 0, 48, 48)",4,0,0,1,3,2,0,0,0,0')
    new = root / "fer2013new.csv"
    new.write_text(",".join(FERPLUS_COLUMNS) + "\n" + "\n".join(rows) + "\n"); (d / "label.csv").write_text("\n".join(lines) + "\n")
    def unknown(): append(new, "Holdout,fer0000099.png,4,0,0,1,3,2,0,0,0,0\n"); return new              # a Usage FER+ does not have
    def empty(): new.write_text(""); (d / "label.csv").write_text(""); return new
    return Layout(root, ims, d / "label.csv", 'fer0000001.png,"(0, 0, 48, 48)",4,x,0,1\n', unknown, empty, d, "fer0000077.png")


def folder(root: Path) -> Layout:
    ims = [img(root / c / f"{c}_{i}.png") for c in ("happy", "sad") for i in range(2)]
    def unknown(): img(root / "bored" / "b.png"); return root / "bored"
    return Layout(root, ims, None, None, unknown, None, None, listed_by_place=True)


def csv(root: Path) -> Layout:
    ims = [img(root / "images" / f"{i}.png") for i in range(3)]
    f = root / "labels.csv"; f.write_text("image,expression\n0.png,happy\n1.png,sad\n2.png,surprise\n")
    def unknown(): append(f, "0b.png,bored\n"); img(root / "images" / "0b.png"); return f
    def empty(): f.write_text(""); return f
    return Layout(root, ims, f, '"unclosed,quote\n', unknown, empty, root / "images", "stray.png")


def ckplus(root: Path) -> Layout:
    ims = []
    for s, seq, code in (("S005", "001", 3), ("S010", "002", 5)):
        d = root / "cohn-kanade-images" / s / seq
        ims += [img(d / f"{s}_{seq}_{f:08d}.png", (40, 40), value=40 * f) for f in range(1, 4)]
        e = root / "Emotion" / s / seq; e.mkdir(parents=True); (e / f"{s}_{seq}_00000003_emotion.txt").write_text(f"   {code}.0000000e+00\n")
    emo = root / "Emotion" / "S010" / "002" / "S010_002_00000003_emotion.txt"
    def unknown(): emo.write_text("   9.0000000e+00\n"); return emo
    def empty(): emo.write_text(""); return emo
    peaks = [p for p in ims if p.name.endswith("00000003.png")]        # the loader reads each sequence's peak frame
    return Layout(root, peaks, emo, "three\n", unknown, empty, None)


def jaffe(root: Path) -> Layout:
    root.mkdir(parents=True, exist_ok=True)
    ims = [img(root / n, (64, 64), fmt="TIFF") for n in ("KA.AN1.39.tiff", "KA.HA2.30.tiff")]
    r = root / "semantic.txt"; r.write_text("#  HAP SAD SUR ANG DIS FEA PIC\n1 1.2 2.0 1.5 4.1 3.0 1.1 KA-AN1\n2 4.8 1.0 2.9 1.0 1.0 1.0 KA-HA2\n")
    def unknown(): img(root / "KA.XX3.31.tiff", (64, 64), fmt="TIFF"); return root / "KA.XX3.31.tiff"
    def empty(): r.write_text(""); return r
    return Layout(root, ims, r, "3 1.0 2.0 KA-SU3\n", unknown, empty, None, listed_by_place=True)


def sfew(root: Path) -> Layout:
    ims = [img(root / "Train" / "Angry" / "a.png"), img(root / "Train" / "Happy" / "b.png"), img(root / "Val" / "Sad" / "c.png")]
    def unknown(): img(root / "Train" / "Bored" / "d.png"); return root / "Train" / "Bored"
    return Layout(root, ims, None, None, unknown, None, None, listed_by_place=True)


def affectnet(root: Path) -> Layout:
    lists = root / "Manually_Annotated_file_lists"; lists.mkdir(parents=True)
    head = "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal\n"
    tr = lists / "training.csv"; tr.write_text(head + '1/a.jpg,10,10,50,50,"1;2",7,0.5,-0.2\n1/b.jpg,0,0,9,9,"1;2",1,-0.2,-0.2\n')
    (lists / "validation.csv").write_text(head + '3/c.jpg,0,0,9,9,"1;2",1,0.9,0.1\n')
    ims = [img(root / "Manually_Annotated_Images" / p) for p in ("1/a.jpg", "1/b.jpg", "3/c.jpg")]
    def unknown(): append(tr, '1/d.jpg,0,0,9,9,"1;2",12,0.1,0.1\n'); img(root / "Manually_Annotated_Images" / "1" / "d.jpg"); return tr
    def empty(): tr.write_text(""); return tr
    return Layout(root, ims, tr, '1/e.jpg,0,0,9,9,"1;2",1,lots,0.1\n', unknown, empty, root / "Manually_Annotated_Images" / "1", "stray.jpg")


LAYOUTS = {"rafdb": rafdb, "rafml": rafml, "dfew": dfew, "fer2013": fer2013, "ferplus": ferplus, "folder": folder, "csv": csv,
           "ckplus": ckplus, "jaffe": jaffe, "sfew": sfew, "affectnet": affectnet}
