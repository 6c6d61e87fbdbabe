"""Uploaded resume files: decode base64 or a data: URI, prove it is a PDF or DOCX within limits,
read its text and document metadata, store it.

Parsing happens before anything is stored, so a file that is not a readable PDF/DOCX is a 400 at
its field's path. pypdf reads PDFs; python-docx reads DOCX text and core properties, and the
package's docProps/app.xml names the application that wrote it. A DOCX is a zip: its declared
sizes are checked before anything is inflated, so a zip bomb never expands.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from candidates.images import stored_file_track
from candidates.models import ResumeFile

MAX_BYTES = 8 * 1024 * 1024
MAX_ENCODED_CHARS = (MAX_BYTES + 2) // 3 * 4 + 4096
MAX_TEXT_CHARS = 200_000  # resume_text's limit
MAX_PDF_PAGES = 50
MAX_DOCX_INFLATED = 64 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_DATA_URI = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(;[^,;]*)*?;base64,", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_APP_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"


class ResumeInvalid(ValueError):
    """Not a readable PDF or DOCX within limits; the message says why."""


@dataclass(frozen=True, slots=True)
class DecodedResume:
    raw: bytes
    sha256: str
    content_type: str
    extension: str
    filename: str
    text: str
    metadata: dict[str, Any]


def resume_decode(*, content: str, filename: str) -> DecodedResume:
    """Base64 text or a data: URI of a PDF or DOCX -> its text and metadata, or ResumeInvalid."""
    if len(content) > MAX_ENCODED_CHARS:
        raise ResumeInvalid(f"The file is over {MAX_BYTES // (1024 * 1024)} MiB.")
    match = _DATA_URI.match(content)
    try:
        raw = base64.b64decode(_WHITESPACE.sub("", content[match.end() :] if match else content))
    except (binascii.Error, ValueError) as exc:
        raise ResumeInvalid("The file is not valid base64.") from exc
    if not raw:
        raise ResumeInvalid("The file is empty.")
    if len(raw) > MAX_BYTES:
        raise ResumeInvalid(f"The file is over {MAX_BYTES // (1024 * 1024)} MiB.")
    if raw.startswith(b"%PDF-"):
        text, metadata = _pdf(raw)
        content_type, extension = PDF, "pdf"
    elif raw.startswith(b"PK\x03\x04"):
        text, metadata = _docx(raw)
        content_type, extension = DOCX, "docx"
    else:
        raise ResumeInvalid("The file must be a PDF or a DOCX document.")
    return DecodedResume(
        raw=raw,
        sha256=hashlib.sha256(raw).hexdigest(),
        content_type=content_type,
        extension=extension,
        filename=filename,
        text=text[:MAX_TEXT_CHARS],
        metadata=metadata,
    )


def _pdf(raw: bytes) -> tuple[str, dict[str, Any]]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise ResumeInvalid("The PDF is encrypted.")
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
        info: Any = reader.metadata or {}
        metadata = {
            "author": _text(info.get("/Author")),
            "last_modified_by": "",  # PDF's document information has no such entry
            "creator": _text(info.get("/Creator")),
            "producer": _text(info.get("/Producer")),
            "created": _when(getattr(reader.metadata, "creation_date", None)),
            "modified": _when(getattr(reader.metadata, "modification_date", None)),
        }
    except ResumeInvalid:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ResumeInvalid("The file is not a readable PDF.") from exc
    return "\n".join(pages).strip(), metadata


def _docx(raw: bytes) -> tuple[str, dict[str, Any]]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            if sum(i.file_size for i in package.infolist()) > MAX_DOCX_INFLATED:
                raise ResumeInvalid("The DOCX expands to more than 64 MiB.")
            application = _docx_application(package)
        document = docx.Document(io.BytesIO(raw))
        props = document.core_properties
        text = "\n".join(p.text for p in document.paragraphs)
        metadata = {
            "author": props.author or "",
            "last_modified_by": props.last_modified_by or "",
            "creator": application,
            "producer": "",
            "created": _when(props.created),
            "modified": _when(props.modified),
        }
    except ResumeInvalid:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ResumeInvalid("The file is not a readable DOCX document.") from exc
    return text.strip(), metadata


def _docx_application(package: zipfile.ZipFile) -> str:
    """docProps/app.xml's <Application> ("Microsoft Office Word"), or ""."""
    try:
        root = ElementTree.fromstring(package.read("docProps/app.xml"))  # noqa: S314
    except (KeyError, ElementTree.ParseError):
        return ""
    found = root.find(f"{_APP_NS}Application")
    return (found.text or "").strip()[:200] if found is not None else ""


def _text(value: Any) -> str:
    return str(value).strip()[:200] if value is not None else ""


def _when(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # OOXML and PDF dates without a zone are UTC by convention
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def resume_store(*, decoded: DecodedResume) -> ResumeFile:
    row = ResumeFile(
        sha256=decoded.sha256,
        content_type=decoded.content_type,
        filename=decoded.filename,
        metadata=decoded.metadata,
    )
    row.file.save(f"{uuid.uuid4().hex}.{decoded.extension}", ContentFile(decoded.raw), save=False)
    stored_file_track(row.file.name)
    row.save()
    return row


def resume_delete(*, resume: ResumeFile | None, keep_file: bool = False) -> str:
    """Delete the row now and its file once the transaction commits (a rollback keeps both);
    with `keep_file` the caller deletes the file. Returns the file's name."""
    if resume is None:
        return ""
    name = resume.file.name
    resume.delete()
    if name and not keep_file:
        transaction.on_commit(lambda: default_storage.delete(name))
    return name
