"""Saves killed (SIGKILL) at random points leave the last good file loadable and, after the next save, no
temporary file (issue 19, item 2).

One subprocess imports the library once and forks a saving child per kill, so 50 kills stay fast.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")
KILLS = 50

# The driver saves version 0; each child saves versions base, base + 1, ... (every weight and slot equal to
# the version) until killed; the driver then loads the file, which must hold one whole version, never older
# than the last one loaded.
DRIVER = textwrap.dedent("""
    import json, os, random, signal, sys, time
    import numpy as np
    import layerwise
    from layerwise.layers import Dense
    from layerwise.saving.atomic import TEMPORARY_SUFFIX

    path, kills = sys.argv[1], int(sys.argv[2])
    model = layerwise.Sequential([layerwise.Input(shape=(64,)), Dense(256), Dense(256), Dense(10)])
    model.compile(optimizer=layerwise.optimizers.SGD(momentum=0.9), loss="mse")
    model.optimizer.build(model.trainable_weights)

    def save_forever(base):
        for version in range(base, base + 10**6):
            for value in [p.value for p in model.weights] + list(model.optimizer.slot_variables().values()):
                value.fill(version)
            model.save(path)

    def temporaries():
        return sum(name.endswith(TEMPORARY_SUFFIX) for name in os.listdir(os.path.dirname(path)))

    for value in [p.value for p in model.weights] + list(model.optimizer.slot_variables().values()):
        value.fill(0)
    model.save(path)
    rng, last, killed_mid_save, loads = random.Random(0), 0, 0, 0
    for kill in range(kills):
        child = os.fork()
        if child == 0:
            save_forever((kill + 1) * 10**6)
        time.sleep(rng.uniform(0.002, 0.03))
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        killed_mid_save += temporaries() > 0
        loaded = layerwise.models.load_model(path)
        values = {float(v) for p in loaded.weights for v in np.unique(p.value)}
        values |= {float(v) for v in np.unique(np.concatenate(
            [v.ravel() for v in loaded.optimizer.slot_variables().values()]))}
        assert len(values) == 1, f"kill {kill}: a file mixing versions {sorted(values)[:5]}"
        assert values.pop() >= last, f"kill {kill}: the file went back to an older version"
        last = float(np.unique(loaded.weights[0].value)[0])
        loads += 1
    model.save(path)
    print(json.dumps({"killed_mid_save": killed_mid_save, "loads": loads, "left": temporaries()}))
""")


def test_kills_at_random_points_leave_a_loadable_file_and_no_temporary_files(tmp_path):
    result = subprocess.run([sys.executable, "-c", DRIVER, str(tmp_path / "model.lw"), str(KILLS)],
                            capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": SRC})
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["left"] == 0, outcome
    assert outcome["loads"] == KILLS and outcome["killed_mid_save"] >= KILLS // 5, outcome
    assert [p.name for p in tmp_path.iterdir()] == ["model.lw"]
