"""Decoding that does not depend on the text being French (ingest.encoding).

Real files: the four UPR reports of ../shared/data/un-documents/ are English Mac Roman
with CR (or mixed CR/CRLF) line ends. Corpus files are re-encoded here in every legacy
encoding and line-end style a user's file may come in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from recueil.ingest.encoding import implausibility, legacy_scores
from recueil.ingest.errors import IngestError
from recueil.ingest.read import read_source
from tests.conftest import ROOT, corpus_file

SHARED = ROOT.parent / "shared" / "data" / "un-documents"
UPR = sorted(SHARED.glob("UPR_*.txt")) if SHARED.is_dir() else []
MOJIBAKE = ("Ő", "Đ", "Õ", "Ð", "Ã", "â€", "\ufffd")


@pytest.mark.skipif(not UPR, reason="../shared/data/un-documents/ not present")
@pytest.mark.parametrize("path", UPR, ids=[p.name[:20] for p in UPR])
def test_english_mac_roman_upr_reports_decode_right(path: Path):
    data = path.read_bytes()
    source = read_source(path)
    assert source.encoding == "mac-roman"
    assert source.text == data.decode("mac_roman").replace("\r\n", "\n").replace("\r", "\n")
    assert "\r" not in source.text
    assert "’" in source.text  # 0xD5: the apostrophe of "State’s"
    assert not any(m in source.text for m in MOJIBAKE)
    scores = legacy_scores(data)
    assert scores["mac-roman"] == 0 and min(v for k, v in scores.items() if k != "mac-roman") > 50


@pytest.mark.skipif(not UPR, reason="../shared/data/un-documents/ not present")
def test_mac_roman_dashes_and_quotes_come_out_as_printed():
    text = read_source(SHARED / "UPR_A-HRC-28-4_Italy_2014_en.txt").text
    assert "–" in text and "“" in text and "”" in text and "•" in text


def _sample(prefix: str, encoding: str) -> str:
    """The corpus text with what `encoding` cannot represent spelled out."""
    text = corpus_file(prefix).read_text(encoding="utf-8")
    if encoding in ("latin_1", "cp850", "mac_roman"):
        text = text.translate(str.maketrans({"’": "'", "œ": "oe", "Œ": "OE", "–": "-",
                                             "€": "EUR", "…": "...", "\u202f": " "}))  # fmt: skip
    return "".join(c for c in text if _encodable(c, encoding))


def _encodable(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("encoding", ["cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_corpus_text_in_legacy_encodings_and_line_ends(tmp_path, encoding, newline):
    sample = _sample("001", encoding)
    path = tmp_path / "report.txt"
    path.write_bytes(sample.replace("\n", newline).encode(encoding))
    source = read_source(path)
    assert source.text == sample
    # several encodings may read the bytes identically; the one recorded reads them right
    assert path.read_bytes().decode(source.encoding).replace(newline, "\n") == sample


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark(tmp_path, encoding):
    sample = corpus_file("000").read_text(encoding="utf-8")
    path = tmp_path / "report.txt"
    path.write_bytes(sample.encode(encoding))
    source = read_source(path)
    assert (source.text, source.encoding) == (sample, encoding)


def test_english_text_in_mac_roman_and_cp1252_decodes_right(tmp_path):
    english = ("The Working Group’s report – “on the smuggling of migrants” – was adopted; "
               "Côte d’Ivoire and Türkiye took part. ") * 20  # fmt: skip
    for encoding, name in (("mac_roman", "mac-roman"), ("cp1252", "cp1252")):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(english.encode(encoding))
        assert (read_source(path).text, read_source(path).encoding) == (english, name)


def test_russian_and_arabic_legacy_text(tmp_path):
    russian = "Доклад Рабочей группы по незаконному ввозу мигрантов. " * 20
    arabic = "تقرير الفريق العامل المعني بتهريب المهاجرين. " * 20
    for text, encoding in ((russian, "cp1251"), (arabic, "cp1256")):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        assert (read_source(path).text, read_source(path).encoding) == (text, encoding)


def test_double_encoded_utf8_is_repaired_and_recorded(tmp_path):
    text = corpus_file("001").read_text(encoding="utf-8")
    broken = text.encode("utf-8").decode("cp1252", errors="ignore")  # the classic mistake
    if broken.encode("cp1252", errors="ignore").decode("utf-8", errors="ignore") != text:
        pytest.skip("this text does not survive the round trip")
    path = tmp_path / "double.txt"
    path.write_text(broken, encoding="utf-8")
    source = read_source(path)
    assert source.text == text
    assert source.encoding == "utf-8 (double-encoded, repaired)"


def test_the_encoding_is_recorded_on_the_document(tmp_path, fresh_store):
    from recueil.store.models import Document
    from tests.conftest import ingest_into

    path = tmp_path / "001_d23cface82b24e3f.txt"
    path.write_bytes(_sample("001", "mac_roman").encode("mac_roman"))
    (tmp_path / "manifest.toml").write_text('["x.txt"]\nmeeting = 11\n', encoding="utf-8")
    ingest_into(fresh_store, [path])
    encodings = fresh_store.run(lambda: list(Document.objects.values_list("encoding", flat=True)))
    assert encodings == ["mac-roman"]


def test_implausibility_is_zero_for_clean_text_of_the_six_languages():
    for text in ("L’État a adopté « la recommandation » – œuvre commune.",
                 "The State’s report — “adopted”.", "La Conferencia decidió, año 2024.",
                 "Конференция приняла решение.", "قرر المؤتمر", "缔约方会议决定。"):  # fmt: skip
        assert implausibility(text) == 0, text


def test_random_high_bytes_are_refused(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes((bytes(range(0x80, 0x100)) + b" text ") * 40)
    with pytest.raises(IngestError, match="cannot determine the text encoding"):
        read_source(path)
