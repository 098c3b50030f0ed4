"""RemoteMonitor: each epoch's logs posted to a server as JSON."""

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from layerwise.callbacks.callback import Callback


class RemoteMonitor(Callback):
    """POST ``{"epoch": epoch, **logs}`` to ``root + path`` at the end of every epoch, as Keras's RemoteMonitor:
    as a form field ``field`` holding the JSON, or, with ``send_as_json``, as a JSON body. A server that cannot be
    reached gives a warning, never an error: training goes on.

    Args:
        root: the server's root URL (default "http://localhost:9000").
        path: the path of the endpoint (default "/publish/epoch/end/").
        field: the form field of the JSON (default "data").
        headers: extra HTTP headers, a dict.
        send_as_json: send the JSON as the request's body (Content-Type: application/json).

    Example:
        >>> RemoteMonitor(root="http://example.org").url
        'http://example.org/publish/epoch/end/'
    """

    writes_weights = False

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False):
        super().__init__()
        self.root, self.path, self.field = root, path, field
        self.headers, self.send_as_json = dict(headers or {}), bool(send_as_json)

    @property
    def url(self) -> str:
        return self.root + self.path

    def on_epoch_end(self, epoch, logs=None):
        payload = {"epoch": epoch, **{key: value.item() if isinstance(value, np.generic) else value
                                      for key, value in (logs or {}).items()}}
        if self.send_as_json:
            body, content_type = json.dumps(payload).encode(), "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(payload)}).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"Content-Type": content_type, **self.headers})
        try:
            with urllib.request.urlopen(request, timeout=10):
                pass
        except (urllib.error.URLError, OSError) as error:
            warnings.warn(f"RemoteMonitor: could not reach the server at {self.url} ({error})", stacklevel=2)
