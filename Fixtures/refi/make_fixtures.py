#!/usr/bin/env python3
"""Writes the fictional, vendor-shaped REFI-QDA files the exchange tests read.

Each file imitates one exporter's habits (see Docs/exchange.md); all text and names are invented.
Run from this folder: python3 make_fixtures.py
"""
import zipfile

def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2

def zipped(path, files):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)

# --- NVivo-like: default namespace, sources/ by path, CRLF, positions in UTF-16 units over CRLF text.
nv_lines = [
    "Interviewer: Thank you for coming. How has the workload changed?",
    "Officer A: It has doubled \U0001F629 since the lockdowns. We triage everything now.",
    "Officer B: Training has not kept up. Nobody taught us about youth-produced imagery.",
    "Officer A: Home visits became phone calls, which is harder for risk management.",
]
nv_text = "\r\n".join(nv_lines) + "\r\n"

def utf16_pos(text, phrase, occurrence=0):
    """Start and end of the phrase's occurrence in UTF-16 code units, as NVivo counts positions."""
    i = -1
    for _ in range(occurrence + 1):
        i = text.index(phrase, i + 1)
    return utf16_len(text[:i]), utf16_len(text[:i]) + utf16_len(phrase)

def nv_pos(phrase, occurrence=0):
    return utf16_pos(nv_text, phrase, occurrence)

NV_SRC = "6F1C2A0E-7B43-4D2B-9C1E-0A1B2C3D4E5F"
NV = dict(user1="A1B2C3D4-0000-4000-8000-000000000001", user2="A1B2C3D4-0000-4000-8000-000000000002",
          c_pol="C0DE0000-0000-4000-8000-000000000001", c_work="C0DE0000-0000-4000-8000-000000000002",
          c_train="C0DE0000-0000-4000-8000-000000000003", c_covid="C0DE0000-0000-4000-8000-000000000004")
s1 = nv_pos("triage everything")            # inside turn 2, after the emoji
s2 = nv_pos("Training has not kept up")      # turn 3
s3 = (nv_pos("We triage")[0], nv_pos("Training has not kept up")[1])  # spans turns 2 and 3
s4 = nv_pos("phone calls")                   # turn 4
nvivo_qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="Workload study" origin="NVivo-like 14" xmlns="urn:QDA-XML:project:1.0">
  <Users>
    <User guid="{NV['user1']}" name="Rowan Tester" />
    <User guid="{NV['user2']}" name="Sky Example" />
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{NV['c_pol']}" name="Policing" isCodable="true" color="#FF8000">
        <Description>Changes in the role of policing</Description>
        <Code guid="{NV['c_work']}" name="Workload" isCodable="true" color="#00A0C0" />
        <Code guid="{NV['c_train']}" name="Training needs" isCodable="true" />
      </Code>
      <Code guid="{NV['c_covid']}" name="Covid-19" isCodable="true" />
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{NV_SRC}" name="Group one" plainTextPath="internal://{NV_SRC}.txt" creatingUser="{NV['user1']}">
      <PlainTextSelection guid="5E1E0000-0000-4000-8000-000000000001" name="triage" startPosition="{s1[0]}" endPosition="{s1[1]}" creatingUser="{NV['user1']}">
        <Coding guid="C0D10000-0000-4000-8000-000000000001" creatingUser="{NV['user1']}"><CodeRef targetGUID="{NV['c_work']}" /></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5E1E0000-0000-4000-8000-000000000002" name="training" startPosition="{s2[0]}" endPosition="{s2[1]}" creatingUser="{NV['user2']}">
        <Coding guid="C0D10000-0000-4000-8000-000000000002" creatingUser="{NV['user2']}"><CodeRef targetGUID="{NV['c_train']}" /></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5E1E0000-0000-4000-8000-000000000003" name="across turns" startPosition="{s3[0]}" endPosition="{s3[1]}" creatingUser="{NV['user2']}">
        <Coding guid="C0D10000-0000-4000-8000-000000000003" creatingUser="{NV['user2']}"><CodeRef targetGUID="{NV['c_pol']}" /></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="5E1E0000-0000-4000-8000-000000000004" name="phone" startPosition="{s4[0]}" endPosition="{s4[1]}" creatingUser="{NV['user1']}">
        <Coding guid="C0D10000-0000-4000-8000-000000000004" creatingUser="{NV['user1']}"><CodeRef targetGUID="{NV['c_covid']}" /></Coding>
        <Coding guid="C0D10000-0000-4000-8000-000000000005" creatingUser="{NV['user1']}"><CodeRef targetGUID="C0DE0000-0000-4000-8000-0000000000FF" /></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
zipped("nvivo-like.qdpx", [("project.qde", nvivo_qde.encode("utf-8")), (f"sources/{NV_SRC}.txt", nv_text.encode("utf-8"))])

# --- ATLAS.ti/MAXQDA-like: qda: prefix, GUIDs in braces and upper case, Sources/ folder, UTF-8 BOM, CRLF,
# positions in code points with CRLF counted as one; a second source inline; a Case with variables.
at_lines = [
    "Facilitator: What changed during the pandemic?",
    "P1: Risk management moved to the phone. Café meetings stopped.",
    "P2: Young people shared more images, and we tried not to criminalise children.",
]
at_text = "\r\n".join(at_lines)
at_norm = "\n".join(at_lines)
def at_pos(phrase):
    i = at_norm.index(phrase)
    return i, i + len(phrase)
AT_SRC = "{0B5E55ED-1111-4222-8333-444455556666}"
AT_SRC2 = "{0B5E55ED-1111-4222-8333-777788889999}"
a1 = at_pos("Risk management")
a2 = at_pos("not to criminalise children")
a3 = at_pos("Café meetings stopped")
inline_text = "Note taker: Short second session.\nP3: Isolation made offending harder to spot."
i1 = inline_text.index("Isolation made offending"), inline_text.index("Isolation made offending") + len("Isolation made offending")
atlas_qde = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<qda:Project xmlns:qda="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="Covid study" origin="ATLAS-like 23">
  <qda:Users>
    <qda:User guid="{{AAAA0000-0000-4000-8000-00000000000A}}" name="Coder Juniper"/>
  </qda:Users>
  <qda:CodeBook>
    <qda:Codes>
      <qda:Code guid="{{BBBB0000-0000-4000-8000-00000000000B}}" name="Covid-19" isCodable="false" color="#c33">
        <qda:Code guid="{{BBBB0000-0000-4000-8000-00000000000C}}" name="Risk by phone" isCodable="true"/>
        <qda:Code guid="{{BBBB0000-0000-4000-8000-00000000000D}}" name="Not criminalising children" isCodable="true"/>
        <qda:Code guid="{{BBBB0000-0000-4000-8000-00000000000E}}" name="Isolation/loneliness" isCodable="true"/>
      </qda:Code>
    </qda:Codes>
  </qda:CodeBook>
  <qda:Variables>
    <qda:Variable guid="{{DDDD0000-0000-4000-8000-000000000001}}" name="role" typeOfVariable="Text"/>
  </qda:Variables>
  <qda:Cases>
    <qda:Case guid="{{EEEE0000-0000-4000-8000-000000000001}}" name="P01">
      <qda:VariableValue><qda:VariableRef targetGUID="{{DDDD0000-0000-4000-8000-000000000001}}"/><qda:TextValue>detective</qda:TextValue></qda:VariableValue>
    </qda:Case>
    <qda:Case guid="{{EEEE0000-0000-4000-8000-000000000002}}" name="Somebody else">
      <qda:VariableValue><qda:VariableRef targetGUID="{{DDDD0000-0000-4000-8000-000000000001}}"/><qda:TextValue>analyst</qda:TextValue></qda:VariableValue>
    </qda:Case>
  </qda:Cases>
  <qda:Sources>
    <qda:TextSource guid="{AT_SRC}" name="Session 1.docx" richTextPath="internal://{AT_SRC}.docx" plainTextPath="internal://{AT_SRC}.txt">
      <qda:PlainTextSelection guid="{{5E1E0000-1111-4000-8000-000000000001}}" name="" startPosition="{a1[0]}" endPosition="{a1[1]}" creatingUser="{{AAAA0000-0000-4000-8000-00000000000A}}">
        <qda:Coding guid="{{C0D10000-1111-4000-8000-000000000001}}" creatingUser="{{AAAA0000-0000-4000-8000-00000000000A}}"><qda:CodeRef targetGUID="{{bbbb0000-0000-4000-8000-00000000000c}}"/></qda:Coding>
      </qda:PlainTextSelection>
      <qda:PlainTextSelection guid="{{5E1E0000-1111-4000-8000-000000000002}}" name="" startPosition="{a2[0]}" endPosition="{a2[1]}" creatingUser="{{AAAA0000-0000-4000-8000-00000000000A}}">
        <qda:Coding guid="{{C0D10000-1111-4000-8000-000000000002}}" creatingUser="{{AAAA0000-0000-4000-8000-00000000000A}}"><qda:CodeRef targetGUID="{{BBBB0000-0000-4000-8000-00000000000D}}"/></qda:Coding>
      </qda:PlainTextSelection>
      <qda:PlainTextSelection guid="{{5E1E0000-1111-4000-8000-000000000003}}" name="" startPosition="{a3[0]}" endPosition="{a3[1]}" creatingUser="{{AAAA0000-0000-4000-8000-00000000000A}}">
        <qda:Coding guid="{{C0D10000-1111-4000-8000-000000000003}}" creatingUser="{{AAAA0000-0000-4000-8000-00000000000A}}"><qda:CodeRef targetGUID="{{BBBB0000-0000-4000-8000-00000000000C}}"/></qda:Coding>
      </qda:PlainTextSelection>
    </qda:TextSource>
    <qda:TextSource guid="{AT_SRC2}" name="Session 2">
      <qda:PlainTextContent>{inline_text}</qda:PlainTextContent>
      <qda:PlainTextSelection guid="{{5E1E0000-1111-4000-8000-000000000004}}" startPosition="{i1[0]}" endPosition="{i1[1]}">
        <qda:Coding guid="{{C0D10000-1111-4000-8000-000000000004}}"><qda:CodeRef targetGUID="{{BBBB0000-0000-4000-8000-00000000000E}}"/></qda:Coding>
      </qda:PlainTextSelection>
    </qda:TextSource>
    <qda:PictureSource guid="{{0B5E55ED-1111-4222-8333-AAAABBBBCCCC}}" name="Whiteboard photo" path="internal://whiteboard.jpg"/>
  </qda:Sources>
</qda:Project>
"""
zipped("atlas-like.qdpx", [
    ("project.qde", b"\xef\xbb\xbf" + atlas_qde.replace("\n", "\r\n").encode("utf-8")),
    (f"Sources/{AT_SRC}.txt", b"\xef\xbb\xbf" + at_text.encode("utf-8")),
    (f"Sources/{AT_SRC}.docx", b"not a real docx; only the plain text is read"),
])

# --- MAXQDA-like codebook: prefixes, braces, 3-digit colour, a '/' in a name, nested three deep.
maxqda_qdc = """<?xml version="1.0" encoding="utf-8"?>
<cb:CodeBook xmlns:cb="urn:QDA-XML:codebook:1.0" origin="MAXQDA-like 2022">
  <cb:Codes>
    <cb:Code guid="{F00D0000-0000-4000-8000-000000000001}" name="Offender profiles" isCodable="true" color="#A0B">
      <cb:Description>Who offends: age, gender, isolation.</cb:Description>
      <cb:Code guid="{F00D0000-0000-4000-8000-000000000002}" name="Age diversity" isCodable="true">
        <cb:Code guid="{F00D0000-0000-4000-8000-000000000003}" name="Older/retired" isCodable="true"/>
      </cb:Code>
      <cb:Code guid="{f00d0000-0000-4000-8000-000000000004}" name="Gender" isCodable="true" color="#00ff00"/>
    </cb:Code>
    <cb:Code guid="{F00D0000-0000-4000-8000-000000000005}" name="IT skills" isCodable="true">
      <cb:Description>Concealment and learning.

Inclusion: Talk of encryption or hiding files.</cb:Description>
    </cb:Code>
  </cb:Codes>
</cb:CodeBook>
"""
open("maxqda-like.qdc", "wb").write(b"\xef\xbb\xbf" + maxqda_qdc.replace("\n", "\r\n").encode("utf-8"))
# --- Passages: several selections of one code inside one paragraph (two overlapping, one an exact repeat), two
# coders, CRLF, astral characters before and inside selections (UTF-16 positions, as NVivo writes them), a selection
# across two turns, and one that covers only a speaker label (it lands on no text, so it is reported, not kept).
ps_lines = [
    "Moderator: What did the move to remote work change?",
    "Speaker 1: Calls \U0001F4DE doubled, calls at night \U0001F319 tripled, and the calls about \U0001D11E lessons stopped.",
    "Speaker 2: Isolation grew; colleagues \U0001F469\u200D\U0001F692 missed each other.",
    "Speaker 1: We met on video instead.",
]
ps_text = "\r\n".join(ps_lines) + "\r\n"
def ps_pos(phrase, occurrence=0):
    return utf16_pos(ps_text, phrase, occurrence)
PS_SRC = "7A550000-0000-4000-8000-00000000000A"
PU1, PU2 = "7A550000-0000-4000-8000-0000000000A1", "7A550000-0000-4000-8000-0000000000A2"
PC_WORK, PC_ISO = "7A550000-0000-4000-8000-0000000000C1", "7A550000-0000-4000-8000-0000000000C2"
ps_sel = [  # (name, (start, end), user, code)
    ("calls doubled", ps_pos("Calls \U0001F4DE doubled"), PU1, PC_WORK),
    ("night", ps_pos("calls at night \U0001F319 tripled"), PU1, PC_WORK),
    ("overlap", ps_pos("doubled, calls at night"), PU1, PC_WORK),
    ("repeat", ps_pos("Calls \U0001F4DE doubled"), PU1, PC_WORK),
    ("lessons", ps_pos("the calls about \U0001D11E lessons stopped"), PU2, PC_WORK),
    ("same words, other coder", ps_pos("Calls \U0001F4DE doubled"), PU2, PC_WORK),
    ("isolation", ps_pos("Isolation grew"), PU2, PC_ISO),
    ("across", (ps_pos("lessons stopped.")[0], ps_pos("Isolation grew")[1]), PU2, PC_ISO),
    ("label only", ps_pos("Speaker 1:", 1), PU1, PC_ISO),
]
ps_xml = "\n".join(
    f"""      <PlainTextSelection guid="7A550000-0000-4000-8000-0000000005{n:02d}" name="{name}" startPosition="{a}" endPosition="{b}" creatingUser="{u}">
        <Coding guid="7A550000-0000-4000-8000-0000000006{n:02d}" creatingUser="{u}"><CodeRef targetGUID="{c}" /></Coding>
      </PlainTextSelection>""" for n, (name, (a, b), u, c) in enumerate(ps_sel))
passages_qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Remote work" origin="NVivo-like 14">
  <Users>
    <User guid="{PU1}" name="Coder One" />
    <User guid="{PU2}" name="Coder Two" />
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{PC_WORK}" name="Workload" isCodable="true" />
      <Code guid="{PC_ISO}" name="Isolation" isCodable="true" />
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{PS_SRC}" name="Remote one" plainTextPath="internal://{PS_SRC}.txt">
{ps_xml}
    </TextSource>
  </Sources>
</Project>
"""
zipped("passages.qdpx", [("project.qde", passages_qde.encode("utf-8")), (f"sources/{PS_SRC}.txt", ps_text.encode("utf-8"))])

print("s1", s1, "s2", s2, "s3", s3, "s4", s4, "a1", a1, "a2", a2, "a3", a3, "i1", i1)
