"""keras.utils's Config, Progbar, interactive logging, split_dataset, timeseries_dataset_from_array, get_file and
image functions; keras.callbacks.RemoteMonitor against a local server."""

import hashlib
import http.server
import json
import threading
import urllib.parse

import numpy as np
import pytest

import layerwise
from layerwise import utils
from layerwise.callbacks import RemoteMonitor
from layerwise.layers import Dense


def test_config_attributes_items_and_freezing():
    config = utils.Config(units=4)
    config.rate = 0.1
    config["depth"] = 2
    assert config.as_dict() == {"units": 4, "rate": 0.1, "depth": 2} and json.loads(config.to_json())["rate"] == 0.1
    config.freeze()
    with pytest.raises(ValueError, match="frozen"):
        config["units"] = 8
    with pytest.raises(ValueError, match="frozen"):
        del config.rate
    config.unfreeze()
    del config.rate
    with pytest.raises(AttributeError, match="Config has no setting 'rate'"):
        config.rate


def test_progbar_averages_weighted_by_steps_and_stateful_values(capsys):
    bar = utils.Progbar(10, verbose=2, stateful_metrics=["lr"])
    bar.update(2, [("loss", 4.0), ("lr", 0.1)])
    bar.update(10, [("loss", 1.0), ("lr", 0.05)])
    assert bar.averages() == {"loss": pytest.approx((4 * 2 + 1 * 8) / 10), "lr": 0.05}
    assert capsys.readouterr().out.strip() == "10/10 - loss: 1.6000 - lr: 0.0500"


def test_without_interactive_logging_fit_prints_lines_not_bars(capsys, rng):
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(1)])
    model.compile("sgd", "mse")
    utils.disable_interactive_logging()
    try:
        model.fit(rng.normal(size=(8, 2)), rng.normal(size=(8, 1)), epochs=2, verbose=1)
    finally:
        utils.enable_interactive_logging()
    captured = capsys.readouterr()
    assert captured.out.count("Epoch ") == 2 and "it/s" not in captured.err and "batch" not in captured.err


def test_split_dataset_as_keras():
    x, y = np.arange(20), np.arange(20) % 3
    left, right = utils.split_dataset((x, y), right_size=5)
    assert (left.x.tolist(), right.x.tolist()) == (list(range(15)), list(range(15, 20)))
    left, right = utils.split_dataset(x, left_size=0.26, shuffle=True, seed=1)
    assert len(left.x) == 5 and sorted(left.x.tolist() + right.x.tolist()) == list(range(20))
    halves = utils.split_dataset(x)
    assert [len(part.x) for part in halves] == [10, 10]
    with pytest.raises(ValueError, match="each side needs a sample"):
        utils.split_dataset(x, left_size=15, right_size=10)


def test_timeseries_windows_as_keras():
    data, targets = np.arange(20) * 10, np.arange(20)
    dataset = utils.timeseries_dataset_from_array(data, targets[4:], sequence_length=4, sequence_stride=3,
                                                  sampling_rate=2, batch_size=2, start_index=1)
    windows, labels = zip(*dataset)
    windows, labels = np.concatenate(windows), np.concatenate(labels)
    starts = np.arange(0, 20 - 1 - 3 * 2, 3)
    np.testing.assert_array_equal(windows, [[data[1 + p + 2 * k] for k in range(4)] for p in starts])
    np.testing.assert_array_equal(labels, targets[4:][1:][starts])
    alone = utils.timeseries_dataset_from_array(data, None, sequence_length=5, batch_size=None)
    assert next(iter(alone)).shape == (16, 5)


def test_get_file_caches_checks_and_extracts(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("layerwise")
    digest = hashlib.sha256(b"layerwise").hexdigest()
    path = utils.get_file("copy.txt", source.as_uri(), file_hash=digest, cache_dir=tmp_path / "cache")
    assert open(path).read() == "layerwise" and path.endswith("datasets/copy.txt")
    source.write_text("changed")
    assert open(utils.get_file("copy.txt", source.as_uri(), cache_dir=tmp_path / "cache")).read() == "layerwise"
    with pytest.raises(ValueError, match="digest of .* is not 0+"):
        utils.get_file("other.txt", source.as_uri(), md5_hash="0" * 32, cache_dir=tmp_path / "cache")
    import zipfile
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as archive:
        archive.writestr("inner/data.txt", "zipped")
    folder = utils.get_file("a.zip", (tmp_path / "a.zip").as_uri(), extract=True, cache_dir=tmp_path / "cache")
    assert open(f"{folder}/inner/data.txt").read() == "zipped"


def test_image_arrays_and_files_round_trip(tmp_path):
    pytest.importorskip("PIL")
    x = np.random.default_rng(0).integers(0, 256, size=(4, 5, 3)).astype("float32")
    utils.save_img(tmp_path / "x.png", x, scale=False)
    np.testing.assert_array_equal(utils.img_to_array(utils.load_img(tmp_path / "x.png")), x)
    gray = utils.img_to_array(utils.load_img(tmp_path / "x.png", color_mode="grayscale", target_size=(2, 3)))
    assert gray.shape == (2, 3, 1) and gray.dtype == np.float32
    scaled = utils.img_to_array(utils.array_to_img(np.array([[[-1.0], [0.0], [1.0]]])))
    np.testing.assert_array_equal(scaled[..., 0], [[0, 128, 255]])
    with pytest.raises(ValueError, match="channels-last only"):
        utils.img_to_array(utils.array_to_img(x), data_format="channels_first")


class _Recorder(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Recorder.received.append((self.headers["Content-Type"], body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_remote_monitor_posts_each_epochs_logs(rng):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(1)])
    model.compile("sgd", "mse")
    x, y = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    try:
        model.fit(x, y, epochs=2, verbose=0, callbacks=[RemoteMonitor(root=root)])
        model.fit(x, y, epochs=1, verbose=0, callbacks=[RemoteMonitor(root=root, send_as_json=True)])
    finally:
        server.shutdown()
    (form_type, first), _, (json_type, last) = _Recorder.received
    assert form_type == "application/x-www-form-urlencoded" and json_type == "application/json"
    sent = json.loads(urllib.parse.parse_qs(first.decode())["data"][0])
    assert sent["epoch"] == 0 and set(sent) == {"epoch", "loss"} and json.loads(last)["epoch"] == 0
    with pytest.warns(UserWarning, match="RemoteMonitor: could not reach the server"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[RemoteMonitor(root="http://127.0.0.1:9")])
