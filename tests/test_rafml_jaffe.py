"rafml_domain_adaptation reads an official JAFFE folder from data_root: faces found and aligned, the real target named in results."
import json

import numpy as np
import pytest
from PIL import Image

from conftest import fer_nb


def jaffe_tree(root, n=30):
    from fer_nb.synth import make_faceset, render_unaligned
    un = render_unaligned(make_faceset(n, "lab", seed=7), 256, seed=0)
    codes, subjects = ["HA", "SA", "SU", "AN", "DI", "FE"], ["KA", "KL", "KM"]
    lines = ["#  HAP SAD SUR ANG DIS FEA PIC"]
    for i in range(n):
        c, s = codes[i % 6], subjects[i % 3]
        Image.fromarray(un["images"][i].mean(-1).astype(np.uint8)).save(root / f"{s}.{c}{i + 1}.{i + 10}.tiff")
        r = [1.0] * 6; r[i % 6] = 4.5; r[(i + 1) % 6] = 3.0 if i % 2 else 2.0
        lines.append(f"{i + 1} " + " ".join(map(str, r)) + f" {s}-{c}{i + 1}")
    (root / "semantic.txt").write_text("\n".join(lines) + "\n")


def test_domain_adaptation_on_official_jaffe(tmp_path):
    pytest.importorskip("dlib")
    (tmp_path / "data" / "jaffe").mkdir(parents=True)
    jaffe_tree(tmp_path / "data" / "jaffe")
    out = tmp_path / "out"
    r = fer_nb("run", "rafml_domain_adaptation", "-p", "data_root", str(tmp_path / "data"), "-p", "targets", '["jaffe"]', "-p", "n_faces", "400",
               "-p", "max_train", "300", "-p", "iterations", "4", "-p", "batch_size", "16", "-p", "ml_classifiers", '["CLR"]', "-p", "pca", "16",
               "--out", str(out))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    res = json.loads((out / "results" / "rafml_domain_adaptation" / "results.json").read_text())
    assert res["data"] == "synthfer+jaffe" and res["skipped"] == {}
    assert any(c["claim"].startswith("JAFFE (M2M)") for c in res["claims"])
    assert "Table 5 on the JAFFE target" in (out / "tables" / "rafml_domain_adaptation" / "table5.md").read_text()
