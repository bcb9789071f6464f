"""Minimal, valid PDF files written by hand for tests (pypdf reads PDFs but cannot set text).

``text_pdf`` draws lines of text in the standard Helvetica font (no font file embedded);
``image_pdf`` draws one tiny grey image and no text, like a scanned page.
"""

from __future__ import annotations

from collections.abc import Sequence

#: A short news story as laid out on a page: a headline, then wrapped paragraphs.
NEWS_LINES = [
    "Drones downed over Kyiv",
    "",
    "Air defences shot down 37 of the 65 drones that Russia launched overnight, the",
    "Ukrainian air force said on Tuesday. Debris damaged several schools and a clinic in",
    "Kyiv, local officials said.",
    "",
    "The attack came hours after talks in Riyadh ended without an agreement on the",
    "ceasefire, diplomats said (no one was hurt).",
]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _pdf(objects: Sequence[bytes], *, info: dict[str, str] | None = None) -> bytes:
    """Assemble numbered objects (1 is the catalog) with a correct cross-reference table."""
    parts = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"]
    offsets: list[int] = []
    all_objects = list(objects)
    if info:
        entries = " ".join(f"/{key} ({_escape(value)})" for key, value in info.items())
        all_objects.append(f"<< {entries} >>".encode("latin-1"))
    for number, body in enumerate(all_objects, start=1):
        offsets.append(sum(len(p) for p in parts))
        parts.append(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref_at = sum(len(p) for p in parts)
    size = len(all_objects) + 1
    table = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
    table += [b"%010d 00000 n \n" % offset for offset in offsets]
    trailer = b"trailer\n<< /Size %d /Root 1 0 R" % size
    if info:
        trailer += b" /Info %d 0 R" % len(all_objects)
    trailer += b" >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return b"".join(parts + table + [trailer])


def _stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)}{extra} >>\nstream\n".encode() + data + b"\nendstream"


def text_pdf(pages: Sequence[Sequence[str]], *, info: dict[str, str] | None = None) -> bytes:
    """A PDF with one page per item of ``pages``, each line of it drawn 14 points below the
    last. ``info`` sets the document information (``Title``, ``CreationDate``, ...)."""
    n = len(pages)
    font = 3 + 2 * n
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
    ]
    for i, lines in enumerate(pages):
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            ops += [f"({_escape(line)}) Tj", "T*"]
        ops.append("ET")
        content = "\n".join(ops).encode("latin-1")
        objects.append(
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {4 + 2 * i} 0 R >>"
            ).encode()
        )
        objects.append(_stream(content))
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    return _pdf(objects, info=info)


def image_pdf() -> bytes:
    """A one-page PDF holding only a 2 x 2 grey image: no text layer, like a scanned page."""
    content = b"q 200 0 0 200 72 500 cm /Im1 Do Q"
    image = _stream(
        bytes([0x40, 0x80, 0xC0, 0xFF]),
        " /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray"
        " /BitsPerComponent 8",
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
        _stream(content),
        image,
    ]
    return _pdf(objects)
