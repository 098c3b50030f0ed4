"""A process killed (SIGKILL) at a random moment while saving never leaves a broken model file."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

from layerwise.models import load_model

SRC = str(Path(__file__).resolve().parents[2] / "src")
KILLS = 20

# Saves version 0, says "ready", then saves versions 1, 2, ... (every weight equal to the version,
# a 3 MB file) in a loop until it is killed.
CHILD = textwrap.dedent("""
    import sys
    import layerwise
    from layerwise.layers import Dense
    model = layerwise.Sequential([layerwise.Input(shape=(64,)), Dense(512), Dense(512), Dense(10)])
    model.compile(optimizer=layerwise.optimizers.SGD(momentum=0.9), loss="mse")
    version = 0
    while True:
        for parameter in model.weights:
            parameter.value.fill(version)
        model.save(sys.argv[1])
        if version == 0:
            print("ready", flush=True)
        version += 1
""")


def test_killed_saves_leave_the_previous_file_loadable(tmp_path):
    path = tmp_path / "model.lw"
    seen, rng = set(), random.Random(0)
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE,
                                 env={**os.environ, "PYTHONPATH": SRC})
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.08))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        values = {float(v) for p in load_model(path).weights for v in np.unique(p.value)}
        assert len(values) == 1, f"a file mixing versions {sorted(values)[:5]}"
        seen |= values
    assert len(seen) > 1, "the saving loop never completed a second save before the kill"
