from __future__ import annotations

from sitrep.fetcher.charset import declared_charset, decode_body, header_charset

ARABIC = "غارة جوية على ريف إدلب"


def test_charset_declared_only_in_meta() -> None:
    page = f'<html><head><meta charset="windows-1256"></head><body><p>{ARABIC}</p></body></html>'
    decoded = decode_body(page.encode("cp1256"), "text/html")
    assert ARABIC in decoded.text and decoded.source == "meta" and decoded.encoding == "cp1256"


def test_http_equiv_meta_and_latin1() -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><p>Hôpital bombardé à Alep</p>'
    decoded = decode_body(page.encode("latin-1"), None)
    assert "Hôpital bombardé à Alep" in decoded.text


def test_header_wins_over_meta_when_it_decodes() -> None:
    body = '<meta charset="iso-8859-1"><p>Зеленський</p>'.encode("koi8-u")
    assert "Зеленський" in decode_body(body, "text/html; charset=KOI8-U").text


def test_a_wrong_utf8_header_falls_back_to_the_meta_charset() -> None:
    body = f'<meta charset="windows-1256"><p>{ARABIC}</p>'.encode("cp1256")
    decoded = decode_body(body, "text/html; charset=utf-8")
    assert ARABIC in decoded.text and decoded.source == "meta"


def test_valid_utf8_beats_a_declared_single_byte_charset() -> None:
    body = '<meta charset="iso-8859-1"><p>Kharkiv — Харків</p>'.encode()
    assert "Харків" in decode_body(body, "text/html; charset=iso-8859-1").text


def test_bom_and_xml_declaration() -> None:
    assert decode_body(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "text/html; charset=latin-1").text == "<p>café</p>"
    xml = '<?xml version="1.0" encoding="windows-1251"?><rss><title>Київ</title></rss>'.encode("cp1251")
    assert declared_charset(xml) == "windows-1251"
    assert "Київ" in decode_body(xml, "application/rss+xml").text


def test_undeclared_non_utf8_is_still_decoded() -> None:
    body = ("<p>" + "Les frappes aériennes ont touché la région à l'aube. " * 5 + "</p>").encode("cp1252")
    decoded = decode_body(body, "text/html")
    assert "aériennes" in decoded.text


def test_unknown_labels_are_ignored() -> None:
    assert header_charset("text/html; charset=\"x-unknown\"") == "x-unknown"
    assert decode_body(b"<p>plain</p>", "text/html; charset=x-unknown").text == "<p>plain</p>"
