"""Executors: where a sweep's or a search's independent trials run, one interface for three engines.

``executor.map(function, configurations, shared=None)`` calls ``function(configuration)`` (or
``function(configuration, shared)``) for each configuration and yields ``(configuration, result)`` pairs as
the trials finish. Configurations are drawn lazily, one per free worker, so a search can choose its next
trial from the results it has been told (Optuna's ask-and-tell); ``shared`` is sent to each worker once
(the data), not with every trial.

Every trial starts a fresh session (`layerwise.layers.base.clear_session`: automatic layer names restart)
and runs on one thread: BLAS through threadpoolctl and layerwise's lanes (`layerwise.config.set_threads`) are
held at ``threads`` (1 by default) while it runs. Then N trials on N cores do not fight over them (on this
2-core machine, oversubscribed BLAS threads made small MLP trainings 10-48x slower), and a trial's numbers
depend only on its configuration and seed, never on the engine, the worker or the order: the kernels split
their work the same way everywhere. A trial must seed itself from its configuration.

- `InProcess`: one trial after another in this process (the reference, and the default).
- `ProcessPool(workers)`: a local pool of processes (started for each `map`, since ``shared`` is handed to
  the workers as they start).
- `Dask(scheduler=ADDRESS)` or `Dask(workers=N)`: Dask distributed (``pip install layerwise[distributed]``),
  on a running cluster or on a `distributed.LocalCluster` of N single-threaded worker processes started for
  you. A trial whose worker dies is run again on another worker (by Dask's scheduler), and a trial that
  raises is retried ``retries`` times before the error reaches you.

Example:
    >>> from layerwise.tuning.executors import InProcess
    >>> [result for _, result in InProcess().map(abs, [-1, 2, -3])]
    [1, 2, 3]
"""

import concurrent.futures
import contextlib
import multiprocessing
import os

from layerwise.layers.base import clear_session
from layerwise.utils._arguments import check_integer

__all__ = ["Dask", "Executor", "InProcess", "ProcessPool", "get", "pinned"]


@contextlib.contextmanager
def pinned(threads):
    """Hold BLAS (when threadpoolctl is installed) and layerwise's lanes at ``threads`` inside the block, then
    restore both; ``None`` changes nothing."""
    if threads is None:
        yield
        return
    import layerwise

    previous = layerwise.config.threads()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        limits = contextlib.nullcontext()
    else:
        limits = threadpool_limits(limits=threads)
    layerwise.config.set_threads(threads)
    try:
        with limits:
            yield
    finally:
        layerwise.config.set_threads(previous)


def _call(function, configuration, shared, threads):
    # A fresh session: automatic layer names restart ("dense", "dense_1" ...), so the names in a trial's
    # results do not depend on what ran before it in the same process.
    clear_session()
    with pinned(threads):
        return function(configuration) if shared is None else function(configuration, shared)


class Executor:
    """The interface: `map` trials, `close` what was started (also on leaving a ``with`` block).

    Args:
        threads: the threads each trial runs on (BLAS and layerwise's lanes); None leaves the process's.
    """

    def __init__(self, threads=1):
        self.threads = None if threads is None else check_integer(threads, "threads", type(self).__name__)

    #: How many trials run at once.
    parallelism = 1

    def map(self, function, configurations, shared=None):
        """Yield ``(configuration, function(configuration[, shared]))`` for each configuration, as each
        finishes; at most `parallelism` configurations are drawn ahead of the results yielded."""
        raise NotImplementedError

    def close(self):
        """Stop what the executor started (nothing by default)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class InProcess(Executor):
    """One trial after another, in this process (the tuners' default executor).

    Args:
        threads: the threads each trial runs on (BLAS and layerwise's lanes); None leaves the process's.

    Example:
        >>> [(configuration, result) for configuration, result in InProcess().map(abs, [-1, 2, -3])]
        [(-1, 1), (2, 2), (-3, 3)]

        Given to a tuner:

        >>> import tempfile
        >>> import numpy as np
        >>> import layerwise
        >>> def build_model(hp):
        ...     output = layerwise.layers.Dense(2, activation="softmax", kernel_initializer="zeros")
        ...     model = layerwise.Sequential([layerwise.Input(shape=(2,)), output])
        ...     model.compile(optimizer=layerwise.optimizers.SGD(hp.Choice("learning_rate", [0.0, 0.5])),
        ...                   loss="sparse_categorical_crossentropy")
        ...     return model
        >>> x, y = np.eye(2), np.array([0, 1])
        >>> from layerwise.tuning import GridSearch
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     tuner = GridSearch(build_model, objective="loss", directory=directory, executor=InProcess(threads=1))
        ...     rows = tuner.search(x, y, epochs=1, verbose=0).results()
        >>> [row["state"] for row in rows]
        ['complete', 'complete']
    """

    def map(self, function, configurations, shared=None):
        for configuration in configurations:
            yield configuration, _call(function, configuration, shared, self.threads)


def _bounded(submit, wait_one, configurations, parallelism):
    """Keep up to ``parallelism`` trials in flight: ``submit(configuration)`` returns a handle,
    ``wait_one(handles)`` the first handle done and its result; yield (configuration, result) as they come,
    drawing the next configuration only after a result was handed over."""
    pending, configurations = {}, iter(configurations)
    for configuration in configurations:
        pending[submit(configuration)] = configuration
        if len(pending) == parallelism:
            break
    while pending:
        handle, result = wait_one(pending)
        yield pending.pop(handle), result
        for configuration in configurations:
            pending[submit(configuration)] = configuration
            break


def _call_pickled(payload, shared, threads):
    import cloudpickle

    function, configuration = cloudpickle.loads(payload)
    return _call(function, configuration, shared, threads)


_shared_in_worker = None


def _keep_shared(shared):
    global _shared_in_worker
    _shared_in_worker = shared


def _call_with_kept(function, configuration, threads, has_shared):
    return _call(function, configuration, _shared_in_worker if has_shared else None, threads)


def _first_done(futures):
    done = next(concurrent.futures.as_completed(futures))
    return done, done.result()


class ProcessPool(Executor):
    """A pool of ``workers`` local processes (default: every core this process may use).

    The processes are started afresh ("spawn") for each `map`, so ``function`` must be importable (defined
    at a module's top level) and the configurations picklable.

    Args:
        workers: how many processes, so how many trials at once.
        threads: the threads each trial runs on.

    Example:
        >>> pool = ProcessPool(workers=2)
        >>> pool.parallelism, pool.threads
        (2, 1)

        Given to a tuner, whose ``build_model`` is then a function of an importable module (not run here:
        each search starts its worker processes):

        >>> from layerwise.tuning import RandomSearch
        >>> from my_search import build_model  # doctest: +SKIP
        >>> tuner = RandomSearch(build_model, objective="val_loss", max_trials=8, executor=pool)  # doctest: +SKIP
        >>> tuner.search(x, y, epochs=5, validation_data=(x_val, y_val))  # doctest: +SKIP
    """

    def __init__(self, workers=None, threads=1):
        super().__init__(threads)
        usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        self.parallelism = check_integer(usable if workers is None else workers, "workers", "ProcessPool")

    def map(self, function, configurations, shared=None):
        # spawn: a fork would copy this process's threads' locks (BLAS's, layerwise's lanes, a Dask client's).
        with concurrent.futures.ProcessPoolExecutor(self.parallelism, multiprocessing.get_context("spawn"),
                                                    initializer=_keep_shared, initargs=(shared,)) as pool:
            yield from _bounded(lambda configuration: pool.submit(_call_with_kept, function, configuration,
                                                                  self.threads, shared is not None),
                                _first_done, configurations, self.parallelism)


class Dask(Executor):
    """Dask distributed: a running cluster at ``scheduler`` ("tcp://host:8786"), or a `LocalCluster` of
    ``workers`` processes of one thread each, started here and stopped by `close`.

    Args:
        scheduler: the scheduler's address, or None to start a LocalCluster.
        workers: the LocalCluster's worker processes (default: every core).
        threads: the threads each trial runs on.
        retries: how many times a trial that raised is run again; a trial whose worker died is rescheduled
            by Dask itself (its ``distributed.scheduler.allowed-failures``, 3 by default).

    Example:
        Constructing the executor connects to the cluster (or starts the LocalCluster), so these lines are
        not run here; `close` (or the end of a ``with`` block) stops what it started:

        >>> from layerwise.tuning import Hyperband
        >>> with Dask(scheduler="tcp://scheduler.example:8786") as executor:  # doctest: +SKIP
        ...     tuner = Hyperband(build_model, objective="val_accuracy", max_epochs=9, executor=executor)
        ...     tuner.search(x, y, validation_data=(x_val, y_val))
        >>> executor = Dask(workers=2)  # a LocalCluster of 2 one-thread processes  # doctest: +SKIP

        The arguments are checked before anything starts:

        >>> Dask(scheduler="tcp://scheduler.example:8786", workers=2)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ValueError: Dask: give a scheduler address or a number of workers, not both (received scheduler=...)
    """

    def __init__(self, scheduler=None, workers=None, threads=1, retries=2):
        super().__init__(threads)
        if scheduler is not None and workers is not None:
            raise ValueError(f"Dask: give a scheduler address or a number of workers, not both "
                             f"(received scheduler={scheduler!r}, workers={workers!r})")
        self.retries = check_integer(retries, "retries", "Dask", minimum=0)
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:
            raise ImportError("the Dask executor needs Dask distributed: pip install 'layerwise[distributed]'") \
                from error
        self.cluster = None
        if scheduler is None:
            workers = check_integer(workers, "workers", "Dask", allow_none=True)
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            scheduler = self.cluster
        self.client = Client(scheduler)

    @property
    def parallelism(self):
        return max(1, sum(self.client.nthreads().values()))

    def map(self, function, configurations, shared=None):
        import cloudpickle
        from distributed import as_completed

        # Scattered once to every worker; each trial receives it as an argument, resolved on its worker.
        # (In a list, so that a tuple of arrays travels as one object; hash=False: no pass over the data.)
        shared = None if shared is None else self.client.scatter([shared], broadcast=True, hash=False)[0]
        finished = as_completed()

        def submit(configuration):
            # cloudpickle, explicitly: Dask pickles a task by reference when it can, and so would send
            # functions of modules its workers lack (a search file `layerwise tune` loaded, registered with
            # cloudpickle.register_pickle_by_value) by name.
            payload = cloudpickle.dumps((function, configuration))
            future = self.client.submit(_call_pickled, payload, shared, self.threads, pure=False,
                                        retries=self.retries)
            finished.add(future)
            return future

        def first_done(pending):
            future = next(finished)
            return future, future.result()  # raises the trial's error (or a cancellation) here

        yield from _bounded(submit, first_done, configurations, self.parallelism)

    def close(self):
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def add_arguments(command):
    """--scheduler ADDRESS | --workers N on an argparse ``command``: where trials run (see `get`)."""
    where = command.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="run the trials on this Dask cluster "
                       "(tcp://host:8786; pip install layerwise[distributed])")
    where.add_argument("--workers", type=int, metavar="N", help="run the trials on a Dask LocalCluster of N "
                       "one-thread worker processes started for the run (default: one after another, in-process)")


def get(scheduler=None, workers=None, threads=1):
    """The executor the command line's ``--scheduler ADDRESS`` / ``--workers N`` name: Dask on that cluster,
    a Dask LocalCluster of N workers, or `InProcess` when neither is given."""
    if scheduler is None and workers is None:
        return InProcess(threads)
    return Dask(scheduler=scheduler, workers=workers, threads=threads)
