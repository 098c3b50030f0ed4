"""Hyperparameter search and many trainings at once, on engines others keep: Optuna decides which trials to
run, an executor runs them (in this process, on a process pool, or on a Dask cluster).

KerasTuner's workflow::

    def build_model(hp):
        model = layerwise.Sequential([layerwise.Input(shape=(784,)),
                                      Dense(hp.Int("units", 32, 512, step=32), activation="relu"),
                                      Dropout(hp.Float("dropout", 0.0, 0.5, step=0.1)),
                                      Dense(10, activation="softmax")])
        model.compile(optimizer=SGD(hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    tuner = Hyperband(build_model, objective="val_accuracy", max_epochs=9, max_trials=30,
                      directory="search", project_name="mnist", executor=Dask(workers=2))
    tuner.search(x, y, validation_data=(x_val, y_val), batch_size=100)
    model = tuner.get_best_models(1)[0]

Optuna (``pip install layerwise[tune]``) and Dask (``layerwise[distributed]``) are imported only when a
search or a Dask executor starts.
"""

from layerwise.tuning import executors
from layerwise.tuning.executors import Dask, InProcess, ProcessPool
from layerwise.tuning.hyperparameters import HyperParameters
from layerwise.tuning.tuner import Objective, Tuner
from layerwise.tuning.tuners import BayesianOptimization, GridSearch, Hyperband, RandomSearch

__all__ = ["BayesianOptimization", "Dask", "GridSearch", "HyperParameters", "Hyperband", "InProcess", "Objective",
           "ProcessPool", "RandomSearch", "Tuner", "executors"]
