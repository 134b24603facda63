"""The set-up cell and `cnn-course doctor` say what is wrong, one line per problem with its fix."""

from __future__ import annotations

import importlib.metadata
import shutil

from cnn_course import data, doctor
from cnn_course.cli import main


def _versions(**fake: str):
    def version(name: str) -> str:
        if name in fake:
            if fake[name] == "missing":
                raise importlib.metadata.PackageNotFoundError(name)
            return fake[name]
        return importlib.metadata.version(name)

    return version


def test_nothing_is_said_when_all_is_well(capsys) -> None:
    assert doctor.problems() == []
    assert main(["doctor"]) == 0
    assert capsys.readouterr().out == ""


def test_a_version_outside_the_tested_range_gets_one_line_with_the_fix() -> None:
    found = doctor.problems(_versions(keras="2.15.0", numpy="3.0.1"), device=False)
    assert len(found) == 2
    keras, numpy = found
    assert keras.startswith("keras 2.15.0 is older than the course needs (keras>=3.6,<4)")
    assert "pip install 'keras>=3.6,<4', then restart the kernel" in keras
    assert numpy.startswith("numpy 3.0.1 is newer than the course is tested with")
    missing = doctor.problems(_versions(tensorflow="missing"), device=False)
    assert missing == [
        "tensorflow is not installed: pip install 'tensorflow>=2.16,<3', then restart the kernel "
        "(on Colab: Runtime → Restart session)."
    ]


def test_a_damaged_data_file_is_named_with_how_to_restore_it(tmp_path, monkeypatch, capsys):
    for name in data.CHECKSUMS:  # a data folder of links to the real files …
        (tmp_path / name).symlink_to(data.data_dir() / name)
    damaged = "imagenet_class_index.json"  # … but one damaged copy
    (tmp_path / damaged).unlink()
    shutil.copyfile(data.data_dir() / damaged, tmp_path / damaged)
    with (tmp_path / damaged).open("a", encoding="utf-8") as fh:
        fh.write(" ")
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    found = doctor.problems(device=False)
    assert len(found) == 1 and found[0].startswith(f"data file {damaged}: ")
    assert "restore it with `git checkout -- data/" in found[0].lower()
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith(f"⚠ data file {damaged}")
