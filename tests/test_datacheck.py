"""The bad-input corpus: every format `fer-nb data check` reads, in its official layout, with one defect at a time.

A clean copy must be usable; each defect must make the check fail (or, for an unlisted image, be reported) and the report must
name the file - and the line, for a malformed label line. A defect a format cannot have (FER2013 keeps its pixels in its CSV;
an image-folder layout has no label file) is skipped with that reason."""
import pytest

from fer_nb.cli import run_cli
from fer_nb.data import LOADERS
from fer_nb.datacheck import check_dataset
from layouts import LAYOUTS, append, img

DEFECTS = ("missing image", "truncated image", "non-image bytes", "unlisted image", "malformed label line", "unknown class name",
           "empty label file", "zero images")


def test_every_format_has_a_layout():
    assert set(LAYOUTS) == set(LOADERS)


@pytest.mark.parametrize("fmt", sorted(LAYOUTS))
def test_clean_copy_is_usable(tmp_path, fmt):
    L = LAYOUTS[fmt](tmp_path / fmt)
    rep, ok = check_dataset(L.path, fmt)
    assert ok, rep
    assert "unlisted**" not in rep, rep


def _inject(L, defect):
    "Apply `defect` to layout L; returns (usable expected, strings the report must contain) or a skip reason."
    if defect in ("missing image", "truncated image", "non-image bytes", "zero images") and not L.images:
        return "the format keeps its pixels in its label file"
    if defect == "missing image":
        if L.missing is not None: return False, [L.missing()]
        if L.listed_by_place: return "images are listed by where they lie: a deleted one is simply not there"
        L.images[1].unlink(); return False, [L.images[1].name]
    if defect == "truncated image":
        raw = L.images[1].read_bytes(); L.images[1].write_bytes(raw[: len(raw) // 3]); return False, [L.images[1].name]
    if defect == "non-image bytes":
        L.images[1].write_bytes(b"this is not an image\n" * 20); return False, [L.images[1].name]
    if defect == "zero images":
        for p in L.images: p.unlink()
        return False, []
    if defect == "unlisted image":
        if L.unlisted is not None: return True, ["unlisted", L.unlisted()]
        if L.image_dir is None: return "every image file of this layout is listed by where it lies (class folders, sequences)"
        img(L.image_dir / L.unlisted_name); return True, ["unlisted", L.unlisted_name]
    if defect == "malformed label line":
        if L.bad_line is None: return "the layout has no label file"
        append(L.label, L.bad_line)
        n = len(L.label.read_text().splitlines())
        return False, [L.label.name, f"{n}"]
    if defect == "unknown class name":
        f = L.unknown_class(); return False, [f.name]
    if defect == "empty label file":
        if L.empty_label is None: return "the layout has no label file"
        f = L.empty_label(); return False, [f.name]
    raise AssertionError(defect)


@pytest.mark.parametrize("defect", DEFECTS)
@pytest.mark.parametrize("fmt", sorted(LAYOUTS))
def test_defect_is_reported(tmp_path, fmt, defect):
    L = LAYOUTS[fmt](tmp_path / fmt)
    what = _inject(L, defect)
    if isinstance(what, str): pytest.skip(f"{fmt}: no '{defect}': {what}")
    usable, needles = what
    rep, ok = check_dataset(L.path, fmt)
    assert ok == usable, rep
    for s in needles: assert s in rep, f"{s!r} not in the report:\n{rep}"


def test_ferplus_case_of_the_issue(tmp_path):
    "50 training images, one truncated; label.csv names a missing file and has malformed votes; fer2013new.csv holds only its header."
    L = LAYOUTS["ferplus"](tmp_path, n=50)
    (tmp_path / "fer2013new.csv").write_text((tmp_path / "fer2013new.csv").read_text().splitlines()[0] + "\n")
    raw = L.images[7].read_bytes(); L.images[7].write_bytes(raw[: len(raw) // 2])
    append(L.label, 'fer9999999.png,"(0, 0, 48, 48)",4,0,0,1,3,2,0,0,0,0\nfer0000003.png,"(0, 0, 48, 48)",4,x,0,1,3,2,0,0,0,0\n')
    rep, ok = check_dataset(tmp_path, "ferplus")
    assert not ok
    import re
    assert "fer0000007.png" in rep and "fer9999999.png" in rep, rep                    # the truncated image, the missing file
    assert re.search(r"label.csv\s*\|\s*52\s*\|", rep), rep                          # the malformed line, by file and number
    assert run_cli(["data", "check", str(tmp_path), "--format", "ferplus"]) == 1


def test_csv_folder_is_resolved_or_named(tmp_path, capsys):
    L = LAYOUTS["csv"](tmp_path)
    assert run_cli(["data", "check", str(tmp_path), "--format", "csv"]) == 0       # the folder's labels.csv
    L.label.unlink()
    assert run_cli(["data", "check", str(tmp_path), "--format", "csv"]) == 1
    assert "labels.csv" in capsys.readouterr().out


def test_a_required_split_without_images_is_not_usable(tmp_path):
    L = LAYOUTS["rafdb"](tmp_path)
    (L.image_dir / "test_0001_aligned.jpg").unlink()             # RAF-DB's only test image: the test split is empty
    rep, ok = check_dataset(tmp_path, "rafdb")
    assert not ok and "'test' split the format requires" in rep, rep
