"""What crosses from a submission to the grader: only data, and hostile data is refused.

The grader decodes what the submission's kernel sends (cnn_course/exercises/_wire.py); the
kernel is the student's, so every message is treated as hostile: malformed frames, unknown
forms, pickles in disguise, huge or deeply nested values, model files that are links.
"""

from __future__ import annotations

import base64
import io
import json
import os
import pickle
import struct

import keras
import numpy as np
import pytest

from cnn_course.exercises import _wire
from cnn_course.exercises._kernel import AnswerServer
from cnn_course.exercises._remote import LoopbackChannel, RemoteEnv, RemoteError


def _round_trip(value, folder):
    return _wire.decode(json.loads(json.dumps(_wire.encode(value, folder))), folder)


def test_numbers_strings_containers_and_arrays_come_back_equal(tmp_path) -> None:
    value = {
        "ints": (1, -2, 10**30),
        "floats": [0.5, float("inf")],
        "text": "5×5",
        "nested": [(np.float32(1.5), np.int64(3)), None, True, ...],
        "array": np.arange(12, dtype=np.uint8).reshape(3, 4),
    }
    back = _round_trip(value, tmp_path)
    assert back["ints"] == (1, -2, 10**30) and back["floats"] == [0.5, float("inf")]
    assert back["text"] == "5×5" and back["nested"][1:] == [None, True, ...]
    assert type(back["nested"][0][0]) is np.float32 and back["nested"][0][1] == 3
    assert back["array"].dtype == np.uint8 and np.array_equal(back["array"], value["array"])


def test_objects_of_other_kinds_cross_as_their_type_name_only(tmp_path) -> None:
    ran = []

    class Evil:
        def __reduce__(self):
            ran.append("reduce")
            return (print, ("pwned",))

    class Always(int):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

    got = _round_trip([Evil(), Always(3), np.array([Evil()], dtype=object)], tmp_path)
    assert isinstance(got[0], _wire.Unreadable) and got[0].type_name == "Evil"
    assert type(got[1]) is int and got[1] == 3 and got[1] != 4  # its plain value
    assert isinstance(got[2], _wire.Unreadable)
    assert ran == []  # nothing was pickled


@pytest.mark.parametrize(
    "data",
    [
        {"t": "pickle", "v": "gASVAAAAAA=="},
        {"t": "array", "npy": base64.b64encode(pickle.dumps(np.arange(3))).decode()},
        {"t": "array", "npy": "not base64!"},
        {"t": "array"},
        {"t": "tuple", "v": 3},
        {"t": "dict", "v": [[{"t": "list", "v": []}, 1]]},
        {"t": "keras", "file": "../../etc/passwd.keras"},
        {"t": "keras", "file": "missing.keras"},
        {"t": "function", "ref": 0},
        [1, 2],
        {"no": "tag"},
    ],
)
def test_malformed_or_disguised_values_are_refused(tmp_path, data) -> None:
    with pytest.raises(_wire.WireError):
        _wire.decode(data, tmp_path)


def test_an_object_array_saved_with_pickle_is_refused(tmp_path) -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    data = {"t": "array", "npy": base64.b64encode(buffer.getvalue()).decode()}
    with pytest.raises(_wire.WireError, match="does not read back"):
        _wire.decode(data, tmp_path)


def test_deep_nesting_is_refused(tmp_path) -> None:
    data: object = 1
    for _ in range(_wire.MAX_DEPTH + 5):
        data = {"t": "list", "v": [data]}
    with pytest.raises(_wire.WireError, match="nested too deeply"):
        _wire.decode(data, tmp_path)


def test_frames_too_large_or_not_json_are_refused() -> None:
    huge = struct.pack(">Q", _wire.MAX_MESSAGE + 1)
    with pytest.raises(_wire.WireError, match="larger than"):
        _wire.read_message(io.BytesIO(huge).read)
    body = b"\xff\xfe not json"
    with pytest.raises(_wire.WireError, match="not JSON"):
        _wire.read_message(io.BytesIO(struct.pack(">Q", len(body)) + body).read)
    body = b"[1, 2]"
    with pytest.raises(_wire.WireError, match="not a JSON object"):
        _wire.read_message(io.BytesIO(struct.pack(">Q", len(body)) + body).read)


def test_a_model_file_that_is_a_link_is_refused(tmp_path) -> None:
    target = tmp_path / "secret.keras"
    target.write_bytes(b"the grader's own file")
    os.symlink(target, tmp_path / "answer.keras")
    with pytest.raises(_wire.WireError, match="not there"):
        _wire.decode({"t": "keras", "file": "answer.keras"}, tmp_path)


def test_models_cross_in_safe_mode_only(tmp_path) -> None:
    plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
    back = _round_trip(plain, tmp_path)
    x = np.ones((1, 4), np.float32)
    assert np.allclose(back(x), plain(x))
    layer = _round_trip(keras.layers.RandomRotation(0.05), tmp_path)
    assert type(layer).__name__ == "RandomRotation"
    sneaky = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda t: t * 2)])
    with pytest.raises(_wire.WireError, match="safe mode"):
        _round_trip(sneaky, tmp_path)


def test_a_students_function_runs_where_it_lives_on_the_graders_inputs(tmp_path) -> None:
    calls = []

    def my_double(x, k=2):
        calls.append(type(x).__name__)
        return x * k

    def my_broken(x):
        raise ValueError("no")

    env = RemoteEnv(
        LoopbackChannel(AnswerServer({"my_double": my_double, "my_broken": my_broken}, tmp_path)),
        tmp_path,
    )
    f = env["my_double"]
    assert "def my_double" in f.source and f.__name__ == "my_double"
    assert np.array_equal(f(np.arange(3), k=3), [0, 3, 6]) and calls == ["ndarray"]
    with pytest.raises(RemoteError, match="no") as raised:
        env["my_broken"](1)
    assert type(raised.value).__name__ == "ValueError"
