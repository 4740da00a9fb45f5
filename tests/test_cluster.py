"""Experiments and sweeps as Dask tasks (lesson 11b_cluster): bad input refused before anything runs, naming it; a LocalCluster
of 2 workers gives the threaded run's metrics (a sweeping experiment included); a worker killed mid-notebook loses nothing."""
import json
import os
import signal
import threading
import time

from conftest import fer_nb, write_notebook
from test_interrupt import BODY, PARAMS, _iteration

from fer_nb.compare import MACHINE, _flat


def test_bad_cluster_input_is_refused_naming_it(tmp_path):
    out = ["--only", "rafdb_naive_detector", "--out", str(tmp_path)]
    for args, says in (
        (["--cluster", "local:0"], "at least one worker"),
        (["--cluster", "head:8786"], "expected local:N"),
        (["--gpus-per-task", "1"], "--gpus-per-task needs --cluster"),
        (["--cluster", "local:1", "--gpus-per-task", "-1"], "--gpus-per-task must be >= 0"),
    ):
        r = fer_nb("reproduce", *out, *args)
        assert r.returncode == 2 and says in r.stdout + r.stderr, (args, r.stdout, r.stderr)
    t0 = time.time()
    r = fer_nb("reproduce", *out, "--cluster", "tcp://127.0.0.1:9")
    assert r.returncode == 2 and "tcp://127.0.0.1:9" in r.stderr + r.stdout, r.stdout + r.stderr
    assert time.time() - t0 < 90, "an unreachable scheduler must fail fast, not hang"
    import torch
    if not torch.cuda.is_available():
        r = fer_nb("run", "rafdb_naive_detector", "--cluster", "local:1", "--gpus-per-task", "1", "--out", str(tmp_path))
        assert r.returncode == 2 and "this machine has 0" in r.stdout + r.stderr, r.stdout + r.stderr
    assert not (tmp_path / "results").exists()                # nothing ran


def test_local_cluster_gives_the_threaded_metrics(tmp_path):
    "`dlp_lambda_k` sweeps its λ / k points: on the cluster they become tasks beside the notebook's own."
    names = ["rafdb_naive_detector", "dlp_lambda_k"]
    a = fer_nb("reproduce", "--profile", "smoke", "--only", *names, "--jobs", "2", "--out", str(tmp_path / "threads"), timeout=1200)
    assert a.returncode == 0, a.stdout + a.stderr
    b = fer_nb("reproduce", "--profile", "smoke", "--only", *names, "--cluster", "local:2", "--out", str(tmp_path / "dask"),
               timeout=1200)
    assert b.returncode == 0, b.stdout + b.stderr
    assert b.stdout.count("on worker") == 2, b.stdout
    c = fer_nb("compare", str(tmp_path / "dask"), str(tmp_path / "threads"))
    assert c.returncode == 0 and "reproduced within noise: 2 experiments" in c.stdout, c.stdout + c.stderr
    for name in names:  # not only within noise: the same numbers, the machine's own (seconds, memory) aside
        got, ref = ({k: v for k, v in _flat(json.loads((d / "results" / name / "results.json").read_text())["metrics"]).items()
                     if not MACHINE.search(k)} for d in (tmp_path / "dask", tmp_path / "threads"))
        assert got == ref, {k: (got.get(k), ref.get(k)) for k in set(got) | set(ref) if got.get(k) != ref.get(k)}
    assert (tmp_path / "dask" / "REPORT.md").exists()


def test_a_worker_killed_mid_notebook_loses_nothing(tmp_path):
    "SIGKILL to the worker running a training notebook: Dask reruns the task elsewhere, it resumes to the same weights."
    from fer_nb.cli import execute
    from fer_nb.cluster import close_client, cluster_client, run_queue

    nb = write_notebook(tmp_path / "interrupt.ipynb", PARAMS, BODY)
    a, b = tmp_path / "a", tmp_path / "b"
    r = fer_nb("run", str(nb), "--out", str(a))
    assert r.returncode == 0, r.stdout + r.stderr
    ref = json.loads((a / "results" / "interrupt" / "results.json").read_text())["metrics"]
    client = cluster_client("local:2")
    try:
        done = []
        job = (nb, b, {"profile": "adhoc", "out_root": str(b)})
        t = threading.Thread(target=lambda: done.extend(run_queue(client, [job], execute, report=lambda r: None)))
        t.start()
        ck, t0 = b / "checkpoints" / "run.pt", time.time()
        while _iteration(ck) < 30 and t.is_alive() and time.time() - t0 < 300:
            time.sleep(0.2)
        assert t.is_alive(), "the notebook ended before its worker could be killed: make it longer"
        busy = [w for w, keys in client.processing().items() if keys]
        assert len(busy) == 1, busy
        pid = client.run(os.getpid, workers=busy)[busy[0]]
        os.kill(pid, signal.SIGKILL)
        stopped_at = _iteration(ck)
        t.join(timeout=600)
        assert not t.is_alive() and done and done[0]["ok"], done
        assert done[0]["worker"] is not None
    finally:
        close_client(client)
    assert 30 <= stopped_at < 240
    got = json.loads((b / "results" / "interrupt" / "results.json").read_text())["metrics"]
    assert got["start"] >= 30                                  # resumed from a checkpoint, not from scratch
    assert got["weights"] == ref["weights"] and got["val_accuracy"] == ref["val_accuracy"]
    left = [q for q in b.rglob("*") if (q.name.startswith(".") or ".tmp" in q.name) and q.parent.name != "checkpoints"]
    assert not left, f"partial files left behind: {left}"
    # a checkpoint write the kill interrupted leaves a temporary file; the resumed run removes it at its next write
    stray = [q for q in (b / "checkpoints").iterdir() if q.name != "run.pt" and q.suffix != ".lock"]
    assert not stray, stray
