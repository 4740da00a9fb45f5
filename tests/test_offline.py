"""Offline, proven: every socket that would leave this machine is refused, in the CLI process and in every kernel it starts.

A `sitecustomize.py` put first on PYTHONPATH wraps `socket.socket.connect` / `connect_ex` / `sendto` and `socket.getaddrinfo`:
loopback (papermill's kernels talk over 127.0.0.1) and Unix sockets pass; anything else raises and is logged with the caller's
stack. The test runs a smoke experiment, `fer-nb predict` and `fer-nb data check` under it and requires an empty log."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from conftest import ROOT

GUARD = r'''
import os, socket, traceback
_LOG = os.environ["FER_NB_NET_LOG"]
_LOCAL = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}
def _refuse(what, addr):
    with open(_LOG, "a") as fh: fh.write(f"{what} {addr!r} from pid {os.getpid()}\n" + "".join(traceback.format_stack()) + "\n")
    raise OSError(f"network access refused by the offline test: {what} {addr!r}")
def _host(addr): return addr[0] if isinstance(addr, tuple) else None
def _wrap(name):
    orig = getattr(socket.socket, name)
    def f(self, *a):
        addr = a[-1] if name == "sendto" else a[0]
        if self.family != getattr(socket, "AF_UNIX", None) and _host(addr) is not None and str(_host(addr)) not in _LOCAL and not str(_host(addr)).startswith("127."):
            _refuse(name, addr)
        return orig(self, *a)
    setattr(socket.socket, name, f)
for n in ("connect", "connect_ex", "sendto"): _wrap(n)
_gai = socket.getaddrinfo
def getaddrinfo(host, *a, **k):
    if host is not None and str(host) not in _LOCAL and not str(host).startswith("127."): _refuse("getaddrinfo", host)
    return _gai(host, *a, **k)
socket.getaddrinfo = getaddrinfo
'''


def _env(tmp_path):
    guard = tmp_path / "guard"; guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "net.log"
    env = {**os.environ, "FER_NB_NET_LOG": str(log), "PYTHONPATH": os.pathsep.join([str(guard), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return env, log


def _run(env, *args, timeout=600):
    return subprocess.run(["fer-nb", *args], cwd=ROOT, env={**env, "MPLBACKEND": "Agg"}, capture_output=True, text=True, timeout=timeout)


def test_the_guard_refuses_the_network(tmp_path):
    env, log = _env(tmp_path)
    r = subprocess.run([sys.executable, "-c", "import urllib.request; urllib.request.urlopen('http://example.com', timeout=5)"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "network access refused" in r.stderr
    assert "getaddrinfo 'example.com'" in log.read_text() and "urlopen" in log.read_text()   # the caller is named


def test_experiment_predict_and_data_check_run_offline(tmp_path):
    env, log = _env(tmp_path)
    r = _run(env, "run", "rafdb_naive_detector", "-p", "n_repeats", "2", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stdout + r.stderr
    photo = tmp_path / "face.png"; Image.fromarray(np.full((120, 120), 128, np.uint8)).save(photo)
    r = _run(env, "predict", str(photo), "--json", "--out", str(tmp_path / "pred"))
    assert r.returncode in (0, 1), r.stderr                  # a blank picture holds no face: exit 1, but it ran
    data = tmp_path / "faces"; Image.fromarray(np.zeros((48, 48), np.uint8)).save((data / "happy").mkdir(parents=True) or data / "happy" / "a.png")
    r = _run(env, "data", "check", str(data), "--format", "folder")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not log.exists() or log.read_text() == "", log.read_text()
