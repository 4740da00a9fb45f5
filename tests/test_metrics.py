"Metric properties beyond the notebook's hand-computed cases."
import numpy as np
import pytest
from sklearn.metrics import balanced_accuracy_score, confusion_matrix as sk_cm

from fer_nb.metrics import accuracy, chance_predictions, confusion_matrix, mean_diagonal, per_class_recall


@pytest.mark.parametrize("seed", range(5))
def test_against_sklearn(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(10, 300))
    y, p = rng.integers(0, 7, n), rng.integers(0, 7, n)
    assert np.array_equal(confusion_matrix(y, p, 7), sk_cm(y, p, labels=range(7)))
    assert mean_diagonal(y, p, 7) == pytest.approx(balanced_accuracy_score(y, p))
    assert accuracy(y, p) == pytest.approx((y == p).mean())


def test_mean_diagonal_ignores_class_frequency_accuracy_does_not():
    # same per-class recalls, different class sizes: the mean diagonal is unchanged
    y1 = np.repeat([0, 1], [10, 10]); p1 = np.r_[np.zeros(9, int), [1], np.zeros(5, int), np.ones(5, int)]
    y2 = np.repeat([0, 1], [100, 10]); p2 = np.r_[np.zeros(90, int), np.ones(10, int), np.zeros(5, int), np.ones(5, int)]
    assert per_class_recall(y1, p1) == pytest.approx([0.9, 0.5])
    assert per_class_recall(y2, p2) == pytest.approx([0.9, 0.5])
    assert mean_diagonal(y1, p1) == pytest.approx(mean_diagonal(y2, p2)) == pytest.approx(0.7)
    assert accuracy(y1, p1) == pytest.approx(0.7) and accuracy(y2, p2) == pytest.approx(95 / 110)


def test_perfect_and_worst():
    y = np.arange(7).repeat(3)
    assert mean_diagonal(y, y) == 1.0 and accuracy(y, y) == 1.0
    assert mean_diagonal(y, (y + 1) % 7) == 0.0


def test_uniform_chance_is_one_over_c():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(7), [1290, 281, 717, 4772, 1982, 705, 2524])
    md = np.mean([mean_diagonal(y, chance_predictions(len(y), 7, rng=rng), 7) for _ in range(30)])
    assert md == pytest.approx(1 / 7, abs=0.005)


@pytest.mark.parametrize("bad,msg", [
    (([0, 1], [0]), "y_true has 2 labels but y_pred has 1"),
    (([[0, 1]], [[0, 1]]), "must be 1-d"),
    (([], []), "empty"),
])
def test_bad_input_messages(bad, msg):
    with pytest.raises(ValueError, match=msg):
        mean_diagonal(*bad)
