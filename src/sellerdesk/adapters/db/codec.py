"""How bytes are kept in the database: zstd-compressed, addressed by their SHA-256."""

from __future__ import annotations

import hashlib

import zstandard

from sellerdesk.errors import StoreError

ZSTD = "zstd"
NONE = "none"
_LEVEL = 6  # mail compresses about 3-5x at this level; higher levels cost much more time for little gain


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of *data* as 64 lower-case hexadecimal digits."""
    return hashlib.sha256(data).hexdigest()


def compress(data: bytes) -> tuple[str, bytes]:
    """Return ``(compression, stored_bytes)``; tiny inputs are kept as they are."""
    if len(data) < 64:
        return NONE, data
    packed = zstandard.ZstdCompressor(level=_LEVEL).compress(data)
    if len(packed) >= len(data):
        return NONE, data
    return ZSTD, packed


def decompress(compression: str, data: bytes, *, what: str) -> bytes:
    """Undo :func:`compress`.

    Raises:
        StoreError: the stored bytes are damaged or use an unknown compression; *what* names the row.
    """
    if compression == NONE:
        return bytes(data)
    if compression != ZSTD:
        raise StoreError(f"{what}: unknown compression {compression!r}; upgrade sellerdesk")
    try:
        return bytes(zstandard.ZstdDecompressor().decompress(bytes(data)))
    except zstandard.ZstdError as exc:
        raise StoreError(f"{what}: stored bytes are damaged ({exc}); restore it from a backup") from exc
