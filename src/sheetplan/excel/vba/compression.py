"""MS-OVBA compression (MS-OVBA 2.4.1), written out because the pinned
``ms-ovba-compression`` 1.0.1 gets the copy-token length limit wrong.

Upstream computes the longest allowed match as ``0xFFFF << bit_count + 3`` (that is
``0xFFFF << (bit_count + 3)``, effectively unlimited) where the spec says
``(0xFFFF >> bit_count) + 3``; any match longer than the token's length field then spills
into the offset bits and the module decompresses to garbage — in practice every module past
a few hundred bytes. Its matcher is also quadratic in pure Python (minutes for xlwings.bas).
This version follows the spec's token layout exactly, finds matches through a hash of
3-byte prefixes (any valid match decompresses correctly; longest-first only saves bytes),
and is checked against upstream's and oletools' decompressors in the tests.
"""

from __future__ import annotations

CHUNK = 4096
_MAX_CANDIDATES = 64  # recent positions tried per prefix; bounds work on long runs


def copytoken_bits(position: int) -> int:
    """Bits of the offset field for a token at ``position`` in its chunk (at least 4)."""
    bits = 4
    while (1 << bits) < position:
        bits += 1
    return bits


def max_match_length(position: int) -> int:
    """Longest copy a token at ``position`` can encode: ``(0xFFFF >> bit_count) + 3``."""
    return (0xFFFF >> copytoken_bits(position)) + 3


def compress(data: bytes) -> bytes:
    """A CompressedContainer: signature byte 0x01 and one chunk per 4096 input bytes."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data[start : start + CHUNK])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos, n = 0, len(chunk)

    def remember(i: int) -> None:
        if i + 3 <= n:
            heads.setdefault(chunk[i : i + 3], []).append(i)

    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            offset, length = _longest_match(chunk, pos, heads)
            if length >= 3:
                bits = copytoken_bits(pos)
                token = ((offset - 1) << (16 - bits)) | (length - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                for i in range(pos, pos + length):
                    remember(i)
                pos += length
            else:
                out.append(chunk[pos])
                remember(pos)
                pos += 1
        out[flag_at] = flags
    if len(out) > CHUNK:  # incompressible: a raw chunk holds exactly 4096 bytes
        return (0x3000 | (CHUNK - 1)).to_bytes(2, "little") + chunk.ljust(CHUNK, b"\x00")
    return (0xB000 | (len(out) + 2 - 3)).to_bytes(2, "little") + bytes(out)


def _longest_match(chunk: bytes, pos: int, heads: dict[bytes, list[int]]) -> tuple[int, int]:
    candidates = heads.get(chunk[pos : pos + 3])
    if not candidates:
        return 0, 0
    limit = min(max_match_length(pos), len(chunk) - pos)
    best_len, best_off = 0, 0
    for cand in reversed(candidates[-_MAX_CANDIDATES:]):
        length = 3
        while length < limit and chunk[cand + length] == chunk[pos + length]:
            length += 1  # may run into the bytes being encoded: overlapping copies are valid
        if length > best_len:
            best_len, best_off = length, pos - cand
            if length == limit:
                break
    return best_off, min(best_len, limit)


def decompress(container: bytes) -> bytes:
    """Spec decompressor (used to check our output without trusting upstream)."""
    if not container or container[0] != 1:
        raise ValueError("not an MS-OVBA compressed container")
    out = bytearray()
    i = 1
    while i < len(container):
        header = int.from_bytes(container[i : i + 2], "little")
        size = (header & 0x0FFF) + 3
        end = i + size
        chunk_start = len(out)
        i += 2
        if not header & 0x8000:
            out += container[i : i + CHUNK]
            i += CHUNK
            continue
        while i < end:
            flags = container[i]
            i += 1
            for bit in range(8):
                if i >= end:
                    break
                if flags >> bit & 1:
                    token = int.from_bytes(container[i : i + 2], "little")
                    i += 2
                    bits = copytoken_bits(len(out) - chunk_start)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(container[i])
                    i += 1
    return bytes(out)
