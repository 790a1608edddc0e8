"""HTML to PDF with WeasyPrint, one letter at a time or many in parallel.

A batch renders its letters in `RBL_LETTER_PROCESSES` worker processes
(default: one per CPU). The workers are started with "spawn" and import only
this module and WeasyPrint, not Django: they receive a letter's HTML and
return its PDF bytes, so their memory stays that of WeasyPrint alone while the
calling process does the database work. Results come back in the order given.

`PdfConcatenation` puts many PDFs into one (a batch's print file) as they come,
in constant memory.
"""

from __future__ import annotations

import io
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: Letters handed to a worker at a time: enough to keep both busy, few enough
#: that progress moves smoothly and little waits in memory.
CHUNK = 4


_shared: dict = {}


def render_pdf(html: str, *, reuse_images: bool = False) -> bytes:
    """One HTML document as PDF bytes (images are read from file:// URIs).

    The process keeps one font configuration for all the letters it renders,
    and a batch's worker (`reuse_images`, a process that lives one batch long)
    also one image cache: fonts are looked up and logos decoded once, not per
    letter (measured: 78 ms a letter against 100 ms). A long-lived process does
    not cache images, so a new logo shows on its next letter."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if not _shared:
        _shared["font_config"] = FontConfiguration()
        _shared["cache"] = {}
    return HTML(string=html, base_url="/").write_pdf(
        font_config=_shared["font_config"], cache=_shared["cache"] if reuse_images else None
    )


def _render_chunk(docs: list[str]) -> list[bytes]:
    return [render_pdf(html, reuse_images=True) for html in docs]


@contextmanager
def renderer(processes: int) -> Iterator[Callable[[Iterable[str]], Iterator[bytes]]]:
    """A function that turns an iterable of HTML documents into their PDFs,
    in order, using `processes` worker processes (in-process when 1).

    The iterable is consumed in the calling thread (building a letter may read
    the database) and only a few chunks ahead of the results, so memory does not
    grow with the batch."""
    if processes <= 1:
        yield lambda docs: (render_pdf(html) for html in docs)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:

        def run(docs: Iterable[str]) -> Iterator[bytes]:
            pending: deque = deque()
            chunk: list[str] = []
            ahead = 2 * processes
            for html in docs:
                chunk.append(html)
                if len(chunk) == CHUNK:
                    pending.append(pool.apply_async(_render_chunk, (chunk,)))
                    chunk = []
                    while len(pending) > ahead:
                        yield from pending.popleft().get()
            if chunk:
                pending.append(pool.apply_async(_render_chunk, (chunk,)))
            while pending:
                yield from pending.popleft().get()

        yield run


class PdfConcatenation:
    """One PDF made of others, written as they come, in constant memory.

    `add` writes the pages of one PDF and every object they use (fonts,
    images, content streams) to the target at once, under new object numbers;
    `finish` writes the page tree, the catalogue and the cross-reference
    table. Only object numbers and file offsets stay in memory (pypdf's
    `PdfWriter` keeps every page until it writes: 170 MB for 1,000 letters).
    Bookmarks and document information of the parts are not carried over."""

    def __init__(self, target: Path) -> None:
        self.path = Path(target)
        self.pages = 0
        self._out = open(self.path, "wb")  # closed by finish() or close()
        self._out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self._offsets: list[int] = [0, 0, 0]  # 1 catalogue and 2 page tree, written last
        self._kids: list[int] = []

    def add(self, pdf: bytes | Path) -> int:
        """Append all pages of one PDF (its bytes or its file); returns how many."""
        from pypdf import PdfReader
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

        reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
        if reader.is_encrypted:
            raise ValueError("an encrypted PDF cannot be appended")
        numbers: dict[tuple[int, int], int] = {}
        todo: list[tuple[IndirectObject, int]] = []
        containers = (IndirectObject, DictionaryObject, ArrayObject)

        def renumber(obj):
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                new = numbers.get(key)
                if new is None:
                    new = numbers[key] = len(self._offsets)
                    self._offsets.append(0)
                    todo.append((obj, new))
                return IndirectObject(new, 0, None)
            if isinstance(obj, DictionaryObject):
                for key, value in obj.items():
                    if isinstance(value, containers):
                        obj[key] = renumber(value)
            elif isinstance(obj, ArrayObject):
                for i, value in enumerate(obj):
                    if isinstance(value, containers):
                        obj[i] = renumber(value)
            return obj

        pages = [page.indirect_reference for page in reader.pages]
        page_keys = {(ref.idnum, ref.generation) for ref in pages}
        parent = IndirectObject(2, 0, None)
        self._kids.extend(renumber(ref).idnum for ref in pages)
        out = self._out
        while todo:
            ref, new = todo.pop()
            obj = reader.get_object(ref)
            if (ref.idnum, ref.generation) in page_keys:
                obj[NameObject("/Parent")] = parent
            renumber(obj)
            self._offsets[new] = out.tell()
            out.write(b"%d 0 obj\n" % new)
            obj.write_to_stream(out)
            out.write(b"\nendobj\n")
        self.pages += len(pages)
        return len(pages)

    def finish(self) -> int:
        """Write the page tree and the cross-reference table; returns the pages."""
        out, offsets = self._out, self._offsets
        offsets[2] = out.tell()
        out.write(b"2 0 obj\n<</Type /Pages /Count %d /Kids [" % len(self._kids))
        out.write(b" ".join(b"%d 0 R" % kid for kid in self._kids))
        out.write(b"]>>\nendobj\n")
        offsets[1] = out.tell()
        out.write(b"1 0 obj\n<</Type /Catalog /Pages 2 0 R>>\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % len(offsets))
        out.writelines(b"%010d 00000 n \n" % offset for offset in offsets[1:])
        out.write(b"trailer\n<</Size %d /Root 1 0 R>>\n" % len(offsets))
        out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
        out.close()
        return self.pages

    def close(self) -> None:
        """Close the file (unfinished when `finish` was not called)."""
        self._out.close()

    def __enter__(self) -> PdfConcatenation:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def merge_pdfs(paths: Iterable[Path], target: Path) -> int:
    """Concatenate PDF files into one; returns the number of pages."""
    with PdfConcatenation(target) as combined:
        for path in paths:
            combined.add(path)
        return combined.finish()
