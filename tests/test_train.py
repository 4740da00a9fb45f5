"fit with stateful losses: resume after a kill, and two gloo processes under torchrun against one process."
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from fer_nb.losses import CenterLoss, FeatureBank, LPLoss
from fer_nb.models import BaseDCNN
from fer_nb.synth import make_faceset
from fer_nb.train import fit

HERE = Path(__file__).parent


def _run(tmp, stop_at=None):
    fs = make_faceset(120, "lab", seed=0)
    torch.manual_seed(0)
    model = BaseDCNN(7, width=0.125, feat_dim=32)
    lp, cl = LPLoss(k=3, bank=FeatureBank(fs.label, 32)), CenterLoss(7, 32)
    fit(model, fs, aux_losses=[(0.01, lp), (0.01, cl)], iterations=8, batch_size=16, seed=1, progress=False, device="cpu",
        eval_every=8, milestones=(5,), checkpoint=tmp / "c.pt", checkpoint_every=3, stop_at=stop_at)
    return model, lp, cl


def test_resume_restores_the_lp_bank_and_centres(tmp_path):
    full = _run(tmp_path / "a")
    _run(tmp_path / "b", stop_at=4)                          # killed after a checkpoint at 3 and one more step
    resumed = _run(tmp_path / "b")
    for a, b in zip(full[0].state_dict().values(), resumed[0].state_dict().values()): assert torch.equal(a, b)
    assert torch.equal(full[1].bank.features, resumed[1].bank.features) and full[1].bank.filled.sum() > 0
    assert torch.equal(full[2].centres, resumed[2].centres)


@pytest.mark.skipif(shutil.which("torchrun") is None, reason="torchrun not on PATH")
def test_two_gloo_processes_train_like_one(tmp_path):
    out = tmp_path / "ddp.pt"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run(["torchrun", "--standalone", "--nproc_per_node", "2", str(HERE / "_ddp_fit.py"), str(out)],
                       env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    ddp = torch.load(out, weights_only=True)
    assert ddp["world"] == 2
    sys.path.insert(0, str(HERE))
    from _ddp_fit import run
    model, lp, cl = run()                                    # the same training in this single process
    for k, v in model.state_dict().items(): torch.testing.assert_close(ddp["model"][k], v, rtol=1e-4, atol=1e-5, msg=k)
    torch.testing.assert_close(ddp["bank"], lp.bank.features, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(ddp["centres"], cl.centres, rtol=1e-4, atol=1e-5)
    srt = lambda t: t[t[:, 2].argsort()]                     # rows (iteration, epoch, sample, old, new), by sample: shards interleave
    assert len(model.relabels) > 0 and torch.equal(srt(ddp["relabels"]), srt(model.relabels))


def test_a_net_asked_for_twice_at_once_is_trained_once(tmp_path):
    "A second process (here a thread) asking for a net that is being trained waits for it, then reads its checkpoint."
    import threading
    import time
    from fer_nb.core import Run
    from fer_nb.train import _fit, _training_lock
    run = Run("lock_demo", "adhoc", tmp_path)                          # collects what each fit trained
    fs = make_faceset(120, "lab", seed=0)
    kw = dict(iterations=6, batch_size=16, seed=1, progress=False, device="cpu", eval_every=6, checkpoint=tmp_path / "n.pt")
    with _training_lock(tmp_path / "n.pt"):                            # "another process" is training this net
        t = threading.Thread(target=lambda: fit(BaseDCNN(7, width=0.125, feat_dim=32), fs, **kw))
        t.start(); time.sleep(1.0)
        assert t.is_alive() and not (tmp_path / "n.pt").exists()        # waiting, not training
        _fit(BaseDCNN(7, width=0.125, feat_dim=32), fs, **kw)           # ... and finishes it
    t.join(30)
    nets = [c for c in run.costs if c["stage"] == "net"]
    assert [c["iterations"] for c in nets] == [6, 0]                   # trained once, then read
    run.abort()
