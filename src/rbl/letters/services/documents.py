"""Storing documents: generated letters and uploads, each with its SHA-256,
immutable, in private storage; uploads checked by their content."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.models import EventKind
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.events import locked_case, record_event, save_case
from rbl.letters.models import Document, DocumentSource, UploadKind, _document_path, _private


class DocumentRejected(CaseRuleError):
    """An upload that is not accepted; the message is Dutch and for the user."""


def sniff_type(head: bytes) -> str | None:
    """The content type by the file's own first bytes, not its name."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


def save_file(document: Document, content: bytes, extension: str) -> None:
    """Write `content` to private storage for a document not yet saved."""
    name = _document_path(document, f"x.{extension}")
    document.file.name = _private().save(name, ContentFile(content))
    document.size = len(content)
    document.sha256 = hashlib.sha256(content).hexdigest()


def upload_document(
    *,
    upload: Any,
    upload_kind: str,
    title: str,
    author: Any,
    case: Any = None,
    person: Any = None,
    expected_version: int | None = None,
    path: str = "",
) -> Document:
    """Store an uploaded PDF, PNG or JPEG with a case (or a person without
    case). Refused: another kind of file (by its content), a file above the
    size limit, an empty file."""
    if upload_kind not in UploadKind.values:
        raise DocumentRejected("Kies wat voor document het is.")
    limit = settings.RBL_MAX_DOCUMENT_MB * 1024 * 1024
    if upload.size > limit:
        raise DocumentRejected(
            f"Het bestand is groter dan {settings.RBL_MAX_DOCUMENT_MB} MB. "
            "Verklein het (bijvoorbeeld door minder scherp te scannen) en probeer opnieuw."
        )
    content = b"".join(upload.chunks())
    if not content:
        raise DocumentRejected("Het bestand is leeg.")
    content_type = sniff_type(content[:16])
    if content_type is None:
        raise DocumentRejected(
            "Dit bestand is geen PDF, PNG of JPEG. Alleen die bestandssoorten kunnen worden "
            "toegevoegd."
        )
    title = (title or "").strip() or UploadKind(upload_kind).label
    if len(title) > 200:
        raise DocumentRejected("De titel is langer dan 200 tekens.")
    person = person if person is not None else getattr(case, "person", None)
    now = timezone.now()
    document = Document(
        person=person,
        case=case,
        source=DocumentSource.UPLOAD,
        upload_kind=upload_kind,
        title=title,
        content_type=content_type,
        author=author,
        created_at=now,
    )
    save_file(
        document, content, {"application/pdf": "pdf", "image/png": "png"}.get(content_type, "jpg")
    )
    try:
        with transaction.atomic():
            if case is not None:
                with locked_case(case, expected_version) as locked:
                    document.save()
                    save_case(locked, [])
                    record_event(
                        locked,
                        EventKind.DOCUMENT,
                        actor=author,
                        data={"document": document.pk, "soort": upload_kind},
                        note=title,
                        at=now,
                    )
            else:
                document.save()
            log_access(
                author,
                Action.CREATE,
                persons=[person] if person else [],
                case=case,
                path=path,
                purpose="document toegevoegd",
            )
    except BaseException:
        _private().delete(document.file.name)
        raise
    return document


def log_download(user: Any, document: Document, path: str) -> None:
    """Every download of a document is in the access log."""
    log_access(
        user,
        Action.PRINT if document.source == DocumentSource.LETTER else Action.VIEW,
        persons=[document.person_id] if document.person_id else [],
        case=document.case_id,
        path=path,
        purpose=f"document {document.pk} gedownload",
    )


def stored_on(document: Document) -> dt.date:
    return timezone.localtime(document.created_at).date()
