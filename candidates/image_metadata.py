"""Removing metadata from stored images without re-encoding them.

Phones write EXIF into photos and scans: GPS position, device serial numbers, capture time.
None of it is needed to vet anyone, so it is not kept. The pixels stay byte-for-byte the same
(no re-encoding, no quality loss): JPEG APP1 (EXIF, XMP), APP13 (IPTC) and comment segments and
PNG eXIf and text chunks are dropped; colour profiles (APP2/iCCP) and Adobe APP14, which change
how pixels are shown, stay. The EXIF orientation goes with the EXIF block.
"""

from __future__ import annotations

import struct

_JPEG_DROP = {0xE1, 0xED, 0xFE}  # APP1, APP13, COM
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROP = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def metadata_strip(raw: bytes, content_type: str) -> bytes:
    """The image without its metadata; anything unexpected returns `raw` unchanged (the image
    was already verified, and a partial rewrite must never corrupt it)."""
    try:
        if content_type == "image/jpeg":
            return _jpeg(raw)
        if content_type == "image/png":
            return _png(raw)
    except (IndexError, struct.error, ValueError):
        return raw
    return raw


def _jpeg(raw: bytes) -> bytes:
    if raw[:2] != b"\xff\xd8":
        return raw
    out, pos = [raw[:2]], 2
    while pos < len(raw):
        if raw[pos] != 0xFF:
            return raw
        marker = raw[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xDA or marker == 0xD9:  # start of scan / end: the rest is image data
            out.append(raw[pos:])
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out.append(raw[pos : pos + 2])
            pos += 2
            continue
        (length,) = struct.unpack(">H", raw[pos + 2 : pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(raw):
            return raw
        if marker not in _JPEG_DROP:
            out.append(raw[pos:end])
        pos = end
    return raw


def _png(raw: bytes) -> bytes:
    if not raw.startswith(_PNG_SIGNATURE):
        return raw
    out, pos = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    while pos < len(raw):
        (length,) = struct.unpack(">I", raw[pos : pos + 4])
        kind = raw[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(raw):
            return raw
        if kind not in _PNG_DROP:
            out.append(raw[pos:end])
        pos = end
        if kind == b"IEND":
            break
    return b"".join(out)
