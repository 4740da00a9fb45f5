"DFEW's official layout streams into clip batches and trains the clip models with the one fit loop; a corrupt or missing clip fails with its path."
from pathlib import Path

import numpy as np
import pytest
import torch

from fer_nb.clips import ClipInput, fold_split
from fer_nb.data import load_dfew
from fer_nb.dfew import cross_validate, train_video

from test_data import dfew_tree


def test_dfew_layout_to_batches_and_training(tmp_path):
    dfew_tree(tmp_path, n_clips=20)
    cs = load_dfew(tmp_path)
    inp = ClipInput(T=4, size=32, crop=28, workers=2)
    x = inp.train_batch(cs, [0, 3, 5], torch.Generator().manual_seed(0))
    assert x.shape == (3, 1, 4, 28, 28) and 0 <= float(x.min()) and float(x.max()) <= 1
    tr, te = fold_split(cs, 1)
    assert set(te.meta.fold) == {1} and 1 not in set(tr.meta.fold) and len(tr) + len(te) == 20
    m, h = train_video(tr, te, "resnet18-lstm", "ec-stfl", width=0.125, iterations=3, batch_size=4, inputs=inp, tag="pytest", progress=False)
    assert h.iteration.iloc[-1] == 3 and np.isfinite(h.loss).all()
    cv = cross_validate(cs, "c3d", folds=[1, 2], width=0.125, iterations=2, batch_size=4, inputs=inp, tag="pytest", progress=False)
    assert list(cv["summary"].index) == [1, 2, "mean", "std"]


def test_missing_and_corrupt_clip_frames(tmp_path):
    dfew_tree(tmp_path, n_clips=10)
    cs = load_dfew(tmp_path)
    inp = ClipInput(T=4, size=32, crop=28, workers=1)
    d = tmp_path / "data_affine" / "single_label" / "data" / "00004"
    next(d.iterdir()).write_bytes(b"not a jpeg")
    with pytest.raises(Exception, match="00004"):
        inp.eval_batch(cs, [3])
    for f in d.iterdir(): f.unlink()
    with pytest.raises(ValueError, match="00004: clip folder holds no frames"):
        inp.eval_batch(cs, [3])
