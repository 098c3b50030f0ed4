"""``python -m layerwise_lab ...``: the same commands as ``layerwise lab ...``."""

import sys

from layerwise_lab.cli import main

sys.exit(main(prog="python -m layerwise_lab"))
