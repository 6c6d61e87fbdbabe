"""Real PDF and DOCX resume files, built the way word processors write them."""

from __future__ import annotations

import base64
import io


def pdf_bytes(text: str, *, author: str = "", creator: str = "", producer: str = "") -> bytes:
    """A one-page PDF 1.4 with `text` in Helvetica and a document information dictionary."""

    def literal(value: str) -> str:
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    lines = text.splitlines() or [""]
    stream = "BT /F1 11 Tf 72 740 Td 14 TL " + " ".join(f"({literal(li)}) '" for li in lines)
    stream += " ET"
    info = " ".join(
        f"/{k} ({literal(v)})"
        for k, v in (("Author", author), ("Creator", creator), ("Producer", producer))
        if v
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        f"<< {info} /CreationDate (D:20260301120000Z) /ModDate (D:20260302093000Z) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


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
