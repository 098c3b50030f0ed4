"""``layerwise quickstart``: lecture 003's network on MNIST, from install to test accuracy in one command."""

import sys


def quickstart(args) -> int:
    """Train lecture 003's 784-500-500-10 network on MNIST and print the test accuracy."""
    import layerwise
    from layerwise.layers import Dense
    from layerwise.optimizers import SGD

    layerwise.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = layerwise.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
    x_test = x_test.reshape(-1, 784).astype("float32") / 255.0
    y_train = layerwise.utils.to_categorical(y_train, 10)
    y_test = layerwise.utils.to_categorical(y_test, 10)

    model = layerwise.Sequential([
        Dense(units=500, input_dim=28 * 28, activation="relu"),
        Dense(units=500, activation="relu"),
        Dense(units=10, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer=SGD(learning_rate=args.learning_rate, momentum=0.9),
                  metrics=["accuracy"])
    model.summary()
    model.fit(x_train, y_train, batch_size=args.batch_size, epochs=args.epochs, validation_split=0.1,
              verbose=1 if sys.stderr.isatty() or args.progress else 2)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test loss: {loss:.4f}")
    print(f"Test accuracy: {accuracy:.4f}")
    return 0
