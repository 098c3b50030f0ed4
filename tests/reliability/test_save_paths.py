"""Saving respects what is at the path, names the user's path in errors, and leaves no litter (issue 19,
items 1 and 2)."""

import fcntl
import os
import stat

import numpy as np
import pytest

from layerwise.models import load_model
from layerwise.saving import atomic_write
from layerwise.saving.atomic import TEMPORARY_SUFFIX

from file_helpers import tiny_model


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def _assert_same_weights(model, path):
    for p, q in zip(model.weights, load_model(path).weights, strict=True):
        np.testing.assert_array_equal(p.value, q.value)


def test_a_symlink_is_followed_and_stays_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "model.lw"
    target.write_bytes(b"old")
    link = tmp_path / "latest.lw"
    link.symlink_to(target)
    model = tiny_model()
    model.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    _assert_same_weights(model, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.lw", "real"]


def test_a_dangling_symlink_gets_its_target_created(tmp_path):
    link = tmp_path / "model.lw"
    link.symlink_to(tmp_path / "target.lw")
    model = tiny_model()
    model.save(link)
    assert link.is_symlink()
    _assert_same_weights(model, tmp_path / "target.lw")


def test_a_write_protected_file_is_refused_and_kept(tmp_path):
    path = tmp_path / "model.lw"
    path.write_bytes(b"precious")
    path.chmod(0o444)
    with pytest.raises(PermissionError, match=r"write-protected \(mode 0o444\).*model.lw"):
        tiny_model(train=False).save(path)
    assert path.read_bytes() == b"precious" and _mode(path) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["model.lw"]


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_an_existing_file_keeps_its_mode(tmp_path, mode):
    path = tmp_path / "model.lw"
    path.write_bytes(b"old")
    path.chmod(mode)
    tiny_model(train=False).save(path)
    assert _mode(path) == mode


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_umask_mode(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        tiny_model(train=False).save(tmp_path / "model.lw")
        tiny_model(train=False).save_weights(tmp_path / "w.safetensors")
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "model.lw") == mode and _mode(tmp_path / "w.safetensors") == mode


@pytest.mark.parametrize("where, error", [("missing/model.lw", FileNotFoundError), ("folder", IsADirectoryError)])
def test_errors_name_the_users_path_not_the_temporary_file(tmp_path, where, error):
    (tmp_path / "folder").mkdir()
    path = str(tmp_path / where)
    with pytest.raises(error) as raised:
        tiny_model(train=False).save(path)
    assert raised.value.filename == path and path in str(raised.value)
    assert TEMPORARY_SUFFIX not in str(raised.value) and ".tmp" not in str(raised.value)


def test_a_failed_write_names_the_path_and_leaves_nothing(tmp_path):
    path = tmp_path / "model.lw"
    with pytest.raises(OSError, match="No space left on device") as raised:
        with atomic_write(path) as file:
            file.write(b"half")
            raise OSError(28, "No space left on device")
    assert raised.value.filename == str(path) and list(tmp_path.iterdir()) == []


def test_a_pipe_or_device_is_not_replaced(tmp_path):
    # A FIFO of our own stands for a device: a regression must never replace the machine's /dev/null.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        with atomic_write(fifo) as file:
            file.write(b"x")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_temporary_files_are_recognizable_while_writing(tmp_path):
    with atomic_write(tmp_path / "model.lw") as file:
        names = [p.name for p in tmp_path.iterdir()]
        file.write(b"x")
    assert len(names) == 1 and names[0].startswith(".model.lw.") and names[0].endswith(TEMPORARY_SUFFIX)


def test_stale_temporary_files_are_removed_but_not_one_being_written(tmp_path):
    stale = tmp_path / f".model.lw.dead0001{TEMPORARY_SUFFIX}"
    stale.write_bytes(b"left by a killed save")
    other = tmp_path / f".other.lw.dead0002{TEMPORARY_SUFFIX}"
    other.write_bytes(b"left by a killed save of another file")
    busy = tmp_path / f".model.lw.busy0003{TEMPORARY_SUFFIX}"
    busy.write_bytes(b"being written")
    unrelated = tmp_path / ".notes.tmp"
    unrelated.write_bytes(b"not ours")
    with open(busy, "rb") as writer:
        fcntl.flock(writer, fcntl.LOCK_EX)  # what a live writer holds
        tiny_model(train=False).save(tmp_path / "model.lw")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([busy.name, unrelated.name, "model.lw"])
