"""Real PDF and DOCX resume files, built the way word processors write them."""

from __future__ import annotations

import base64
import io

from candidates.demo import pdf_bytes

__all__ = ["b64", "docx_bytes", "pdf_bytes"]


def docx_bytes(text: str, *, author: str = "", last_modified_by: str = "") -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.core_properties.author = author
    document.core_properties.last_modified_by = last_modified_by
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()
