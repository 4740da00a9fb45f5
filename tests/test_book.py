"""The book in a real browser: the site of a tiny project (two lessons, one executed experiment) built offline and opened page by page
in headless Chromium from file://: no console error, no broken image or dead internal link, equations rendered, search finds a term."""
import pytest

from fer_nb.book import build_book, check_site, chromium_path, demo_project

pytest.importorskip("playwright")


@pytest.mark.skipif(chromium_path() is None, reason="no Chromium here: .ci/run installs Debian's chromium package")
def test_site_opens_clean_in_chromium(tmp_path):
    site = build_book("cpu", out=tmp_path / "site", root=demo_project(tmp_path / "proj"))
    D = check_site(site, search="diagonal", shots=tmp_path / "shots")
    assert D.ok.all(), D[~D.ok].to_string()
    pages = set(D.page)
    assert {"index.html", "experiments/demo_exp.html", "lessons/05_metrics.html", "report.html", "api/metrics.html"} <= pages
    assert D.set_index("page").loc["experiments/demo_exp.html", "math"] >= 1          # the experiment's equation was rendered
    assert D.search_hits.dropna().iloc[0] > 0
    assert (tmp_path / "shots" / "home.png").stat().st_size > 10_000 and (tmp_path / "shots" / "experiment.png").exists()


def test_dead_link_is_caught(tmp_path):
    if chromium_path() is None: pytest.skip("no Chromium here")
    site = build_book("cpu", out=tmp_path / "site", root=demo_project(tmp_path / "proj"))
    p = site / "report.html"; p.write_text(p.read_text().replace("</body>", '<a href="nowhere.html">x</a><img src="missing.png"></body>'))
    D = check_site(site, pages=["report.html"], search=None).iloc[0]
    assert not D.ok and any("nowhere.html" in h for h in D.dead_links) and D.broken_images == ["missing.png"]
