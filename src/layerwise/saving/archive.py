"""The model file container: an uncompressed zip of named entries, read defensively.

Zip gives every entry a CRC-32, so a flipped bit anywhere in an entry's bytes is caught, and lets
users inspect a file with ``unzip -l``. Entries are stored (never compressed, so no decompression
bomb), with a fixed timestamp (saving the same model twice gives the same bytes). Reading accepts
only our entry names, each at most once, and turns every failure of the zip parser into a
`ModelFileError`.
"""

import io
import struct
import zipfile
import zlib

from layerwise.errors import ModelFileError
from layerwise.saving.atomic import atomic_write

MANIFEST = "layerwise.json"
MAGIC = b"PK\x03\x04"
_EPOCH = (1980, 1, 1, 0, 0, 0)
_SIGNATURES = [(b"\x89PNG", "a PNG image"), (b"\x89HDF", "an HDF5 file (Keras 2 .h5?)"),
               (b"\x80\x02", "a Python pickle"), (b"\x93NUMPY", "a NumPy .npy file")]
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, struct.error, ValueError,
               KeyError, IndexError, OverflowError, NotImplementedError, RuntimeError, zlib.error)


def write_archive(path, entries) -> None:
    """Write ``{name: bytes}`` as a stored zip to ``path`` atomically; the manifest goes first."""
    with atomic_write(path) as file, zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(entries, key=lambda n: n != MANIFEST):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name])


def describe_foreign(data: bytes) -> str:
    """What a file that is not ours seems to be, for the error message."""
    for signature, description in _SIGNATURES:
        if data.startswith(signature):
            return description
    return f"an unknown format (starts with {bytes(data[:8])!r})"


def check_magic(head: bytes, where) -> None:
    """Refuse a file whose first bytes are not a zip's, before the rest of it is read."""
    if not head.startswith(MAGIC):
        raise ModelFileError(f"{where} is not a layerwise model file: it looks like {describe_foreign(head)}")


def read_archive(data: bytes, where, allowed) -> dict:
    """``{name: bytes}`` of a model file's entries, or a ModelFileError saying what is wrong.

    Args:
        data: the whole file.
        where: the file's name, for messages.
        allowed: ``{name: largest size in bytes, or None}`` of the entries a layerwise model file may hold.
    """
    check_magic(data, where)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            if MANIFEST not in names:
                kind = ("a PyTorch file (pickle inside; layerwise never unpickles)"
                        if any(n.endswith("data.pkl") for n in names) else "a zip archive")
                raise ModelFileError(f"{where} is {kind}, not a layerwise model file (no {MANIFEST}; "
                                     f"entries: {names[:5]})")
            unexpected = sorted(set(names) - set(allowed))
            if unexpected or len(set(names)) != len(names):
                raise ModelFileError(f"{where}: unexpected or repeated entries {unexpected or names}")
            entries = {}
            for info in infos:
                if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
                    raise ModelFileError(f"{where}: entry {info.filename!r} is compressed or encrypted")
                limit = min(len(data), allowed[info.filename] or len(data))
                if info.file_size > limit:
                    raise ModelFileError(f"{where}: entry {info.filename!r} claims {info.file_size} bytes, more "
                                         f"than the {limit} allowed (the file has {len(data)})")
                entries[info.filename] = archive.read(info)
            return entries
    except ModelFileError:
        raise
    except _ZIP_ERRORS as error:
        raise ModelFileError(f"{where} is a corrupted or truncated model file "
                             f"({type(error).__name__}: {error})") from None
