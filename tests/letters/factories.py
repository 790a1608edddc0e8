"""Factories for letters and documents."""

from __future__ import annotations

import factory
from django.utils import timezone

from rbl.letters.models import Document, DocumentSource, LetterKind
from rbl.letters.services.documents import save_file

#: The smallest file that passes as a PDF by its content.
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class DocumentFactory(factory.django.DjangoModelFactory):
    """A stored letter (a tiny PDF) with a case or person."""

    class Meta:
        model = Document

    source = DocumentSource.LETTER
    letter_kind = LetterKind.UITNODIGING
    title = "Uitnodiging voor een gesprek"
    content_type = "application/pdf"
    created_at = factory.LazyFunction(timezone.now)
    size = 0
    sha256 = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        document = model_class(*args, **kwargs)
        save_file(document, TINY_PDF, "pdf")
        document.save()
        return document
