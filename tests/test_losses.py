"LP loss variants agree with each other, and descending them does what the paper says."
import torch

from fer_nb.losses import CenterLoss, FeatureBank, LPLoss, lp_neighbours


def test_bank_variant_equals_batch_variant_when_the_bank_holds_the_batch():
    torch.manual_seed(1)
    x, y = torch.randn(40, 5), torch.randint(0, 4, (40,))
    bank = FeatureBank(y, 5); bank.update(torch.arange(40), x)
    a = LPLoss(k=3)(x, y)
    b = LPLoss(k=3, bank=bank)(x, y, torch.arange(40))
    torch.testing.assert_close(a, b)


def test_neighbours_are_same_class_and_nearest():
    torch.manual_seed(2)
    x, y = torch.randn(30, 2), torch.randint(0, 3, (30,))
    idx, mask = lp_neighbours(x, y, 4)
    d = torch.cdist(x, x)
    for i in range(30):
        same = [j for j in range(30) if j != i and y[j] == y[i]]
        want = sorted(same, key=lambda j: d[i, j].item())[:4]
        assert sorted(idx[i][mask[i]].tolist()) == sorted(want)


def test_descending_lp_shrinks_within_class_scatter_but_center_loss_moves_to_one_point():
    torch.manual_seed(3)
    # one class with two far-apart modes: LP keeps the modes, centre loss pulls them together
    x0 = torch.cat([torch.randn(20, 2) * 0.5 - 5, torch.randn(20, 2) * 0.5 + 5])
    y = torch.zeros(40, dtype=torch.long)
    for loss, name in ((LPLoss(k=5), "lp"), (CenterLoss(1, 2, alpha=0.5), "center")):
        x = x0.clone().requires_grad_(True)
        opt = torch.optim.SGD([x], lr=5.0)
        for _ in range(200):
            opt.zero_grad(); loss(x, y).backward(); opt.step()
        gap = (x[:20].mean(0) - x[20:].mean(0)).norm().item()
        spread = x[:20].std(0).mean().item()
        if name == "lp": assert gap > 10 and spread < 0.1      # modes kept, each mode compact
        else: assert gap < 1                                    # everything pulled to one centre
