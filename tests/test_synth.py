"SynthFER, alignment and the training loop: properties a user relies on."
import numpy as np
import pytest
import torch

from fer_nb.core import BASIC7
from fer_nb.faceset import TEMPLATE5, align_face, apply_affine, similarity_matrix, vote_counts
from fer_nb.synth import (AUS, LAB, add_label_noise, au_vector, draw_nuisance, make_clipset, make_crowd, make_faceset,
                          make_identities, render_faces, sample_expressions, WILD)


@pytest.fixture(scope="module")
def wild():
    return make_faceset(300, "wild", kinds=("basic", "compound", "blend"), seed=5)


def test_faceset_shapes_and_truth(wild):
    assert wild.images.shape == (300, 100, 100) and wild.images.dtype == np.uint8
    assert np.allclose(wild.distribution.sum(1), 1, atol=1e-5)
    basic = wild.meta.kind.eq("basic").to_numpy()
    assert (wild.label[basic] == wild.distribution[basic].argmax(1)).mean() > 0.95
    assert (wild.label[~basic] == -1).all()
    assert set(wild.meta.kind) == {"basic", "compound", "blend"}


def test_aligned_landmarks_near_template(wild):
    # the crop is made by 5-point alignment: landmarks land within the annotation noise of the template
    err = np.abs(wild.landmarks5 - TEMPLATE5).max(axis=(1, 2))
    assert np.median(err) < 3.5


def test_alignment_recovers_random_similarity():
    rng = np.random.default_rng(0)
    for _ in range(20):
        th, s, t = rng.uniform(-1, 1), rng.uniform(0.3, 4), rng.uniform(-100, 100, 2)
        M = np.array([[s * np.cos(th), -s * np.sin(th), t[0]], [s * np.sin(th), s * np.cos(th), t[1]]])
        pts = apply_affine(M, TEMPLATE5)
        assert np.allclose(apply_affine(similarity_matrix(pts, TEMPLATE5), pts), TEMPLATE5, atol=1e-4)


def test_align_face_rejects_bad_input():
    with pytest.raises(ValueError, match="need 5"):
        align_face(np.zeros((50, 50), np.uint8), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="degenerate"):
        align_face(np.zeros((50, 50), np.uint8), np.zeros((5, 2)))
    with pytest.raises(TypeError, match="unsupported image dtype"):
        align_face(np.zeros((50, 50), np.complex64), TEMPLATE5)


def test_au_effect_is_local_and_monotone():
    bank = make_identities(2, seed=0)
    lv = np.linspace(0, 1, 5)
    A = np.zeros((5, len(AUS)), np.float32); A[:, AUS.index("AU12")] = lv
    nz = draw_nuisance(5, LAB.__class__(**{**LAB.__dict__, "noise": 0.0, "align_noise": 0.0, "blur": 0.0}), np.random.default_rng(0))
    for f in ("contrast", "gamma", "background", "light"):
        setattr(nz, f, np.repeat(getattr(nz, f)[:1], 5, 0))
    img = render_faces(bank, np.zeros(5, int), A, nz, align=False)["images"].astype(float)
    mouth = [np.abs(im - img[0])[64:90, 30:70].mean() for im in img]
    brows = [np.abs(im - img[0])[22:40, 20:80].mean() for im in img]
    assert np.all(np.diff(mouth) > 0) and brows[-1] < 0.25 * mouth[-1]


def test_wild_is_more_diverse_than_lab():
    rng = np.random.default_rng(1)
    m_l, A_l, _, _ = sample_expressions(400, LAB, rng)
    m_w, A_w, _, _ = sample_expressions(400, WILD, rng)
    dev = lambda m, A: ((A > 0) != (np.stack([au_vector(p) for p in m.prototype]) > 0)).any(1).mean()
    assert dev(m_l, A_l) == 0 and dev(m_w, A_w) > 0.3


def test_crowd_recovers_truth_and_tracks_reliability(wild):
    df, truth = make_crowd(wild.distribution, wild.meta.easiness, seed=1)
    assert list(df.columns) == ["item", "annotator", "label"]
    V = vote_counts(df, len(wild))
    basic = wild.meta.kind.eq("basic").to_numpy()   # blends have near-tied components: the majority may pick either
    good = (V.argmax(1) == truth["true_label"])[basic].mean()
    df2, t2 = make_crowd(wild.distribution, wild.meta.easiness, reliability_scale=0.2, votes_per_item=3, seed=1)
    bad = (vote_counts(df2, len(wild)).argmax(1) == t2["true_label"])[basic].mean()
    assert good > 0.95 and bad < good
    with pytest.raises(ValueError, match="labels outside"):
        vote_counts(df.assign(label=["bored"] * len(df)), len(wild))


@pytest.mark.parametrize("p", [0.1, 0.2, 0.3])
def test_label_noise_rate(p):
    y = np.random.default_rng(0).integers(0, 7, 30000)
    yn, flipped = add_label_noise(y, p, 7, seed=2)
    assert abs(flipped.mean() - p) < 0.01 and (yn[flipped] != y[flipped]).all()
    # flips go uniformly to the other classes
    to = np.bincount(((yn[flipped] - y[flipped]) % 7), minlength=7)[1:]
    assert to.min() > 0.8 * to.mean()


def test_clips_are_single_labelled_by_agreement():
    cs = make_clipset(10, seed=3)
    assert (cs.votes.sum(1) == 10).all()
    single = cs.label >= 0
    assert (cs.votes[single].max(1) >= 6).all() and (cs.votes[~single].max(1) < 6).all()
    assert all(len(f) == n for f, n in zip(cs.frames, cs.meta.n_frames))


def test_determinism_and_cache(tmp_path, monkeypatch):
    a = make_faceset(40, "lab", seed=9)
    b = make_faceset(40, "lab", seed=9)
    assert np.array_equal(a.images, b.images) and a.meta.equals(b.meta)


def test_bad_parameters_are_named():
    with pytest.raises(ValueError, match="unknown domain knob"):
        make_faceset(10, "wild", fog=0.3)
    with pytest.raises(ValueError, match="unknown domain 'mars'"):
        make_faceset(10, "mars")
    with pytest.raises(ValueError, match="noise rate"):
        add_label_noise([0, 1], -0.1, 7)


def test_fit_learns_lab_faces():
    from fer_nb.metrics import mean_diagonal
    from fer_nb.models import BaseDCNN
    from fer_nb.train import fit, predict
    fs = make_faceset(700, "lab", seed=4)
    tr, te = fs.where(split="train"), fs.where(split="test")
    torch.manual_seed(0)
    m = BaseDCNN(7, width=0.125, feat_dim=128)
    fit(m, tr, iterations=150, batch_size=32, milestones=(1000,), progress=False, device="cpu")
    md = mean_diagonal(te.label, predict(m, te, device="cpu")["pred"], 7)
    assert md > 0.4, md   # chance is 1/7
