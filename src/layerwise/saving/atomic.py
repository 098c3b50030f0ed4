"""Atomic file writes: a crash at any moment leaves either the old file or the new one, never a mix."""

import contextlib
import os
import tempfile


def _fsync_directory(directory) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path):
    """Yield a binary file that replaces ``path`` only once it is completely written and on disk.

    The data goes to a temporary file in the same directory (so the final `os.replace` is a rename
    on one file system, atomic on POSIX and Windows), which is flushed and fsynced before the rename;
    on any error the temporary file is removed and ``path`` is untouched.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "a.bin")
        >>> with atomic_write(path) as f:
        ...     _ = f.write(b"data")
        >>> open(path, "rb").read()
        b'data'
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644
    fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)
