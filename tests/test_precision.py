"""No net diverges in either precision: every architecture the library builds trains a few steps under float32 and under
bfloat16 autocast, on any CPU (where bfloat16 is not native it is emulated: slower, same arithmetic), with finite losses that fall.

Shapes are the smoke profile's (clips of 8 frames at 48 px, thin widths): the C3D of that profile went NaN at iteration 2 under
bfloat16 on AVX-512 CPUs (a wrong oneDNN weight gradient; see `fer_nb.video_models.Conv3d`)."""
import numpy as np
import pytest
import torch

from fer_nb.models import MODELS, make_model
from fer_nb.scn import SCN, Relabel, scn_objective
from fer_nb.train import aux_losses_for, fit
from fer_nb.video_models import VIDEO_MODELS, make_video_model

N, B, C, STEPS = 16, 8, 7, 12


class _Tensors:
    "A fixed set of N samples (images or clips) with labels: `fit`'s training set and its `inputs` at once."
    eval_batch_size = N

    def __init__(self, shape, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.rand((N, *shape), generator=g)
        self.label = np.arange(N) % C
        self.classes = [str(c) for c in range(C)]
        d = np.random.default_rng(seed).dirichlet(np.ones(C), N).astype(np.float32)
        self.distribution = d
    def __len__(self): return N
    def train_batch(self, fs, idx, gen=None): return self.x[torch.as_tensor(idx)]
    def eval_batch(self, fs, idx): return self.x[torch.as_tensor(idx)]


def _losses(model, data, precision, **kw):
    torch.manual_seed(0)
    h = fit(model, data, inputs=data, iterations=STEPS, batch_size=B, optimizer="adam", lr=1e-3, milestones=(STEPS,), eval_every=1,
            device="cpu", progress=False, precision=precision, head_weight_decay=None, weight_decay=0.0, **kw)
    return h.loss.to_numpy()


def _check(losses):
    assert np.isfinite(losses).all(), losses
    assert losses[-3:].mean() < losses[:3].mean(), losses        # the fixed 16 samples are being learnt


def _image(name):
    kw = {"fercnn": dict(width=0.25, in_size=48), "resnet18": dict(width=0.125, in_size=48)}.get(name, dict(width=0.125, in_size=48, feat_dim=64))
    return make_model(name, C, **kw)


PRECISIONS = ("float32", "bfloat16")


@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("name", sorted(MODELS))
def test_image_nets_train_in_both_precisions(name, precision):
    _check(_losses(_image(name), _Tensors((1, 48, 48)), precision))


@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("name", sorted(VIDEO_MODELS))
def test_video_nets_train_in_both_precisions(name, precision):
    torch.manual_seed(0)
    kw = {"blocks": 1} if name in ("r3d18", "resnet3d18", "p3d") else {}
    m = make_video_model(name, C, width=0.125, in_size=48, T=8, **kw)
    _check(_losses(m, _Tensors((1, 8, 48, 48)), precision, clip_grad=10.0))


@pytest.mark.parametrize("precision", PRECISIONS)
def test_scn_head_trains_in_both_precisions(precision):
    torch.manual_seed(0)
    scn = SCN(_image("resnet18"))
    obj = scn_objective(scn, gamma=0.5, beta=0.7, delta1=0.15)
    _check(_losses(scn, _Tensors((1, 48, 48)), precision, relabel=Relabel(delta2=0.2, start_epoch=1), **obj))


@pytest.mark.parametrize("precision", PRECISIONS)
def test_dbm_head_trains_in_both_precisions(precision):
    data = _Tensors((1, 48, 48))
    m = _image("fercnn")
    aux = aux_losses_for("dbm", data.label, m.feat_dim, C, lam=0.01, k=3, label_vectors=data.distribution)
    _check(_losses(m, data, precision, aux_losses=aux, targets="distribution"))
