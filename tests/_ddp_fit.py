"Run by test_train.py under `torchrun --nproc_per_node 2`: a few iterations of fit with the LP (bank) and center losses and a relabel rule, on CPU (gloo)."
import sys

import torch

from fer_nb.losses import CenterLoss, FeatureBank, LPLoss
from fer_nb.models import BaseDCNN
from fer_nb.synth import make_faceset
from fer_nb.train import distributed, fit


def run(out=None):
    fs = make_faceset(120, "lab", seed=0)
    torch.manual_seed(0)
    model = BaseDCNN(7, width=0.125, feat_dim=32)
    lp, cl = LPLoss(k=3, bank=FeatureBank(fs.label, 32)), CenterLoss(7, 32)
    to6 = lambda epoch, logits, y: torch.where(y == 0, torch.full_like(y, 6), y)    # every shard's changes must reach every process
    h = fit(model, fs, aux_losses=[(0.01, lp), (0.01, cl)], iterations=6, batch_size=16, seed=1, progress=False, device="cpu",
            eval_every=6, milestones=(4,), relabel=to6)
    model.relabels = torch.tensor(h.attrs["relabels"].to_numpy())
    rank, world = distributed()
    if out and rank == 0:
        torch.save({"model": model.state_dict(), "bank": lp.bank.features, "centres": cl.centres, "world": world, "relabels": model.relabels}, out)
    return model, lp, cl


if __name__ == "__main__":
    run(sys.argv[1])
