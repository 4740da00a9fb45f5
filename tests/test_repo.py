"The notebooks are the source: the library, the clean notebooks, the README and the profiles must agree with them."
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, fer_nb
from fer_nb.cli import FULL_PROFILES, PROFILES, experiment_names, load_profiles, plan, profile_experiments


def _tree(d: Path) -> dict:
    return {p.relative_to(d): p.read_bytes() for p in sorted(d.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    d = tmp_path_factory.mktemp("repo")
    for name in ("settings.ini", "setup.py", "pyproject.toml"):
        shutil.copy(ROOT / name, d / name)
    for name in ("nbs", "fer_nb"):
        shutil.copytree(ROOT / name, d / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return d


def test_library_matches_notebooks(copy):
    subprocess.run(["nbdev_export"], cwd=copy, check=True, capture_output=True)
    before, after = _tree(ROOT / "fer_nb"), _tree(copy / "fer_nb")
    changed = sorted(str(k) for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"fer_nb/ is out of sync with nbs/ (run nbdev_export): {changed}"


def test_notebooks_are_clean(copy):
    subprocess.run(["nbdev_clean"], cwd=copy, check=True, capture_output=True)
    before, after = _tree(ROOT / "nbs"), _tree(copy / "nbs")
    changed = sorted(str(k) for k in before if before[k] != after.get(k))
    assert not changed, f"notebooks not clean (run nbdev_clean): {changed}"


def test_readme_matches_index_notebook():
    r = fer_nb("readme", "--check")
    assert r.returncode == 0, r.stdout


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text()
    block = text.split("```bash", 1)[1].split("```", 1)[0]
    cmds = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert cmds == ['pip install -e ".[dev,crowd,detect,screening,book,cluster]" && fer-nb reproduce --profile smoke',
                    'pip install -e ".[dev,crowd,detect,screening,book,cluster]" && nbdev_test && pytest']
    assert "nbdev_test && pytest" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("profile", PROFILES)
def test_profiles_are_valid(profile):
    "Every profile names only real notebooks and parameters of the right type."
    pairs = plan(profile)
    mine = profile_experiments(profile, load_profiles(), experiment_names())
    assert [nb.stem for nb, _ in pairs] == mine and mine
    if profile in FULL_PROFILES:
        assert mine == experiment_names()


def test_a_partial_profile_refuses_what_it_does_not_run():
    from fer_nb.cli import CLIError
    other = next(n for n in experiment_names() if n not in profile_experiments("overnight", load_profiles(), experiment_names()))
    with pytest.raises(CLIError, match=f"does not run '{other}'"):
        plan("overnight", [other])


def test_every_experiment_is_described():
    meta = load_profiles()["experiments"]
    for name in experiment_names():
        assert name in meta and meta[name]["regenerates"], f"describe {name} in profiles.toml"
        runs_in = {p for p in PROFILES if name in profile_experiments(p, load_profiles(), experiment_names())}
        assert set(meta[name]["minutes"]) == runs_in, f"{name}: minutes for exactly the profiles that run it"


def test_notebooks_are_valid_as_they_are():
    "papermill gets each notebook as it is: nbformat must find nothing to warn about (a missing cell id printed MissingIDFieldWarning)."
    import warnings
    import nbformat
    for p in sorted((ROOT / "nbs").rglob("*.ipynb")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")                    # MissingIDFieldWarning and friends become failures naming the file
            nb = nbformat.read(str(p), as_version=4)
        nbformat.validate(nb)
        assert all("id" in c for c in nb.cells), p


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_names_its_precision(profile):
    "The profile, not the CPU, decides the arithmetic: every notebook of every profile gets a valid precision."
    from fer_nb.core import PRECISIONS
    assert load_profiles()["precision"][profile] in PRECISIONS
    assert all(params["precision"] in PRECISIONS for _, params in plan(profile))
