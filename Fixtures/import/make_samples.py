#!/usr/bin/env python3
"""Writes the encoded, line-ending and .docx import fixtures next to this script.

The text fixtures (.md, .vtt, .srt, .csv and the broken ones) are written by hand; this
script makes the files that are awkward to keep by hand: other encodings and line endings,
binary and undecodable files, and Word documents built from real OOXML parts. The output is
deterministic (fixed zip timestamps), so re-running it changes nothing.

Usage: python3 Fixtures/import/make_samples.py
All content is fictional.
"""

import pathlib
import struct
import zipfile
import zlib

HERE = pathlib.Path(__file__).resolve().parent

# The plain-text exchange every encoding and line-ending variant holds. It has a curly
# apostrophe (Windows-1252 0x92) and "café" (0xE9), so a wrong decoding shows.
LANE = (
    "[00:00:05] Moderator: Welcome, everyone. Let\u2019s start with the training you had this year.\n"
    "Officer Lane: [00:00:12] We had two days on digital evidence.\n"
    "It covered how to seize a phone safely.\n"
    "\n"
    "Most of it was practical, and we talked it over in the caf\u00e9.\n"
    "Moderator: Did that feel like enough?\n"
    "[00:01:03.250] Officer Lane: Not really. We\u2019d like a refresher every year.\n"
)


def write(name, data):
    (HERE / name).write_bytes(data)


def text_variants():
    write("lane.txt", LANE.encode("utf-8"))
    write("lane_crlf.txt", LANE.replace("\n", "\r\n").encode("utf-8"))
    write("lane_cr.txt", LANE.replace("\n", "\r").encode("utf-8"))
    write("lane_utf8_bom.txt", b"\xef\xbb\xbf" + LANE.encode("utf-8"))
    write("lane_utf16le.txt", b"\xff\xfe" + LANE.encode("utf-16-le"))
    write("lane_utf16be.txt", b"\xfe\xff" + LANE.encode("utf-16-be"))
    write("lane_cp1252.txt", LANE.encode("cp1252"))
    # Not UTF-8 (0xE9 alone) and not Windows-1252 either: 0x81 is undefined there.
    # "Officer Lane: caf" is 17 bytes, so 0xE9 is at offset 17 and 0x81 at offset 23.
    write("undecodable_cp1252.txt", b"Officer Lane: caf\xe9 and \x81 more\n")
    write("empty.txt", b"")
    write("whitespace.txt", b" \n\t\n  \r\n")
    # A PNG signature and header: NUL bytes, as in most binary files.
    write("binary.txt", bytes.fromhex("89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61"))


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)

RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def document(body):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W}" xmlns:mc="{MC}" mc:Ignorable="">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )


def run(text, bold=False, preserve=True):
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    space = ' xml:space="preserve"' if preserve else ""
    return f"<w:r>{props}<w:t{space}>{text}</w:t></w:r>"


# The same exchange as LANE, as Word would store it: labels split across runs and
# formatting, a line break (w:br) inside a paragraph, an empty paragraph, a tab after a
# label, a tab-stop definition (w:tabs, not text), tracked changes (w:del dropped, w:ins
# kept), alternate content whose fallback duplicates the choice, and a w:t without
# xml:space="preserve" whose surrounding spaces do not count.
LANE_BODY = (
    "<w:p>"
    + run("Moderator:", bold=True)
    + run(" Welcome, everyone. Let\u2019s start with the training you had this year.")
    + "</w:p>"
    + "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>"
    + run("Officer ", bold=True)
    + run("La", bold=True)
    + run("ne:", bold=True)
    + run(" We had two days on digital evidence.")
    + "<w:r><w:br/></w:r>"
    + run("It covered how to seize a phone safely.")
    + "</w:p>"
    + "<w:p/>"
    + "<w:p>"
    + run("  Most of it was practical, and we talked it over in the caf\u00e9.  ", preserve=False)
    + "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:t></w:t></mc:Choice>"
    + "<mc:Fallback><w:t>FALLBACK COPY</w:t></mc:Fallback></mc:AlternateContent></w:r>"
    + "</w:p>"
    + "<w:p>"
    + run("Moderator:", bold=True)
    + "<w:r><w:tab/></w:r>"
    + run("Did that feel like enough?")
    + "</w:p>"
    + "<w:p>"
    + run("[00:01:03] Officer Lane: Not really. ")
    + "<w:del w:id=\"1\" w:author=\"Editor\"><w:r><w:delText>Maybe. </w:delText></w:r></w:del>"
    + "<w:ins w:id=\"2\" w:author=\"Editor\">"
    + run("We\u2019d like a refresher every year.")
    + "</w:ins>"
    + "</w:p>"
)

# No speakers: each Word paragraph is one turn; the empty one in between still counts.
PARAGRAPHS_BODY = (
    "<w:p>" + run("The officers met in the training room.") + "</w:p>"
    "<w:p/>"
    "<w:p>" + run("They discussed case loads") + run(" and welfare.") + "</w:p>"
)


def docx(parts):
    """A .docx (zip) with fixed timestamps so the bytes are reproducible."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def cut_deflate_docx(document_xml):
    """A well-formed zip whose word/document.xml holds only the first half of its deflate
    stream (sizes in the headers agree with the cut data), so the stream never ends."""
    raw = document_xml.encode("utf-8")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = compressor.compress(raw) + compressor.flush()
    cut = deflated[: len(deflated) // 2]
    name = b"word/document.xml"
    crc = zlib.crc32(raw)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x5821, crc, len(cut), len(raw), len(name), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x5821, crc, len(cut), len(raw),
                          len(name), 0, 0, 0, 0, 0o644 << 16, 0)
    body = local + name + cut
    directory = central + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), len(body), 0)
    return body + directory + end


def docx_variants():
    lane = docx([
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", document(LANE_BODY)),
    ])
    write("lane.docx", lane)
    write("lane_paragraphs.docx", docx([
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", document(PARAGRAPHS_BODY)),
    ]))
    write("lane_truncated.docx", lane[: len(lane) // 2])
    write("no_document.docx", docx([
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
    ]))
    write("cut_deflate.docx", cut_deflate_docx(document(LANE_BODY)))
    # The main part found through _rels/.rels under another name, as some writers do.
    write("renamed_part.docx", docx([
        ("[Content_Types].xml", CONTENT_TYPES.replace("/word/document.xml", "/word/main.xml")),
        ("_rels/.rels", RELS.replace('Target="word/document.xml"', 'Target="/word/main.xml"')),
        ("word/main.xml", document(PARAGRAPHS_BODY)),
    ]))
    # Word never writes a DTD; entity declarations are how XML bombs work.
    write("dtd.docx", docx([
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", document(PARAGRAPHS_BODY).replace(
            "?>\n", '?>\n<!DOCTYPE w:document [<!ENTITY lol "lol">]>\n', 1)),
    ]))
    write("bad_xml.docx", docx([
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", document("<w:p><w:r><w:t>Moderator: unclosed</w:r></w:p>")),
    ]))


if __name__ == "__main__":
    text_variants()
    docx_variants()
