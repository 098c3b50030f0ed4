"""Atomic file writes: a crash at any moment leaves either the old file or the new one, never a mix.

What is at the path is respected the way ``cp`` and editors respect it:

- a symbolic link is followed, and the file it points to is replaced (the link stays a link; a dangling
  link gets its target created);
- an existing file keeps its permission bits (and its owner and group where the user may set them); a
  file that is write-protected (no write bit, even for root, as ``rm`` asks) or that the user cannot
  write is refused with a `PermissionError`; a directory or a device is refused too;
- a new file gets the mode the umask gives (``0o666 & ~umask``, as ``open`` would).

The data go to a temporary file next to the target, named ``.<name>.<random>.layerwise-tmp``, which is
renamed over the target only once it is completely written and on disk. The writer holds an exclusive
``flock`` on it until the rename, so a temporary file whose lock can be taken belongs to a writer that
died (killed, power cut): the next write to that directory removes it. Every `OSError` names the user's
path, never the temporary file.
"""

import contextlib
import errno
import os
import secrets
import stat

try:
    import fcntl
except ImportError:  # Windows: no flock; stale temporary files are then left for the user to remove
    fcntl = None

TEMPORARY_SUFFIX = ".layerwise-tmp"


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


def _existing(path, target):
    """The `os.stat_result` of the file to replace (None if there is none), after checking it may be."""
    try:
        status = os.stat(target)
    except FileNotFoundError:
        return None
    mode = stat.S_IMODE(status.st_mode)
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(errno.EISDIR, "cannot save: it is a directory", path)
    if not stat.S_ISREG(status.st_mode):
        raise OSError(errno.EINVAL, "cannot save: it is not a regular file (a device, socket or pipe)", path)
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, f"cannot save: the file is write-protected (mode {mode:#o}); make it "
                                            "writable (chmod u+w) or save elsewhere", path)
    return status


def _locked(fd) -> bool:
    """Lock ``fd`` exclusively without waiting; False if another process holds the lock."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(fd, path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (a cleaner may have removed it meanwhile)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def remove_stale_temporaries(directory) -> int:
    """Remove the temporary files of writers that died in ``directory``; return how many were removed.

    A temporary file is stale when its writer's lock can be taken (a lock dies with its process); one
    still being written is left alone. Files this user may not open or remove are left too.
    """
    if fcntl is None:
        return 0
    removed, stale = 0, []
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        stale = [entry.path for entry in entries if entry.name.startswith(".") and
                 entry.name.endswith(TEMPORARY_SUFFIX) and entry.is_file(follow_symlinks=False)]
    for path in stale:
        with contextlib.suppress(OSError):
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            try:
                if _locked(fd) and _same_file(fd, path):
                    os.unlink(path)
                    removed += 1
            finally:
                os.close(fd)
    return removed


def _create_temporary(target, status):
    """Open a new locked temporary file next to ``target``; return (fd, its path)."""
    directory, name = os.path.split(target)
    while True:
        temporary = os.path.join(directory, f".{name}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
                     0o600 if status else 0o666)
        if fcntl is None:
            break
        fcntl.flock(fd, fcntl.LOCK_EX)
        if _same_file(fd, temporary):  # else a cleaner took it for stale between the open and the lock
            break
        os.close(fd)
    if status is not None:
        with contextlib.suppress(PermissionError):
            os.fchown(fd, status.st_uid, status.st_gid)
        os.fchmod(fd, stat.S_IMODE(status.st_mode))
    return fd, temporary


@contextlib.contextmanager
def atomic_write(path):
    """Yield a binary file that replaces ``path`` only once it is completely written and on disk.

    The data go to a temporary file in the target's directory (so the final `os.replace` is a rename
    on one file system, atomic on POSIX and Windows), which is flushed and fsynced before the rename;
    on any error the temporary file is removed and ``path`` is untouched. Symbolic links, modes, the
    umask and stale temporary files are handled as this module's docstring says.

    Raises:
        PermissionError: ``path`` is write-protected, or its directory is not writable.
        OSError: any other failure to write (a full disk ...), naming ``path``.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "a.bin")
        >>> with atomic_write(path) as f:
        ...     _ = f.write(b"data")
        >>> open(path, "rb").read()
        b'data'
    """
    path = os.fspath(path)
    target = os.path.realpath(path)
    temporary = None
    try:
        status = _existing(path, target)
        remove_stale_temporaries(os.path.dirname(target))
        fd, temporary = _create_temporary(target, status)
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
            if fcntl is not None:  # rename while the lock is held, so no cleaner can take the file
                os.replace(temporary, target)
        if fcntl is None:
            os.replace(temporary, target)
    except OSError as error:
        _remove(temporary)
        if not _hides_the_path(error, path, target):
            raise
        raise OSError(error.errno, f"cannot save ({error.strerror})", path) from None
    except BaseException:
        _remove(temporary)
        raise
    _fsync_directory(os.path.dirname(target))


def _hides_the_path(error, path, target) -> bool:
    """Whether ``error`` names no file, the temporary file or the link's target instead of ``path``."""
    name = error.filename
    return name != path and (name is None or name == target or str(name).endswith(TEMPORARY_SUFFIX))


def _remove(temporary) -> None:
    if temporary is not None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
