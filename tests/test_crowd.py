"RAF-DB's EM and the partition rules on simulated crowds with known truth."
import numpy as np
import pandas as pd
import pytest

from fer_nb.crowd import (ReliabilityEM, Votes, bench, compare_aggregators, crowdkit_available, cronbach_alpha, fleiss_kappa,
                          majority_vote, partition, vote_alpha, weighted_distribution)
from fer_nb.synth import make_crowd, make_faceset, simulate_crowd


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


def test_em_objective_is_monotone_and_converges():
    # a hard crowd: few votes, many spammers, RAF-DB-like label mix
    df, _ = simulate_crowd(3000, votes_per_item=6, spammer_share=0.4, seed=7)
    em = ReliabilityEM(tol=1e-9, max_iter=200).fit(df)
    assert em.converged_
    assert np.all(np.diff(em.objective_) >= -1e-8 * abs(em.objective_[-1]))   # float32 per-vote sums: ~1e-9 noise


def test_em_labels_do_not_depend_on_label_names():
    df, _ = simulate_crowd(500, votes_per_item=8, spammer_share=0.2, seed=2)
    a = ReliabilityEM().fit(df).labels_
    renamed = df.assign(label=df.label.cat.codes.astype(int) + 10)          # integer labels, other names
    b = ReliabilityEM().fit(renamed).labels_
    assert (a == b).all()


def test_vote_alpha_tracks_agreement():
    rng = np.random.default_rng(1)
    sharp = rng.multinomial(10, [0.85] + [0.025] * 6, 400)
    vague = rng.multinomial(10, [0.3] + [0.7 / 6] * 6, 400)
    assert vote_alpha(sharp) > vote_alpha(vague)
    with pytest.raises(ValueError, match="undefined"):
        cronbach_alpha(np.ones((5, 3)))


def test_compare_and_bench_report_every_method():
    df, t = simulate_crowd(300, votes_per_item=10, spammer_share=0.3, seed=4)
    summary, labels, rel = compare_aggregators(df, t["true_label"], methods=("majority", "EM"))
    assert list(summary.index) == ["majority", "EM"] and labels.shape == (300, 2) and rel.shape[1] == 1
    b = bench(n=200, votes_per_item=10)
    want = {"majority", "EM"} | ({"DawidSkene", "GLAD"} if crowdkit_available() else set())
    assert want <= set(b.method) and (b.loc[b.method == "EM", "seconds_vs_EM"] == 1).all()
