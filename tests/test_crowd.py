"RAF-DB's EM and the partition rules on simulated crowds with known truth."
import numpy as np
import pandas as pd
import pytest

from fer_nb.crowd import ReliabilityEM, Votes, fleiss_kappa, majority_vote, partition, weighted_distribution
from fer_nb.synth import make_crowd, make_faceset


@pytest.fixture(scope="module")
def faces():
    return make_faceset(1200, "wild", kinds=("basic", "compound"), seed=11)


@pytest.mark.parametrize("spam", [0.3, 0.5])
def test_em_beats_majority_with_spammers(faces, spam):
    df, truth = make_crowd(faces.distribution, faces.meta.easiness, spammer_share=spam, votes_per_item=8, seed=3)
    v = Votes(df)
    em = ReliabilityEM().fit(v)
    t = truth["true_label"][v.items]
    assert (em.labels_ == t).mean() > (majority_vote(v, np.random.default_rng(0)) == t).mean()


def test_partition_recovers_kinds(faces):
    df, truth = make_crowd(faces.distribution, faces.meta.easiness, seed=4)
    v = Votes(df)
    em = ReliabilityEM().fit(v)
    kind = faces.meta.kind.to_numpy()[v.items]
    rate = {}
    for name, G in (("crowd", weighted_distribution(v, em.alpha_, em.keep_)), ("truth", faces.distribution[v.items])):
        p = partition(G)
        rate[name] = ((p.subset[kind == "basic"] == "single").mean(), (p.subset[kind == "compound"] == "compound").mean())
    # on the true distributions the rules recover the kinds; 40 noisy votes blur basic faces towards two labels
    assert rate["truth"][0] > 0.85 and rate["truth"][1] > 0.95
    assert rate["crowd"][0] > 0.65 and rate["crowd"][1] > 0.85 and rate["crowd"][0] <= rate["truth"][0]


def test_votes_validation():
    df = pd.DataFrame({"item": [1, 1], "annotator": ["w", "w"], "label": ["a", "b"]})
    with pytest.raises(ValueError, match="voted more than once"):
        Votes(df)
    assert Votes(df, duplicates="first").counts().sum() == 1
    with pytest.raises(ValueError, match="missing values"):
        Votes(df.assign(label=[None, "a"]))
    with pytest.raises(ValueError, match="empty"):
        Votes(df.iloc[:0])


def test_kappa_bounds():
    rng = np.random.default_rng(0)
    random_votes = np.stack([np.bincount(rng.integers(0, 7, 10), minlength=7) for _ in range(500)])
    assert abs(fleiss_kappa(random_votes)) < 0.05
    assert fleiss_kappa(np.eye(7)[rng.integers(0, 7, 100)] * 10) == pytest.approx(1.0)
