import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def fer_nb(*args, cwd=ROOT, timeout=600):
    "Run the installed `fer-nb` entry point; returns the CompletedProcess."
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run(["fer-nb", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def write_notebook(path: Path, params_src: str | None, body: str) -> Path:
    "A small notebook: a `parameters` cell (untagged when params_src is None) and one body cell."
    import nbformat
    nb = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell(params_src or "x = 1")
    if params_src is not None:
        first.metadata["tags"] = ["parameters"]
    nb.cells = [first, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def root():
    return ROOT
