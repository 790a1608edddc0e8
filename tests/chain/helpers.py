from __future__ import annotations

import io

from pypdf import PdfReader

from rbl.chain.models import ChainSettings
from rbl.organisation.models import Region

SVB = "Sociale Verzekeringsbank, kantoor Nijmegen\nPostbus 1234\n6500 AA  Nijmegen"


def svb_address(region: Region, **fields) -> ChainSettings:
    settings, _ = ChainSettings.objects.update_or_create(
        region=region, defaults={"svb_address": SVB, **fields}
    )
    return settings


def pdf_text(document) -> str:
    """The PDF's text with its line breaks and spacing folded to single spaces."""
    with document.file.open("rb") as f:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)
    return " ".join(text.split())
