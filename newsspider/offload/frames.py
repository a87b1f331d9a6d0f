"""Length-prefixed pickle frames, the wire format between the crawler and its workers."""

from __future__ import annotations

import pickle
import struct
from typing import Any

HEADER = struct.Struct("!Q")


def frame(message: Any) -> bytes:
    """``message`` pickled, behind its length."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


class FrameReader:
    """Splits a byte stream back into messages (data may arrive in any chunks)."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Any]:
        """Add ``data``; returns the messages it completed, in order."""
        self._buffer += data
        messages = []
        start, size = 0, len(self._buffer)
        while size - start >= HEADER.size:
            (length,) = HEADER.unpack_from(self._buffer, start)
            end = start + HEADER.size + length
            if end > size:
                break
            messages.append(pickle.loads(memoryview(self._buffer)[start + HEADER.size : end]))
            start = end
        if start:
            del self._buffer[:start]
        return messages
