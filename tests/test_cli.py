"CLI error paths and the atomic-output guarantee, through the installed `fer-nb` entry point."
import json

from conftest import fer_nb, write_notebook


def test_unknown_profile_lists_valid_ones():
    r = fer_nb("reproduce", "--profile", "fast")
    assert r.returncode == 2
    assert "unknown profile 'fast'; valid: smoke, cpu, paper" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_unknown_notebook_lists_experiments():
    r = fer_nb("reproduce", "--only", "no_such_experiment")
    assert r.returncode == 2 and "unknown notebook 'no_such_experiment'" in r.stderr
    assert "rafdb_naive_detector" in r.stderr
    r = fer_nb("run", "no_such_experiment")
    assert r.returncode == 2 and "unknown notebook" in r.stderr


def test_unknown_parameter_lists_valid_ones(tmp_path):
    r = fer_nb("run", "rafdb_naive_detector", "-p", "n_repeat", "3", "--out", str(tmp_path))
    assert r.returncode == 2
    assert "unknown parameter 'n_repeat' for rafdb_naive_detector; valid: n_repeats, out_root, precision, profile, seed" in r.stderr
    assert not any(tmp_path.iterdir()), "nothing may be written for a rejected call"


def test_wrong_parameter_type(tmp_path):
    r = fer_nb("run", "rafdb_naive_detector", "-p", "n_repeats", "many", "--out", str(tmp_path))
    assert r.returncode == 2 and "parameter 'n_repeats' of rafdb_naive_detector must be int" in r.stderr


def test_bad_jobs_and_report_profile():
    assert fer_nb("reproduce", "--jobs", "0").returncode == 2
    r = fer_nb("report", "--profile", "nope")
    assert r.returncode == 2 and "unknown profile 'nope'" in r.stderr


def test_missing_parameters_cell(tmp_path):
    nb = write_notebook(tmp_path / "noparams.ipynb", None, "print(1)")
    r = fer_nb("run", str(nb), "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "noparams.ipynb has no cell tagged 'parameters'" in r.stderr


def test_failing_notebook_leaves_no_half_written_outputs(tmp_path):
    body = ("import pandas as pd\nfrom fer_nb.core import Run\n"
            "run = Run('boom', profile, out_root)\n"
            "run.table(pd.DataFrame({'a': [1]}), 'partial')\n"
            "1 / 0\n")
    nb = write_notebook(tmp_path / "boom.ipynb", "profile = 'adhoc'\nout_root = ''", body)
    out = tmp_path / "out"
    r = fer_nb("run", str(nb), "--out", str(out))
    assert r.returncode == 1
    assert "FAILED" in r.stdout and "ZeroDivisionError" in r.stdout and "cell" in r.stdout
    assert (out / "notebooks" / "boom.FAILED.ipynb").exists()
    assert not (out / "notebooks" / "boom.ipynb").exists()
    assert not (out / "tables").exists() and not (out / "results").exists()
    assert not [p for p in out.rglob("*") if p.name.startswith(".")], "staging or temp files left behind"


def test_run_writes_results_and_report(tmp_path):
    r = fer_nb("run", "rafdb_naive_detector", "-p", "n_repeats", "3", "--out", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    res = json.loads((tmp_path / "results" / "rafdb_naive_detector" / "results.json").read_text())
    assert res["params"]["n_repeats"] == 3 and res["profile"] == "adhoc"
    for key in ("experiment", "data", "metrics", "paper", "claims", "wall_time_s", "git_commit", "device"):
        assert key in res
    assert all(isinstance(c["reproduced"], bool) for c in res["claims"])
    assert (tmp_path / "figures" / "rafdb_naive_detector" / "confusion_uniform_basic.png").stat().st_size > 10_000
    assert (tmp_path / "figures" / "rafdb_naive_detector" / "confusion_uniform_basic.csv").exists()
    r = fer_nb("report", "--profile", "adhoc", "--out", str(tmp_path))
    assert r.returncode == 0
    assert "rafdb_naive_detector" in (tmp_path / "REPORT.md").read_text()


def test_list_shows_every_experiment():
    r = fer_nb("list")
    assert r.returncode == 0 and "rafdb_naive_detector" in r.stdout and "TIP 2019" in r.stdout


def _mini_project(tmp_path):
    "A folder with two tiny experiments (one fails) and their profiles."
    exp = tmp_path / "proj" / "nbs" / "experiments"
    exp.mkdir(parents=True)
    ok_body = ("from fer_nb.core import Run\nrun = Run('a_ok', profile, out_root)\n"
               "run.claim('one is one', 1 == 1)\nrun.finish()")
    write_notebook(exp / "a_ok.ipynb", "profile = 'adhoc'\nout_root = ''\nprecision = 'float32'\nn = 1", ok_body)
    write_notebook(exp / "b_fail.ipynb", "profile = 'adhoc'\nout_root = ''\nprecision = 'float32'", "raise RuntimeError('boom')")
    (exp / "profiles.toml").write_text(
        '[precision]\nsmoke = "float32"\ncpu = "float32"\npaper = "bfloat16"\n'
        '[experiments.a_ok]\nregenerates = "x"\nminutes = {smoke = 0.1, cpu = 0.1, paper = 0.1}\n'
        '[experiments.b_fail]\nregenerates = "y"\nminutes = {smoke = 0.1, cpu = 0.1, paper = 0.1}\n'
        '[smoke.a_ok]\nn = 2\n')
    return tmp_path / "proj"


def test_jobs_and_keep_going(tmp_path, capsys):
    from fer_nb.cli import reproduce
    root = _mini_project(tmp_path)
    out = tmp_path / "out"
    # by default a failure does not stop the others: both run (in parallel here), the failure is listed with its cell and error
    assert reproduce("smoke", jobs=2, out_root=out, root=root) == 1
    res = json.loads((out / "results" / "a_ok" / "results.json").read_text())
    assert res["claims"][0]["reproduced"] is True and res["precision"] == "float32"
    assert (out / "notebooks" / "a_ok.ipynb").exists() and (out / "notebooks" / "b_fail.FAILED.ipynb").exists()
    assert "a_ok" in (out / "REPORT.md").read_text()
    printed = capsys.readouterr().out
    assert "1 notebook(s) failed:\n  b_fail: cell 3: RuntimeError: boom" in printed and "1 passed, 1 failed" in printed
    # in order, one at a time, the failure first: the other still runs
    out1 = tmp_path / "out1"
    assert reproduce("smoke", only=["b_fail", "a_ok"], jobs=1, out_root=out1, root=root) == 1
    assert (out1 / "notebooks" / "a_ok.ipynb").exists()
    # --fail-fast: nothing after the failure runs
    out2 = tmp_path / "out2"
    assert reproduce("smoke", only=["b_fail", "a_ok"], jobs=1, fail_fast=True, out_root=out2, root=root) == 2
    assert not (out2 / "notebooks" / "a_ok.ipynb").exists()


def test_the_profile_decides_the_precision_and_the_result_records_it(tmp_path):
    r = fer_nb("reproduce", "--profile", "smoke", "--only", "rafdb_naive_detector", "--precision", "bfloat16", "--out", str(tmp_path))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[bfloat16" in r.stdout                                   # the progress line names the arithmetic
    res = json.loads((tmp_path / "results" / "rafdb_naive_detector" / "results.json").read_text())
    assert res["precision"] == "bfloat16" and res["params"]["n_repeats"] == 50
    assert {"cpu", "bf16_native", "avx512", "amx", "torch_threads"} <= set(res["machine"]) and {"torch", "numpy"} <= set(res["versions"])
    assert "| bfloat16 |" in (tmp_path / "REPORT.md").read_text()
    for args in (("reproduce", "--precision", "fp16"), ("run", "rafdb_naive_detector", "--precision", "half"),
                 ("run", "rafdb_naive_detector", "-p", "precision", "float16")):
        r = fer_nb(*args, "--out", str(tmp_path / "no"))
        assert r.returncode == 2 and "must be one of float32, bfloat16" in r.stderr, (args, r.stderr)
    assert not (tmp_path / "no").exists()


def test_a_path_parameter_is_used_or_refused(tmp_path):
    r = fer_nb("run", "verification_lfw", "-p", "data_root", str(tmp_path), "-p", "n_faces", "60", "--out", str(tmp_path / "o"))
    assert r.returncode == 1 and "ValueError: parameter data_root=" in r.stdout and "dataset is 'synthfer'" in r.stdout, r.stdout


def test_compare_passes_identical_runs_and_names_what_differs(tmp_path):
    def put(folder, res):
        d = tmp_path / folder / "results" / res["experiment"]; d.mkdir(parents=True); (d / "results.json").write_text(json.dumps(res))
    ref = {"experiment": "e", "profile": "smoke", "metrics": {"uar": 50.0, "n": 10},
           "claims": [{"claim": "a beats b", "reproduced": True, "verdict": "reproduced",
                       "ours": {"a": {"mean": 50.0, "std": 1.0, "seeds": [49.0, 50.0, 51.0]}}}]}
    put("ref", ref); put("same", ref)
    put("moved", {**ref, "metrics": {"uar": 53.0, "n": 10}})                       # 3 sqrt(2/3) * 1.0 = 2.45 allowed
    put("flipped", {**ref, "claims": [{**ref["claims"][0], "reproduced": False, "verdict": "inconclusive"}]})
    put("cpu", {**ref, "profile": "cpu"})
    r = fer_nb("compare", str(tmp_path / "same"), str(tmp_path / "ref"))
    assert r.returncode == 0 and r.stdout.strip().splitlines()[-1].startswith("reproduced within noise"), r.stdout
    r = fer_nb("compare", str(tmp_path / "moved"), str(tmp_path / "ref"))
    assert r.returncode == 1 and r.stdout.strip().splitlines()[-1] == "differs: e (uar outside tolerance)", r.stdout
    r = fer_nb("compare", str(tmp_path / "flipped"), str(tmp_path / "ref"), "--markdown", str(tmp_path / "cmp.md"))
    assert r.returncode == 1 and "claim 'a beats b' reproduced -> inconclusive" in r.stdout and (tmp_path / "cmp.md").exists()
    for args, msg in (((tmp_path / "cpu", tmp_path / "ref"), "is profile 'cpu' but reference"), ((tmp_path / "nope",), "does not exist"),
                      ((tmp_path / "ref" / "results",), "holds no results")):
        r = fer_nb("compare", *map(str, args))
        assert r.returncode == 2 and msg in r.stderr, r.stderr


def test_staleness_follows_the_modules_an_experiment_imports():
    from fer_nb.cli import experiment_sources
    src = experiment_sources("rafdb_crowd_em")
    assert {"fer_nb/crowd.py", "fer_nb/data.py", "fer_nb/synth.py", "fer_nb/faceset.py", "fer_nb/core.py",
            "nbs/experiments/rafdb_crowd_em.ipynb"} <= set(src)
    assert "fer_nb/train.py" not in src and "fer_nb/cli.py" not in src
    assert "fer_nb/crowd.py" not in experiment_sources("rafdb_naive_detector")
    from fer_nb.cli import profile_changed_since
    assert not profile_changed_since("HEAD", "cpu", "rafdb_naive_detector")
    assert profile_changed_since("no-such-commit", "cpu", "rafdb_naive_detector")


def test_compare_defaults_to_what_git_committed_in_the_profile_folder():
    "A reader's `fer-nb reproduce --profile cpu` writes into outputs/cpu/: `fer-nb compare outputs/cpu` reads the reference from git (HEAD)."
    r = fer_nb("compare", "outputs/cpu")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    assert "outputs/cpu (as committed at HEAD)" in r.stdout
    assert r.stdout.strip().splitlines()[-1].startswith("reproduced within noise: 27 experiments")


def test_a_run_records_where_its_time_went(tmp_path):
    "Run keeps its start commit and the stages `note_cost` reports; REPORT.md splits the wall time and names nets trained twice."
    from fer_nb.cli import _trained_twice, cost_split
    from fer_nb.core import Run, git_commit, note_cost
    run = Run("costs_demo", "adhoc", tmp_path)
    assert run.commit == git_commit()
    note_cost("net", 12.0, net="trunk-a", iterations=100, of=100)
    note_cost("net", 0.1, net="trunk-b", iterations=0, of=100)          # read from the cache
    note_cost("classifiers", 5.0, cells=10)
    res = run.finish()
    assert [c["stage"] for c in res["costs"]] == ["net", "net", "classifiers"]
    res["wall_time_s"] = 20.0
    s = cost_split(res)
    assert (s["nets trained"], s["nets from cache"], s["training (s)"], s["classifiers (s)"], s["rest (s)"]) == (1, 1, 12, 5, 3)
    other = {"experiment": "other", "costs": [{"stage": "net", "net": "trunk-a", "iterations": 5, "seconds": 1.0}]}
    assert _trained_twice([res]).startswith("Each of the 1 nets")
    assert _trained_twice([res, other]) == "Trained more than once: trunk-a (costs_demo, other)."


def test_prose_in_a_notebook_does_not_stale_its_results(tmp_path):
    "Staleness follows code: a notebook whose markdown changed still made the same numbers; one whose code changed did not."
    import subprocess
    from fer_nb.cli import code_changed_since
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# old prose"]},
                    {"cell_type": "code", "metadata": {}, "source": ["x = 1"], "outputs": [], "execution_count": None}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    p = tmp_path / "e.ipynb"
    p.write_text(json.dumps(nb))
    git = lambda *a: subprocess.run(["git", *a], cwd=tmp_path, check=True, capture_output=True, text=True).stdout.strip()
    git("init", "-q"); git("add", "."); git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a")
    head = git("rev-parse", "HEAD")
    assert not code_changed_since(head, root=tmp_path)
    nb["cells"][0]["source"] = ["# what the run showed: new prose"]
    p.write_text(json.dumps(nb))
    assert not code_changed_since(head, root=tmp_path)
    nb["cells"][1]["source"] = ["x = 2"]
    p.write_text(json.dumps(nb))
    assert code_changed_since(head, root=tmp_path)
    (tmp_path / "m.py").write_text("y = 1\n"); git("add", "m.py")
    nb["cells"][1]["source"] = ["x = 1"]; p.write_text(json.dumps(nb))
    assert code_changed_since(head, root=tmp_path)                      # any other file: changed
