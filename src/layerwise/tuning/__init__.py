"""Running many trainings: executors that run independent trials in-process, on a process pool or on a Dask
cluster (`layerwise.tuning.executors`)."""

from layerwise.tuning import executors
from layerwise.tuning.executors import Dask, InProcess, ProcessPool

__all__ = ["Dask", "InProcess", "ProcessPool", "executors"]
