"Descriptors against scikit-image end to end, the AU table, and the classifiers on SynthFER faces."
import numpy as np
import pytest
from skimage.feature import hog as sk_hog, local_binary_pattern
from skimage.filters import gabor as sk_gabor

from fer_nb.features import (GABOR_FREQUENCIES, GABOR_THETAS, AUDetector, GaborBank, au_occurrence, au_table, describe,
                             hog_features, lbp_features, msvm)


@pytest.fixture(scope="module")
def faces():
    return (np.random.default_rng(1).random((3, 100, 100)) * 255).astype(np.uint8)


@pytest.mark.parametrize("k", [0, 13, 39])   # finest, middle and coarsest scales: different FFT groups
def test_gabor_features_equal_pooled_skimage_magnitude(faces, k):
    f, t = GABOR_FREQUENCIES[k // 8], GABOR_THETAS[k % 8]
    re, im = sk_gabor(faces[0].astype(float), f, t, bandwidth=1, mode="reflect")
    ref = np.hypot(re, im).reshape(10, 10, 10, 10).mean((1, 3))
    exact = GaborBank(samples=10).features(faces[:1]).reshape(40, 10, 10)[k]
    np.testing.assert_allclose(exact, ref, rtol=2e-3, atol=1e-3 * ref.max())
    fast = GaborBank().features(faces[:1]).reshape(40, 10, 10)[k]          # 25 demodulated samples per area on the coarser scales
    assert np.abs(fast - ref).max() < 0.05 * ref.mean(), np.abs(fast - ref).max() / ref.mean()
    if k < 8: np.testing.assert_allclose(fast, exact, rtol=1e-5, atol=1e-4)   # the finest scale keeps every pixel


def test_gabor_batches_do_not_change_features(faces):
    bank = GaborBank()
    np.testing.assert_allclose(bank.features(faces, batch=1), bank.features(faces, batch=3), rtol=1e-5, atol=1e-4)


def test_lbp_histograms_are_skimage_codes_per_region(faces):
    codes = local_binary_pattern(faces[1], 8, 2, "nri_uniform").astype(int)
    h = lbp_features(faces[1:2]).reshape(10, 10, 59)
    assert np.array_equal(h[3, 7], np.bincount(codes[30:40, 70:80].ravel(), minlength=59))


@pytest.mark.filterwarnings("ignore:Applying `local_binary_pattern` to floating-point")
def test_lbp_codes_bit_identical_to_skimage_on_ties():
    "A smooth float ramp makes many neighbours equal (or nearly equal) to the centre: the floating-point order must match."
    img = np.round(np.add.outer(np.arange(100), 2 * np.arange(100)) / 7.0) + np.eye(100)[::-1] * 0.5
    ours = lbp_features(img[None], grid=100).reshape(100, 100, 59).argmax(-1)
    assert np.array_equal(ours, local_binary_pattern(img, 8, 2, "nri_uniform").astype(int))


def test_lbp_invariant_to_gain_hog_to_gain_and_offset(faces):
    x = faces.astype(np.float64)
    assert np.array_equal(lbp_features(x), lbp_features(x * 4))
    np.testing.assert_allclose(hog_features(x), hog_features(x * 3 + 20), atol=1e-5)   # gradients ignore offset, L2 norm ignores gain


def test_hog_matches_skimage_on_a_face_like_image():
    yy, xx = np.mgrid[:100, :100]
    img = (128 + 100 * np.sin(xx / 7.0) * np.cos(yy / 11.0)).astype(np.uint8)
    ref = sk_hog(img, 10, (5, 5), (2, 2), block_norm="L2-Hys", feature_vector=False)[::2, ::2]
    np.testing.assert_allclose(hog_features(img[None])[0], ref.reshape(-1), atol=1e-5)


def test_describe_rejects_wrong_image_size():
    with pytest.raises(ValueError, match="not divisible"):
        describe(np.zeros((1, 95, 95)), ("lbp",))


def test_au_table_marks_and_blanks():
    A = np.array([[1, 0], [1, 0], [0, 1], [0, 0.05]])
    wild = au_occurrence(A, [0, 0, 1, 1], ("x", "y"), ("AU1", "AU2"))
    lab = au_occurrence(np.array([[1, 1], [1, 1], [0, 0], [0, 0]]), [0, 0, 1, 1], ("x", "y"), ("AU1", "AU2"))
    t = au_table(wild, lab)
    assert t.loc["x", "AU2"] == "<10*" and t.loc["y", "AU2"] == "50*" and t.loc["x", "AU1"] == "100" and t.loc["y", "AU1"] == ""


def test_classifiers_and_au_detector_learn_synthfer_lab_faces():
    from fer_nb.synth import AUS, make_faceset
    from fer_nb.metrics import mean_diagonal
    fs = make_faceset(420, "lab", seed=3)
    X = hog_features(fs.images); y = fs.label; tr = np.arange(len(y)) < 300
    p = msvm((0.01,), cv=2).fit(X[tr], y[tr]).predict(X[~tr])
    assert mean_diagonal(y[~tr], p, 7) > 0.6            # lab faces are easy: chance is 1/7
    Y = (fs.aus >= 0.1).astype(int)
    pa = AUDetector().fit(X[tr], Y[tr]).predict(X[~tr])
    j = AUS.index("AU12")
    assert (pa[:, j] == Y[~tr, j]).mean() > 0.8
