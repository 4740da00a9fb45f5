"""Interrupted runs: a training notebook killed half-way (SIGTERM, then SIGKILL, kernel included) leaves no partial or corrupt
file, and its rerun resumes from the last checkpoint and ends with the very weights of an uninterrupted run (CPU)."""
import json
import os
import signal
import subprocess
import time

import torch

from conftest import ROOT, fer_nb, write_notebook

PARAMS = "profile = 'adhoc'\nout_root = ''\niterations = 240"
BODY = """
import hashlib
from pathlib import Path
import torch
from fer_nb.core import Run
from fer_nb.synth import make_faceset
from fer_nb.train import fit, new_net, recipe
run = Run("interrupt", profile, out_root)
fs = make_faceset(300, "wild", seed=0)
tr, te = fs.where(split="train"), fs.where(split="test")
ck = Path(out_root) / "checkpoints" / "run.pt"; ck.parent.mkdir(parents=True, exist_ok=True)
start = int(torch.load(ck, weights_only=True)["iteration"]) if ck.exists() else 0
torch.manual_seed(0); model = new_net("fercnn", len(tr.classes), width=0.125, size=32)
kw = {**recipe("cpu", size=32, batch_size=32, threads=1), "progress": False}
h = fit(model, tr, te, **kw, iterations=iterations, seed=0, eval_every=iterations, checkpoint=ck, checkpoint_every=10)
w = hashlib.sha1(b"".join(v.numpy().tobytes() for v in model.state_dict().values())).hexdigest()
run.log(start=start, weights=w, val_accuracy=float(h.val_accuracy.iloc[-1]))
run.finish()
"""


def _iteration(ck):
    try: return int(torch.load(ck, weights_only=True)["iteration"])
    except Exception: return 0                                # not written yet (it is replaced atomically, never half-written)


def _descendants(pid):
    "Every process below `pid` (from /proc: papermill's kernel runs in a session of its own, out of reach of killpg)."
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try: ppid = int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError): continue
            kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        for c in kids.get(todo.pop(), []): out.append(c); todo.append(c)
    return out


def _kill_tree(p):
    procs = [p.pid] + _descendants(p.pid)
    for q in procs:
        try: os.kill(q, signal.SIGTERM)
        except ProcessLookupError: pass
    time.sleep(2)
    for q in procs:
        try: os.kill(q, signal.SIGKILL)
        except ProcessLookupError: pass
    p.wait(timeout=30)


def test_killed_run_leaves_nothing_partial_and_resumes_to_the_same_weights(tmp_path):
    nb = write_notebook(tmp_path / "interrupt.ipynb", PARAMS, BODY)
    a, b = tmp_path / "a", tmp_path / "b"
    r = fer_nb("run", str(nb), "--out", str(a))
    assert r.returncode == 0, r.stdout + r.stderr
    ref = json.loads((a / "results" / "interrupt" / "results.json").read_text())["metrics"]
    p = subprocess.Popen(["fer-nb", "run", str(nb), "--out", str(b)], cwd=ROOT, env={**os.environ, "MPLBACKEND": "Agg"},
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    ck, t0 = b / "checkpoints" / "run.pt", time.time()
    while _iteration(ck) < 30 and p.poll() is None and time.time() - t0 < 300: time.sleep(0.2)
    assert p.poll() is None, "the run ended before it could be interrupted: make it longer"
    _kill_tree(p)
    stopped_at = _iteration(ck)
    assert 30 <= stopped_at < 240
    left = [q for q in b.rglob("*") if q.name.startswith(".") or ".tmp" in q.name]
    assert not left, f"partial files left behind: {left}"
    assert not (b / "results").exists() and not (b / "notebooks" / "interrupt.ipynb").exists()
    assert not (b / "figures").exists() and not (b / "tables").exists()
    r = fer_nb("run", str(nb), "--out", str(b))
    assert r.returncode == 0, r.stdout + r.stderr
    got = json.loads((b / "results" / "interrupt" / "results.json").read_text())["metrics"]
    assert got["start"] == stopped_at                          # resumed from the last checkpoint, not from scratch
    assert got["weights"] == ref["weights"] and got["val_accuracy"] == ref["val_accuracy"]


def test_killed_reproduce_leaves_nothing_partial_and_reruns(tmp_path):
    "The same through `fer-nb reproduce` (its own progress bar and REPORT.md), on a smoke training experiment."
    out = tmp_path / "smoke"
    p = subprocess.Popen(["fer-nb", "reproduce", "--profile", "smoke", "--only", "dlp_cnn_rafdb", "--out", str(out)], cwd=ROOT,
                         env={**os.environ, "MPLBACKEND": "Agg"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    t0 = time.time()                                           # wait for the kernel to run cells: its Run folder is staged
    while not list(out.glob(".staging-dlp_cnn_rafdb-*")) and p.poll() is None and time.time() - t0 < 300: time.sleep(0.2)
    time.sleep(3)
    assert p.poll() is None, "the run ended before it could be interrupted"
    _kill_tree(p)
    left = [q for q in out.rglob("*") if q.name.startswith(".") or ".tmp" in q.name]
    assert not left, f"partial files left behind: {left}"
    assert not (out / "results" / "dlp_cnn_rafdb").exists() and not (out / "notebooks" / "dlp_cnn_rafdb.ipynb").exists()
    r = fer_nb("reproduce", "--profile", "smoke", "--only", "dlp_cnn_rafdb", "--out", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads((out / "results" / "dlp_cnn_rafdb" / "results.json").read_text())["claims"]
    assert (out / "REPORT.md").read_text().count("dlp_cnn_rafdb") >= 1
