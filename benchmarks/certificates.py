"""Certificates benchmark: the hand-over PDF of 1,000 certificates, and one certificate at a time.

The 1,000 documents are in the six languages in turn (names in Latin, Cyrillic, Chinese and
Arabic script, the last with a transliteration), of the three kinds, each with two issuing
organisations' logos and two signatories with their signature images, and a real code signed
with a fresh ceremony key (``signing.certificates``). It times ``render_certificates`` on all of
them in one batch, a few times over, then ``render_certificate`` on each, and prints the
figures against the 20 s target for the batch.

    python -m benchmarks.certificates [--runs 3] [--count 1000]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
import uuid
from datetime import date
from decimal import Decimal

from PIL import Image, ImageDraw

from benchmarks.load import machine
from services.badges.printing.certificate_document import (
    CertificateDocument,
    Organisation,
    Signatory,
)
from services.badges.printing.certificates import render_certificate, render_certificates
from services.badges.signing import codes
from services.badges.signing.certificates import sign_certificate_code
from shared.graduation import LOGO_MAX_SIDE, SIGNATURE_MAX_SIDE, normalise_image

TARGET_S = 20.0
#: (language, names, course title) for each of the suite's languages.
LANGUAGES = (
    ("en", ("Amina Diallo", "Maria-Elena Fernández de la Torre"), "Senior Officers' Course"),
    ("fr", ("Jean-Baptiste Dupont", "Aïssatou N'Diaye"), "Cours des cadres supérieurs"),
    ("es", ("María José Fernández", "José Luis Núñez"), "Curso de oficiales superiores"),
    ("ru", ("Иван Петрович Смирнов", "Анна Кузнецова"), "Курс старших офицеров"),
    ("zh", ("王伟", "李秀英"), "高级官员培训班"),
    ("ar", ("محمد بن راشد", "فاطمة الزهراء العلوي"), "دورة كبار الضباط"),
)
KINDS = (("completion", "completed"), ("completion", "distinction"), ("attendance", "attended"))


def drawn_png(width: int, height: int, colour: str, max_side: int) -> bytes:
    """An uploaded-looking image: strokes on a transparent ground, stored as the API stores it."""
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    for step in range(12):
        x = width * step // 12
        draw.line((x, height * 0.7, x + width // 10, height * 0.25), fill=colour, width=5)
    draw.ellipse((8, 8, width - 8, height - 8), outline=colour, width=7)
    out = io.BytesIO()
    image.save(out, "PNG")
    return normalise_image(out.getvalue(), max_side=max_side)


def documents(count: int) -> list[CertificateDocument]:
    """The certificates of a large course, signed with a fresh key."""
    key = codes.generate_key()
    ceremony_id = uuid.uuid4()
    organisations = (
        Organisation("International Training Centre", drawn_png(1200, 600, "navy", LOGO_MAX_SIDE)),
        Organisation("Ministry of the Interior", drawn_png(600, 600, "darkred", LOGO_MAX_SIDE)),
    )
    signatories = (
        Signatory(
            "Dr Amina Diallo",
            "Director General",
            drawn_png(900, 300, "#1a237e", SIGNATURE_MAX_SIDE),
        ),
        Signatory(
            "Colonel Pierre Martin",
            "Course Director",
            drawn_png(800, 260, "black", SIGNATURE_MAX_SIDE),
        ),
    )
    found = []
    for n in range(count):
        language, names, course = LANGUAGES[n % len(LANGUAGES)]
        kind, result = KINDS[n // len(LANGUAGES) % len(KINDS)]
        if n % 50 == 49:
            kind, result = "appreciation", None
        name = f"{names[n // len(LANGUAGES) % len(names)]} {n:04d}"
        certificate_id = uuid.uuid4()
        code = sign_certificate_code(
            key,
            ceremony_id=ceremony_id,
            certificate_id=certificate_id,
            kind=kind,
            result=result,
            name=name,
        )
        found.append(
            CertificateDocument(
                kind=kind,
                language=language,
                name=name,
                name_latin="Mohammed bin Rashid" if language == "ar" else None,
                result=result,
                course_title=course,
                starts_on=date(2026, 10, 5),
                ends_on=date(2026, 11, 13),
                hours=Decimal("120"),
                organisations=organisations,
                signatories=signatories,
                issued_on=date(2026, 11, 14),
                certificate_id=certificate_id,
                verify_url=f"https://badges.example.org/verify/{code}",
                ceremony_title="Closing Ceremony of the Senior Officers' Course",
                place="Geneva",
            )
        )
    return found


def batch_run(docs: list[CertificateDocument]) -> tuple[float, float, int]:
    """``render_certificates`` on all of them; the seconds (wall, CPU) and the PDF's size."""
    started, cpu = time.perf_counter(), time.process_time()
    pdf = render_certificates(docs)
    return time.perf_counter() - started, time.process_time() - cpu, len(pdf)


def single_runs(docs: list[CertificateDocument]) -> list[float]:
    """``render_certificate`` on each in turn; the seconds each took."""
    took = []
    for doc in docs:
        started = time.perf_counter()
        render_certificate(doc)
        took.append(time.perf_counter() - started)
    return took


def main() -> None:
    """Run both measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    docs = documents(args.count)
    # A first certificate loads the fonts, as a running service has already done.
    render_certificate(docs[0])
    batches = [batch_run(docs) for _ in range(args.runs)]
    wall, cpu, size = sorted(batches)[(len(batches) - 1) // 2]
    each = sorted(single_runs(docs))
    print(f"machine: {machine()}")
    print(f"{len(docs)} certificates, six languages, two logos and two signatures each")
    print(
        f"render_certificates (one PDF)  {wall:6.2f} s (CPU {cpu:6.2f} s)  "
        f"{size / 2**20:.1f} MiB  {wall / TARGET_S:4.2f} x the {TARGET_S:.0f} s target"
    )
    print(
        f"batches of {args.runs}: {', '.join(f'{batch[0]:.2f} s' for batch in batches)}; "
        f"{wall / len(docs) * 1000:.1f} ms a page"
    )
    print(
        f"render_certificate (each)      mean {statistics.fmean(each) * 1000:6.1f} ms  "
        f"p95 {each[int(len(each) * 0.95)] * 1000:6.1f} ms  "
        f"total {sum(each):6.2f} s"
    )
    print(f"load average while measured: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
