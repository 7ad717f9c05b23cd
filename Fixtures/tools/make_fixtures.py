#!/usr/bin/env python3
"""Write FocusCode's bundled fixtures from the canonical data held in this file.

Everything here is fictional: the officers, the places ("Eastmoor", "Harbourside",
"Westgate"), the coders and what anyone says. The study design mirrors the model study in
the product specification, PRODUCT.md §1 (two focus groups of police officers, coded into
six themes), but the talk stays professional and non-graphic: workload, training, technology, supervision and
welfare, with offending described only in general terms.

Run from anywhere (Python 3.9+, standard library only):

    python3 Fixtures/tools/make_fixtures.py

It rewrites, byte for byte the same on every run:

    Fixtures/transcripts/FG1.docx                  focus group 1 (Word, no time stamps)
    Fixtures/transcripts/FG2.vtt                   focus group 2 (WebVTT, voice tags)
    Fixtures/transcripts/expected/FG1.turns.json   the turns a reader must produce
    Fixtures/transcripts/expected/FG2.turns.json
    Fixtures/participants.csv                      attributes keyed by pseudonym
    Fixtures/pseudonyms.md                         label -> pseudonym, for people
    Fixtures/codebook.yaml                         six themes and their subthemes
    Fixtures/codings/coder_a.csv                   coder "coder_a" (the intended codes)
    Fixtures/codings/coder_b.csv                   coder "coder_b" (mostly agrees, see below)
    Fixtures/codings/README.md                     the files, and where the coders differ

The transcripts are the single source of truth: each turn carries the codes it was written
to illustrate (coder A) and, where coder B sees it differently, coder B's codes and why.
Edit the data here and re-run; never edit the outputs by hand.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------
# Codebook
# ---------------------------------------------------------------------------------------

# Code paths, named once so the transcripts below read as prose with short tags.
PROFILES = "Offender profiles"
AGE = "Offender profiles/Age diversity"
GENDER = "Offender profiles/Gender"
ISOLATION = "Offender profiles/Isolation"

IT_SKILLS = "Offenders' IT skills"
CONCEAL = "Offenders' IT skills/Concealment"
LEARNING = "Offenders' IT skills/Learning from earlier mistakes"

JUSTIFY = "Justification for offending"
MENTAL = "Justification for offending/Mental health"
SEXUALITY = "Justification for offending/Confusion about sexuality"
SUBSTANCE = "Justification for offending/Substance use"
MINIMISE = "Justification for offending/Minimising the harm"
OWN_VICTIM = "Justification for offending/Own childhood victimisation"

CHANGES = "Changes in the nature of offending"
VICTIM_AGE = "Changes in the nature of offending/Victims' age"
SEVERITY = "Changes in the nature of offending/Severity"
DOWNLOADING = "Changes in the nature of offending/Downloading"
STORAGE = "Changes in the nature of offending/Storage"
SHARING = "Changes in the nature of offending/Sharing"

COVID = "Impact of Covid-19"
COVID_ISOLATION = "Impact of Covid-19/Isolation"
PHONE = "Impact of Covid-19/Risk management by phone"
YOUTH_IMAGERY = "Impact of Covid-19/Youth-produced imagery"
NOT_CRIMINALISING = "Impact of Covid-19/Not criminalising children"

POLICING = "Role of policing"
WORKLOAD = "Role of policing/Scale and workload"
TRAINING = "Role of policing/Training needs"
WELFARE = "Role of policing/Officer welfare"


@dataclass(frozen=True)
class Code:
    name: str
    description: str
    inclusion: str
    exclusion: str
    example: str | None = None
    colour: str | None = None
    children: tuple["Code", ...] = ()


# Colours are Paul Tol's "bright" qualitative scheme, which stays distinguishable under the
# common forms of colour blindness (the HTML report's charts use them as they are).
CODEBOOK: tuple[Code, ...] = (
    Code(
        "Offender profiles",
        "Who offenders are, as officers describe them in general terms.",
        "General descriptions of the people who offend or of what they have in common.",
        "Reasons offenders give for offending (use Justification for offending).",
        "There isn't a typical offender; we see every kind of person.",
        "#4477AA",
        (
            Code("Age diversity",
                 "Offenders span a wide range of ages, with no typical age.",
                 "Mentions of offenders' ages or of the range of ages seen.",
                 "The age of victims (use Changes in the nature of offending/Victims' age).",
                 "The youngest was barely out of school and the oldest was retired."),
            Code("Gender",
                 "Offenders are overwhelmingly male; female offenders are rare.",
                 "Remarks on offenders' gender, including how rare female offenders are.",
                 "Officers' own gender; training about female offenders alone (use Role of policing/Training needs).",
                 "I can count the women I've dealt with on one hand."),
            Code("Isolation",
                 "Offenders are often socially isolated, living alone or withdrawn from others.",
                 "Loneliness, living alone, little contact with others, a life lived online.",
                 "Isolation brought on by the pandemic (use Impact of Covid-19/Isolation).",
                 "The computer becomes their whole social life."),
        ),
    ),
    Code(
        "Offenders' IT skills",
        "Offenders' technical ability and how they use it to avoid detection.",
        "Descriptions of offenders' skill with devices, software and accounts.",
        "Officers' own technical skills or tools (use Role of policing).",
        "It ranges from people who can barely switch it on to the very sophisticated.",
        "#EE6677",
        (
            Code("Concealment",
                 "Techniques offenders use to hide their activity or material.",
                 "Encryption, hidden or disguised devices, wiping, separate devices or accounts.",
                 "Where material is kept when nothing suggests hiding it (use Changes in the nature of offending/Storage).",
                 "Everything was on a card hidden inside another device."),
            Code("Learning from earlier mistakes",
                 "Repeat offenders change their methods after an earlier arrest or conviction.",
                 "Behaviour changed after being caught; tips picked up from case files or in custody.",
                 "General technical skill not linked to an earlier detection.",
                 "The second time round they know exactly what we look for."),
        ),
    ),
    Code(
        "Justification for offending",
        "Reasons and excuses offenders give for their offending, as officers report them.",
        "Explanations offered in interview, supervision or treatment.",
        "Officers' own views of the causes of offending, unless attributed to offenders.",
        "Whatever the reason they give, the message is that it isn't that bad.",
        "#228833",
        (
            Code("Mental health",
                 "Offenders attribute their offending to mental ill health.",
                 "Depression, anxiety or other diagnoses given as a reason.",
                 "Officers' own mental health (use Role of policing/Officer welfare).",
                 "They say they were in a very dark place at the time."),
            Code("Confusion about sexuality",
                 "Offenders describe uncertainty about their own sexuality as a reason.",
                 "Claims of confusion or exploration of sexual identity.",
                 "Statements about offenders' gender (use Offender profiles/Gender).",
                 "He said he had been confused about who he was."),
            Code("Substance use",
                 "Offenders attribute their offending to alcohol or drugs.",
                 "Drinking or drug use given as a reason or as the context.",
                 "Substance use mentioned without being offered as a reason.",
                 "I was drinking heavily and don't remember how it started."),
            Code("Minimising the harm",
                 "Offenders claim the offending is harmless, victimless or not serious.",
                 "'Only pictures', 'nobody was hurt', curiosity, accidental viewing.",
                 "Officers' own judgements of seriousness (use Changes in the nature of offending/Severity).",
                 "It's only pictures; I never hurt anyone."),
            Code("Own childhood victimisation",
                 "Offenders refer to having been victimised themselves as children.",
                 "Disclosures of their own childhood abuse offered as context or reason.",
                 "Victims' experiences in the current case.",
                 "A few say it happened to them when they were young."),
        ),
    ),
    Code(
        "Changes in the nature of offending",
        "How offending has changed over the course of officers' careers.",
        "Comparisons with earlier years: who is harmed, what material, how it is held and passed on.",
        "Changes in police resources or methods (use Role of policing).",
        "It's a different job from the one I started in.",
        "#CCBB44",
        (
            Code("Victims' age",
                 "The children in material seen by officers are younger than they used to be.",
                 "Remarks on the age of victims, in general terms.",
                 "Offenders' ages (use Offender profiles/Age diversity).",
                 "The children are younger than when I started."),
            Code("Severity",
                 "More of the material falls into the most serious category.",
                 "Remarks on the grading or seriousness of material, in general terms.",
                 "Offenders' own claims that it is not serious (use Justification for offending/Minimising the harm).",
                 "The share in the most serious category has gone up."),
            Code("Downloading",
                 "A shift from downloading and keeping files to streaming or viewing without saving.",
                 "Downloading, streaming, viewing without saving, and what that means for evidence.",
                 "Where saved material is kept (use Storage).",
                 "A lot of it is viewed and gone."),
            Code("Storage",
                 "Where and how material is held: devices, volumes and cloud accounts.",
                 "Numbers of devices, data volumes, cloud storage, several accounts.",
                 "Hiding material on purpose (use Offenders' IT skills/Concealment).",
                 "More and more of it isn't on the device at all."),
            Code("Sharing",
                 "How material is passed between offenders: forums, closed groups, messaging apps.",
                 "Groups, networks, trading and the pressure to contribute.",
                 "Young people sharing images of themselves (use Impact of Covid-19/Youth-produced imagery).",
                 "It's small closed groups now, invite only."),
        ),
    ),
    Code(
        "Impact of Covid-19",
        "Effects of the pandemic and lockdowns on offending and on police work.",
        "Anything officers tie to the pandemic period.",
        "Changes that officers do not link to the pandemic.",
        "Everybody was at home and everybody was online.",
        "#66CCEE",
        (
            Code("Isolation",
                 "Lockdowns deepened offenders' isolation and their time online.",
                 "Loss of work, routine or contact during lockdown; boredom and loneliness at home.",
                 "Isolation not linked to the pandemic (use Offender profiles/Isolation).",
                 "The ones who were already isolated became completely cut off."),
            Code("Risk management by phone",
                 "Supervision moved from home visits to phone calls, which limited risk assessment.",
                 "Phone contact instead of visits; device checks and spot checks that stopped.",
                 "Phone contact outside the pandemic period.",
                 "For months the only contact was a phone call."),
            Code("Youth-produced imagery",
                 "More cases involved images that young people produced and shared themselves.",
                 "Referrals about teenagers sharing images of themselves or of each other.",
                 "Adult offenders' sharing networks (use Changes in the nature of offending/Sharing).",
                 "A lot of referrals were about teenagers sharing pictures within a year group."),
            Code("Not criminalising children",
                 "Care taken not to treat children who share images of themselves as offenders.",
                 "Safeguarding rather than prosecution; recording without pursuing.",
                 "Decisions about adult suspects.",
                 "They're the ones who need safeguarding."),
        ),
    ),
    Code(
        "Role of policing",
        "How the police role in this area has changed: demand, skills, and the toll on officers.",
        "Officers' accounts of their work, resources, training and support.",
        "What offenders do or say (use the offender themes).",
        "We can't arrest our way out of this.",
        "#AA3377",
        (
            Code("Scale and workload",
                 "The volume of referrals, caseloads and backlogs outstrips resources.",
                 "Numbers of cases, queues for device examination, prioritising, staff shortages.",
                 "Data volumes within a single case when workload is not discussed (use Changes in the nature of offending/Storage).",
                 "Devices sit in the queue for months."),
            Code("Training needs",
                 "Gaps in officers' training, such as female offending, disclosure barriers and new technology.",
                 "Training wanted, missing or out of date; self-teaching.",
                 "Welfare support (use Officer welfare).",
                 "Nobody has trained us on female offenders."),
            Code("Officer welfare",
                 "The emotional and psychological impact of the work on officers, and the support on offer.",
                 "Stress, fatigue, coping, screening, supervision of staff wellbeing.",
                 "Offenders' mental health (use Justification for offending/Mental health).",
                 "It's cumulative; no single job gets to you."),
        ),
    ),
)

# ---------------------------------------------------------------------------------------
# Participants
# ---------------------------------------------------------------------------------------

MODERATOR = "Moderator"


@dataclass(frozen=True)
class Person:
    label: str  # the speaker label in the transcript (a fictional first name)
    gender: str
    role: str
    years_of_service: int
    group: str


# Listed in order of first speaking: the importer numbers pseudonyms in order of first
# appearance across the project (FG1 imported before FG2), so this order *is* P01..P08.
# The transcripts below are checked against it.
PEOPLE: tuple[Person, ...] = (
    Person("Ruth", "female", "Online investigator", 14, "FG1"),
    Person("Daniel", "male", "Digital forensics", 9, "FG1"),
    Person("Helen", "female", "Offender manager", 21, "FG1"),
    Person("Mark", "male", "Detective sergeant", 17, "FG1"),
    Person("Claire", "female", "Safeguarding officer", 6, "FG1"),
    Person("Simon", "male", "Online investigator", 11, "FG1"),
    Person("Gareth", "male", "Offender manager", 19, "FG2"),
    Person("Paul", "male", "Digital forensics", 8, "FG2"),
)

PSEUDONYM = {p.label: f"P{i:02d}" for i, p in enumerate(PEOPLE, start=1)}

CODER_A = "coder_a"
CODER_B = "coder_b"

# ---------------------------------------------------------------------------------------
# Transcripts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    speaker: str
    # FG1: the turn's text ("\n" becomes a <w:br/> in the .docx).
    # FG2: the cue texts of the turn; a turn of several cues shows the importer's merging.
    cues: tuple[str, ...]
    codes: tuple[str, ...]  # coder A: the codes the turn was written to illustrate
    b_codes: tuple[str, ...] | None  # coder B, only where B differs from A
    why: str  # what kind of disagreement B's codes show

    @property
    def text(self) -> str:
        # The importer joins the cues of one speaker's run with a single space.
        return " ".join(self.cues)


def t(speaker: str, text: str | tuple[str, ...], *codes: str,
      b: tuple[str, ...] | None = None, why: str = "") -> Turn:
    cues = (text,) if isinstance(text, str) else tuple(text)
    assert (b is None) == (why == ""), f"say why coder B differs: {cues[0][:40]}"
    return Turn(speaker, cues, tuple(codes), None if b is None else tuple(b), why)


M = MODERATOR

# Coder B's differences: 20 of the 132 participant turns, so B agrees exactly with A on
# 112 (about 85%). Each is marked `b=..., why=...` on its turn. There are no random draws:
# the disagreements are chosen by hand, as the kinds of slip real second coders make:
#   missed      B left out one of A's codes                              (5 turns)
#   theme only  B used the theme where A chose a subtheme                (4 turns)
#   other code  B chose a different code for an ambiguous turn, mostly
#               under another theme (and once a subtheme where A
#               kept to the theme)                                       (5 turns)
#   extra       B added a code to A's (once on a turn A left uncoded)    (4 turns)
#   none        B reviewed the turn and applied nothing where A coded    (2 turns)
# codings/README.md lists them one by one (written from these marks).

FG1: tuple[Turn, ...] = (
    t(M, "Thanks for coming, everyone. This is an informal discussion and there are no right or wrong answers. Could we start by going round and each saying a little about your role and how long you’ve been in it?"),
    t("Ruth", "I’m on the online investigation team at Eastmoor. I’ve been a police officer for fourteen years and on this kind of work for about six of them. Most of my time goes on building cases from referrals and getting warrant applications ready."),
    t("Daniel", "I work in digital forensics, so I’m the person who ends up with the devices once they’ve been seized. Nine years in, the last five on the digital side."),
    t("Helen", "Offender management. I supervise people on the register once they’re back in the community – home visits, risk assessments, that sort of thing. Twenty-one years in the job, which makes me the old hand here."),
    t("Mark", "Detective sergeant. I run a small team that picks up the online referrals, so a lot of what I do is deciding what gets looked at first, because we can’t do everything at once.",
      WORKLOAD),
    t("Claire", "I’m a safeguarding officer, so I come at it from the children’s side – working with schools and the council’s Child & Family team when a case touches on a household with children. Six years in."),
    t("Simon", "Online investigator, same team as Ruth but on the other shift pattern. Eleven years in, about four on this."),
    t(M, "Thank you. Let’s start with the people you come across. If you think about the offenders you’ve dealt with, is there a typical profile?"),
    t("Ruth", "Honestly, no. People expect a particular type and it just isn’t there. I’ve had a lad of nineteen and a retired man in his seventies in the same month.",
      AGE),
    t("Mark", "That’s my experience too. The age range is enormous. The youngest we dealt with last year was barely out of school and the oldest was a grandfather. You can’t look at someone and say ‘that’s the type’.",
      AGE),
    t("Daniel", "You see it on the devices as well. The older ones often have a very tidy, very organised set-up and the younger ones are all over the place, but you get both.",
      AGE),
    t("Helen", "On my caseload the ages run from early twenties right up to pensioners. What strikes me is how ordinary most of them look on paper – jobs, families, no previous convictions.",
      AGE),
    t(M, "And in terms of gender?"),
    t("Claire", "Overwhelmingly men. I can count on one hand the women I’ve come across in six years, and in most of those cases she was involved alongside a male partner rather than on her own.",
      GENDER),
    t("Simon", "Same. Female offenders are rare enough that when one comes up it throws people a bit – including us, to be fair. We’re not really set up to think about it.",
      GENDER),
    t("Helen", "I’ve got one woman on my list at the moment, out of about fifty. And I’ll be honest, the risk assessment tools don’t fit her very well, because they were built around men.",
      GENDER, TRAINING, b=(GENDER,), why="missed"),
    t(M, "You said they look ordinary on paper. Is there anything else they tend to have in common?"),
    t("Helen", "Isolation comes up again and again. A lot of them live alone, they’ve lost touch with family, they’re not working or they work nights. The computer becomes the whole of their social life.",
      ISOLATION),
    t("Ruth", "Yes. You walk into the house and it’s one room where everything happens. No visitors, nobody checking in on them.",
      ISOLATION),
    t("Mark", "I’d add that isolation isn’t always physical. We’ve had men living with a wife and children who were, in their words, completely on their own in that house.",
      ISOLATION),
    t("Daniel", "You can see it in the usage logs. Someone who’s online from ten at night until five in the morning, every night, for years – that tells you something about how the rest of their life looks.",
      ISOLATION),
    t("Claire", "I agree with all of that."),
    t(M, "Let’s move on to technology. How would you describe offenders’ IT skills?"),
    t("Daniel", "It’s a real mix. Some of them barely know how to switch the thing on.\nOthers are using encryption, hidden partitions and virtual machines, and those are the ones that take us weeks.",
      CONCEAL),
    t("Simon", "The ones who’ve been doing it longest are usually the most careful. They’ll have a clean laptop for everyday use and something else entirely tucked away.",
      CONCEAL),
    t("Ruth", "We had a job in Harbourside where the main computer was spotless and everything was on a memory card hidden inside a games console. If the search team hadn’t been thorough we’d have walked straight past it.",
      CONCEAL, STORAGE, b=(CONCEAL,), why="missed"),
    t("Mark", "And they talk to each other about how to hide things. There are guides passed around on how to avoid being caught, which settings to use, what not to do.",
      CONCEAL, b=(CONCEAL, SHARING), why="extra"),
    t(M, "Do you see people changing their behaviour after they’ve been caught before?"),
    t("Helen", "All the time. Someone comes out after a first conviction and they’ve learned exactly what gave them away. Next time it’s a different device, different software, and they’re far more careful about what they keep.",
      LEARNING),
    t("Daniel", "Repeat offenders are a different job forensically. They know we’ll look in the obvious places, so they wipe things, they use tools that leave fewer traces, and they don’t keep anything for long.",
      LEARNING, CONCEAL),
    t("Ruth", "One man told me in interview that he’d gone through the evidence from his first case and, in his words, ‘fixed everything you found’.",
      LEARNING),
    t("Simon", "Prison doesn’t help either. Some of them come out having swapped tips with other people inside.",
      LEARNING),
    t("Mark", "Although you still get the ones who make exactly the same mistake twice. Not everyone is a mastermind.",
      LEARNING, b=(IT_SKILLS,), why="theme only"),
    t(M, "When you interview people, what reasons do they give for what they’ve done?"),
    t("Ruth", "Mental health is the most common thing we hear. Depression, anxiety, sometimes a diagnosis that came after the arrest. Some of it is genuine and some of it, I think, is the explanation they’ve been told will go down best.",
      MENTAL),
    t("Claire", "It can be both at the same time, though. Someone can be genuinely unwell and still be responsible for what they did. That’s the bit people find hard to hold together.",
      MENTAL),
    t("Helen", "A fair number say they were drinking heavily at the time, or using drugs, and that they don’t really remember how it started.",
      SUBSTANCE),
    t("Simon", "We hear ‘I was drunk’ a lot. The trouble is, the activity logs show it happening at eleven in the morning on a Tuesday.",
      SUBSTANCE, b=(MINIMISE,), why="other code"),
    t("Mark", "The one I find hardest is ‘it’s only pictures, I’ve never hurt anyone’. They genuinely seem to believe that looking isn’t harming anybody.",
      MINIMISE),
    t("Ruth", "Yes, the ‘victimless’ line. We spend a lot of time in interview explaining that every image is a real child and a real crime.",
      MINIMISE),
    t("Daniel", "Some say they were just curious, or that it appeared while they were looking for something else. The volume usually tells a different story.",
      MINIMISE),
    t("Helen", "A few have told me they were abused themselves as children. You have to take that seriously, and it changes how we work with them, but it isn’t an excuse, and most of them don’t offer it as one.",
      OWN_VICTIM),
    t("Claire", "And you get younger men who say they were confused about their own sexuality – that they went looking for one thing online and ended up somewhere else. That comes up more with the under-twenty-fives.",
      SEXUALITY, AGE),
    t(M, "Is that something you see often?"),
    t("Claire", "Not often, no. A handful of times, maybe. But it stands out when it does.",
      SEXUALITY, b=(), why="none"),
    t("Mark", "I’d say most of the explanations are about making it smaller than it is. Whatever reason they give, the message is ‘it’s not as bad as you think’.",
      MINIMISE, b=(JUSTIFY,), why="theme only"),
    t(M, "Thinking about the last five years or so, has the nature of offending changed?"),
    t("Daniel", "The biggest change on my side is storage. Five years ago we were seizing tower computers and boxes of discs. Now it’s phones, and more and more of it isn’t on the device at all – it’s in cloud accounts we have to apply for separately.",
      STORAGE),
    t("Simon", "And people don’t download and keep things the way they used to. A lot of it is viewed and gone, which makes it much harder to evidence.",
      DOWNLOADING),
    t("Daniel", "Streaming is the big problem for us. If nothing was ever saved, there may be nothing on the device to find – just traces that something was viewed.",
      DOWNLOADING),
    t("Helen", "That matters for offender management too. The conditions we set were written around downloading and keeping files. They don’t fit someone who only ever streams.",
      DOWNLOADING),
    t("Ruth", "Sharing has changed as well. It used to be forums; now it’s messaging apps and small closed groups where you have to contribute to stay in.",
      SHARING),
    t("Mark", "The severity has gone up. The proportion of cases where the material falls in the most serious category is noticeably higher than when I started.",
      SEVERITY),
    t("Simon", "I’m not sure it’s worse across the board, to be honest. What’s changed is that the most serious material is easier to reach, so it turns up in more cases.",
      SEVERITY),
    t("Claire", "And the children are younger. That’s the one that stays with me. The age of the children in the material we see has come down.",
      VICTIM_AGE, b=(VICTIM_AGE, WELFARE), why="extra"),
    t("Daniel", "The volumes are huge as well. A single case can be hundreds of thousands of files across a dozen devices. Ten years ago a big case was a few thousand.",
      STORAGE, WORKLOAD),
    t("Helen", "From my side, the people I supervise are more likely to have several devices and several accounts, which makes checking they’re sticking to their conditions much harder.",
      STORAGE, b=(CONCEAL,), why="other code"),
    t(M, "Ruth, you mentioned closed groups. Can you say a bit more about how they work?"),
    t("Ruth", "Without going into detail, the groups police themselves. Members are expected to contribute regularly and new people are vetted. It makes it very hard for us to get in,\nand it means the same material circulates for years.",
      SHARING),
    t("Simon", "It also means the people in them egg each other on. Somebody on their own might stop; somebody in a group is being pushed to keep going.",
      SHARING),
    t("Mark", "If I had to sum up the change in one sentence: younger children, more serious material, and most of it held in the cloud rather than at home.",
      VICTIM_AGE, SEVERITY, STORAGE),
    t(M, "Let’s turn to the pandemic. What effect did Covid-19 have on this area of work?"),
    t("Mark", "The referrals went through the roof in the first lockdown. Everybody was at home, everybody was online, and the numbers coming to my desk nearly doubled.",
      COVID, WORKLOAD),
    t("Helen", "For the people on my list, lockdown took away what little contact they had. No work, no day centre, no family visits. The ones who were already isolated became completely cut off, and that’s exactly when risk goes up.",
      COVID_ISOLATION),
    t("Ruth", "Some of the men we arrested during lockdown said it straight out – they were bored and lonely and online all day.",
      COVID_ISOLATION, b=(ISOLATION,), why="other code"),
    t("Helen", "The other big change was supervision. We stopped home visits almost overnight and moved to phone calls.\nI’d be ringing someone and asking how they were, with no way of seeing the house or the devices.",
      PHONE),
    t("Claire", "And you can’t read someone over the phone. Half of what you pick up on a visit is what you see – the state of the place, who else is there, what’s on the table.",
      PHONE),
    t("Helen", "Some of them preferred it, which tells you something. A phone call every few weeks is a lot easier to manage than a visit where we might look at your laptop.",
      PHONE),
    t("Daniel", "The device checks stopped too. We couldn’t get into homes, so the monitoring software installs and the spot checks just didn’t happen for months.",
      PHONE),
    t(M, "What about children and young people themselves during that period?"),
    t("Claire", "That’s where I saw the biggest shift. Young people were at home on their phones all day, and we had a big rise in reports of teenagers sharing images of themselves or each other.",
      YOUTH_IMAGERY),
    t("Simon", "A lot of our referrals in that period were about youth-produced imagery rather than adult offenders. Fourteen- and fifteen-year-olds sending pictures to each other that then got passed round a year group.",
      YOUTH_IMAGERY),
    t("Claire", "And we had to be really careful not to criminalise those children. They’re the ones who need safeguarding. Giving a fifteen-year-old a criminal record for something shared with someone their own age doesn’t protect anybody.",
      NOT_CRIMINALISING),
    t("Mark", "There’s guidance now that lets us record it without pursuing it, which is right. But it takes time to work out which cases are young people being daft and which involve an adult taking advantage.",
      NOT_CRIMINALISING, WORKLOAD),
    t("Ruth", "And schools were ringing us far more than before about pupils sharing pictures, which is good, but it all added to the pile.",
      YOUTH_IMAGERY, WORKLOAD, b=(WORKLOAD,), why="missed"),
    t("Simon", "That’s right."),
    t(M, "Finally, I’d like to talk about your own role. How has policing in this area changed for you?"),
    t("Mark", "The scale is the first thing. We have more referrals than we can possibly deal with, so we prioritise by risk. Every day I’m deciding which jobs wait, and that’s not a comfortable position to be in.",
      WORKLOAD),
    t("Daniel", "The forensic backlog is months long. We have devices sitting in the queue for six, nine, twelve months, and each one has people waiting on it – a suspect on bail, a family who don’t know what’s happening.",
      WORKLOAD),
    t("Simon", "And every job is bigger than it used to be. More devices, more accounts, more data. So it isn’t only more cases, it’s more work per case.",
      WORKLOAD, b=(WORKLOAD, STORAGE), why="extra"),
    t("Ruth", "We’re always one or two people short as well. Someone goes off sick or moves on and their workload just gets spread across whoever is left.",
      WORKLOAD),
    t(M, "Do you feel you have the training you need?"),
    t("Helen", "For the basics, yes. But there are gaps. Nobody has trained us on female offenders, for instance, so when one turns up we’re making it up as we go along.",
      TRAINING, GENDER),
    t("Claire", "I’d like more on helping people to disclose. Children especially, but also adults who were victims years ago. There are real barriers to people coming forward and we’re not always good at spotting them.",
      TRAINING),
    t("Daniel", "Technology moves faster than our training. By the time a course is written, the apps it covers are out of date.\nMost of what I know I’ve taught myself.",
      TRAINING),
    t("Simon", "New starters get a few days’ training and then they’re on live jobs with a full workload. It’s a lot to put on someone.",
      TRAINING),
    t(M, "Thanks, Helen, and everyone. How does the work affect you personally?"),
    t("Ruth", "It’s cumulative. No single job gets to you, but after a few years you notice you’re more tired, you’re more protective of your own children, you sleep worse.",
      WELFARE),
    t("Daniel", "We do have psychological screening once a year, which is good, but it’s a form and a conversation. It isn’t the same as someone actually checking in.",
      WELFARE),
    t("Mark", "As a supervisor I worry about my team more than about myself. I try to watch for the signs, but people here are very good at saying they’re fine.",
      WELFARE),
    t("Claire", "There’s still a bit of a culture of just getting on with it. Asking for help can feel like admitting you can’t cope.",
      WELFARE),
    t("Helen", "What helps me is the people in this room, honestly. A cup of tea and a moan with someone who understands does more than any leaflet.",
      WELFARE),
    t("Simon", "I’d like to see proper rotation. People shouldn’t be doing this for ten years straight without a break.",
      WELFARE),
    t(M, "Is there anything about the wider role of the police here that we haven’t covered?"),
    t("Mark", "Only that we can’t arrest our way out of this. Prevention, education, the technology companies – they all have to do their part, because there’s no version of this where we simply catch everybody.",
      POLICING),
    t("Ruth", "Agreed. And the public don’t really see this side of the job, so it doesn’t get the resources it needs.",
      POLICING, b=(WORKLOAD,), why="other code"),
    t("Daniel", "I’d echo that."),
    t(M, "Thank you all, that’s been really helpful."),
)

# FG2 was captioned by a meeting tool: straight apostrophes, and a speaker's longer turns
# broken over two or three cues (written below as a tuple of cue texts).
FG2: tuple[Turn, ...] = (
    t(M, ("Thanks both for making time for this.", "Could you start by telling me a little about your roles?")),
    t("Gareth", "I'm an offender manager. Nineteen years in the job, the last eight managing registered offenders in the community."),
    t("Paul", "I'm in digital forensics, based at the Westgate hub. Eight years, mostly phones and computers from this kind of case."),
    t(M, "How many people or cases are you each responsible for at the moment?"),
    t("Gareth", ("Around sixty on my caseload.", "The recommended figure is a lot lower than that, but that's where we are."),
      WORKLOAD),
    t("Paul", "For me it's devices rather than people. Last time I looked we had over four hundred items waiting for examination across the team.",
      WORKLOAD),
    t(M, "Let's talk about the people you manage, or whose devices you examine. Who are they?"),
    t("Gareth", "Every age you can think of. My youngest is twenty and my oldest is eighty-one. There's no pattern by age at all.",
      AGE),
    t("Paul", ("You can tell a lot from how they use the kit.", "The older ones tend to have everything on one big hard drive, sorted into folders. The younger ones have it scattered across apps and accounts."),
      AGE, STORAGE, b=(AGE,), why="missed"),
    t("Gareth", "What most of them do have in common is being on their own. Not all of them, but a lot live alone, don't work, and haven't got anyone they'd call a friend.",
      ISOLATION),
    t("Paul", "I'd go along with that. It's the same picture from the forensic side.",
      b=(ISOLATION,), why="extra"),
    t(M, "Do you think the isolation comes before or after the offending?"),
    t("Gareth", ("Both, I think. Some were isolated to begin with and went online to fill the gap.", "Others withdrew from people because of what they were doing.", "And after conviction it gets worse. Families cut them off and they lose their jobs."),
      ISOLATION),
    t("Paul", "Their online life is often the only life they have. The devices show thousands of hours online and almost no contact with anyone in the real world.",
      ISOLATION),
    t(M, "And women offenders?"),
    t("Gareth", "I've had one in nineteen years.",
      GENDER),
    t("Paul", "I've never examined a device where the main suspect was a woman.",
      GENDER),
    t(M, "Paul, tell me about their technical ability."),
    t("Paul", ("It ranges from nothing at all to very sophisticated.", "The sophisticated ones use encryption and software that wipes their history automatically, and they keep things on devices that don't look like storage at all. The ones who've been caught before are the best at it."),
      CONCEAL, STORAGE, LEARNING),
    t("Gareth", "We find that on visits. Something that looks like a phone charger or a key ring turns out to be a memory stick.",
      CONCEAL),
    t("Paul", "And they're getting better at it. There's advice passed around on how to avoid detection, so even someone who isn't technical can follow a guide.",
      CONCEAL),
    t(M, "Do repeat offenders behave differently?"),
    t("Gareth", "Very much. The second time round they know what we look for. They'll give us one phone to check and have another one somewhere else.",
      LEARNING, CONCEAL),
    t("Paul", ("Forensically, second-timers are harder.", "They've been through the process, they've seen the evidence against them, and they've changed whatever it was that caught them."),
      LEARNING),
    t("Gareth", "Some will tell you quite openly that they've learned. They treat the first conviction as a lesson in what not to do.",
      LEARNING),
    t(M, "What do they say about why they offended?"),
    t("Gareth", "Depression comes up a lot, and anxiety. A lot of them say they were in a very dark place at the time.",
      MENTAL),
    t("Paul", "I don't interview them, but I read the interview summaries, and 'it's just pictures' is the one that comes up again and again.",
      MINIMISE),
    t("Gareth", ("Yes, they'll tell you nobody was hurt.", "I spend a lot of time on that in supervision, trying to get them to see there's a real child behind every image."),
      MINIMISE),
    t(M, "Anything else that comes up?"),
    t("Gareth", "I've had a couple who said it happened to them when they were young. It's important to know, but it doesn't explain everything.",
      OWN_VICTIM),
    t("Paul", "Drink & drugs, in the summaries I read. Sometimes that's the whole explanation.",
      SUBSTANCE),
    t("Gareth", "And a few who say they don't really understand it themselves. That they were confused about who they were.",
      SEXUALITY, b=(MENTAL,), why="other code"),
    t(M, "Has the offending itself changed over the years you've been doing this?"),
    t("Paul", ("Storage is the big one. It's all cloud now.", "Ten years ago everything was on the machine in the house. Now the phone is just a window onto accounts held somewhere else, sometimes in another country."),
      STORAGE),
    t("Gareth", "That makes my job harder, because I can check a phone on a visit but I can't see what's sitting in an account.",
      STORAGE),
    t("Paul", "There's less downloading, too. A lot of it is streamed or viewed in an app and never saved, so there's less on the device for us to find.",
      DOWNLOADING),
    t("Gareth", "The sharing side has changed as well. It's groups on messaging apps now, invite only.",
      SHARING),
    t(M, "What about the seriousness of what you see?"),
    t("Paul", "I'd rather not go into it, but yes, the share in the most serious category has gone up.",
      SEVERITY),
    t("Gareth", "I'd agree with that."),
    t(M, "Let's turn to Covid. How did the pandemic change things?"),
    t("Gareth", ("Covid changed my whole job.", "We went from visiting people at home to ringing them. For months the only contact I had with most of my caseload was a phone call."),
      PHONE),
    t(M, "How did that affect your assessment of risk?"),
    t("Gareth", ("You lose so much.", "On a visit I can see if there's a new device, if the curtains are always shut, if there's something in the house that shouldn't be there.", "On the phone I only get what they choose to tell me."),
      PHONE),
    t("Paul", "And no device checks. We couldn't do the spot examinations, so there were months where nobody was looking.",
      PHONE),
    t("Gareth", "And of course they were stuck indoors with nothing to do. If you're already isolated and you lose the little bit of routine you had, the risk goes up.",
      COVID_ISOLATION),
    t("Paul", ("We saw it in the referrals.", "The number of cases coming in during lockdown was well above anything we'd had before."),
      COVID, WORKLOAD, b=(WORKLOAD,), why="missed"),
    t(M, "Did you see anything involving young people themselves?"),
    t("Paul", "Some. There were more cases where the pictures had been taken by teenagers themselves and then passed on. Those are difficult, because the young person is the one at risk.",
      YOUTH_IMAGERY),
    t("Gareth", "That's not really my area, but I know the safeguarding teams were careful not to treat those children as offenders.",
      NOT_CRIMINALISING, b=(), why="none"),
    t(M, "Let's finish on the role of the police. What would you change?"),
    t("Paul", "More people and better kit. We're examining more devices than ever with the same number of analysts.",
      WORKLOAD),
    t("Gareth", ("Caseloads need to come down.", "You can't manage sixty people properly. You end up firefighting."),
      WORKLOAD, b=(POLICING,), why="theme only"),
    t(M, "And training?"),
    t("Paul", "Most of what I know is self-taught. The courses are fine for the basics, but they lag behind the technology.",
      TRAINING),
    t("Gareth", "I'd like more on female offenders, actually. When I had that one woman on my caseload, I had nothing to go on.",
      TRAINING, GENDER),
    t(M, "Is there anything else on training?"),
    t("Paul", "How to talk to families, maybe. We're the ones who take the devices away, and nobody prepares you for that part.",
      TRAINING),
    t(M, "How about your own wellbeing?"),
    t("Paul", ("I'm fine most of the time.", "But there are days you go home and don't want to talk to anyone."),
      WELFARE),
    t("Gareth", "We get the annual check with occupational health. It's better than nothing, but it's a tick-box.",
      WELFARE),
    t("Paul", "What I'd really like is a proper debrief after the heavy jobs, not a leaflet.",
      WELFARE),
    t("Gareth", "And managers who've done the job. It makes a difference when your supervisor knows what it's like.",
      WELFARE),
    t(M, "If you could say one thing to senior leaders, what would it be?"),
    t("Gareth", ("That this isn't going away.", "The numbers only go one way, and we need to plan for that rather than firefight."),
      WORKLOAD, b=(POLICING,), why="theme only"),
    t("Paul", "Same. We can't keep absorbing it. Something has to give.",
      WORKLOAD),
    t("Gareth", "Yes."),
    t(M, "Is there anything we haven't covered that you'd like to add?"),
    t("Paul", "No, I think that's everything."),
    t("Gareth", "Nothing from me."),
    t(M, ("That's everything I wanted to ask.", "Thank you both very much.")),
)

GROUPS: tuple[tuple[str, tuple[Turn, ...]], ...] = (("FG1", FG1), ("FG2", FG2))

# ---------------------------------------------------------------------------------------
# Checks on the data itself, so that a careless edit fails here rather than in a test.
# ---------------------------------------------------------------------------------------


def code_paths() -> list[str]:
    paths = []
    for theme in CODEBOOK:
        paths.append(theme.name)
        paths.extend(f"{theme.name}/{sub.name}" for sub in theme.children)
    return paths


def validate() -> None:
    known = set(code_paths())
    first_seen: list[str] = []
    for group, turns in GROUPS:
        for i, turn in enumerate(turns):
            where = f"{group} turn {i + 1}"
            assert turn.speaker == MODERATOR or turn.speaker in PSEUDONYM, f"{where}: unknown speaker"
            if i > 0:
                # Two turns of one speaker in a row would merge into one on import.
                assert turn.speaker != turns[i - 1].speaker, f"{where}: same speaker twice in a row"
            for code in turn.codes + (turn.b_codes or ()):
                assert code in known, f"{where}: unknown code {code!r}"
            if turn.speaker == MODERATOR:
                assert not turn.codes and turn.b_codes is None, f"{where}: moderator turns are not coded"
            else:
                assert len(turn.codes) <= 3 and len(turn.b_codes or ()) <= 3, f"{where}: too many codes"
                assert turn.b_codes != turn.codes, f"{where}: coder B marked as differing but agrees"
                if turn.speaker not in first_seen:
                    first_seen.append(turn.speaker)
            for cue in turn.cues:
                assert cue == cue.strip() and "  " not in cue, f"{where}: stray whitespace"
                assert "<" not in cue and ">" not in cue, f"{where}: angle brackets in text"
    assert first_seen == [p.label for p in PEOPLE], f"order of first appearance is {first_seen}"
    assert all(len(t.cues) == 1 for t in FG1), "FG1 is a .docx: one paragraph per turn"
    assert all("\n" not in c for t in FG2 for c in t.cues), "FG2 cues are single lines"


# ---------------------------------------------------------------------------------------
# FG1.docx
# ---------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Word flags unknown words with proofing marks that split the text into extra runs; a
# reader must ignore them. We mark the invented place names, as Word would.
PROOFING_WORDS = ("Eastmoor", "Harbourside")


def rsid(n: int) -> str:
    """A deterministic stand-in for Word's revision-session ids."""
    return f"00{(0x3A17C5 + n * 0x1F3B7) & 0xFFFFFF:06X}"


def wt(text: str) -> str:
    # xml:space="preserve" only where Word writes it: on text with edge whitespace.
    attr = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:t{attr}>{escape(text)}</w:t>"


def run(text: str, props: str = "", rsid_attr: str = "") -> str:
    """One <w:r>; a "\n" in the text becomes a <w:br/> inside the same run."""
    parts = text.split("\n")
    body = "<w:br/>".join(wt(p) for p in parts)
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f"<w:r{rsid_attr}>{rpr}{body}</w:r>"


def split_mid_sentence(text: str, pieces: int) -> list[str]:
    """Split text into `pieces` runs at spaces, keeping each space at the end of a run,
    the way Word leaves text typed or edited in several sittings."""
    words = text.split(" ")
    bounds = [round(len(words) * k / pieces) for k in range(1, pieces)]
    out, start = [], 0
    for b in bounds + [len(words)]:
        chunk = " ".join(words[start:b])
        out.append(chunk + (" " if b < len(words) else ""))
        start = b
    return [c for c in out if c]


def paragraph(n: int, turn: Turn) -> str:
    """The <w:p> for turn number n (1-based); the variations are fixed by n, so the file
    is the same on every run but still exercises what real Word output does."""
    bold = "<w:b/><w:bCs/>"
    if n % 23 == 0:
        # Word sometimes ends the bold run before the colon.
        label = run(turn.speaker, bold) + run(":", bold)
    else:
        label = run(f"{turn.speaker}:", bold)

    body = " " + turn.text
    if n % 5 == 3 and len(body.split()) >= 12:
        segments = split_mid_sentence(body, 3 if n % 10 == 3 else 2)
    else:
        segments = [body]

    runs: list[str] = []
    for k, seg in enumerate(segments):
        attr = f' w:rsidR="{rsid(n * 7 + k)}"' if k else ""
        props = '<w:lang w:val="en-GB"/>' if k == 1 else ""
        word = next((w for w in PROOFING_WORDS if w in seg), None)
        if word:
            before, after = seg.split(word, 1)
            runs.append(run(before, props, attr))
            runs.append('<w:proofErr w:type="spellStart"/>')
            runs.append(run(word, props, attr))
            runs.append('<w:proofErr w:type="spellEnd"/>')
            runs.append(run(after, props, attr))
        else:
            runs.append(run(seg, props, attr))

    ppr = '<w:pPr><w:spacing w:after="120"/></w:pPr>'
    return f'<w:p w:rsidR="{rsid(n)}" w:rsidRDefault="{rsid(0)}">{ppr}{label}{"".join(runs)}</w:p>'


def document_xml(turns: tuple[Turn, ...]) -> str:
    # No title or heading paragraph: the importer treats a leading unlabelled paragraph
    # as a turn of its own, so every paragraph starts with a speaker label.
    body = "\n".join(paragraph(n, turn) for n, turn in enumerate(turns, start=1))
    sect = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" '
            'w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>')
    return (f'{XML_DECL}<w:document xmlns:w="{W_NS}" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<w:body>\n{body}\n{sect}</w:body></w:document>\n")


CONTENT_TYPES = XML_DECL + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>\n"
)

PACKAGE_RELS = XML_DECL + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    "</Relationships>\n"
)

DOCUMENT_RELS = XML_DECL + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    "</Relationships>\n"
)

STYLES = XML_DECL + (
    f'<w:styles xmlns:w="{W_NS}">'
    "<w:docDefaults><w:rPrDefault><w:rPr>"
    '<w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:sz w:val="22"/><w:lang w:val="en-GB"/>'
    "</w:rPr></w:rPrDefault></w:docDefaults>"
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    "</w:styles>\n"
)


def core_xml(title: str) -> str:
    # A neutral title and fixed dates; deliberately no dc:creator or cp:lastModifiedBy,
    # since a real transcriber's name would be an identifier.
    return XML_DECL + (
        '<cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:language>en-GB</dc:language>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2021-06-01T09:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2021-06-01T09:00:00Z</dcterms:modified>'
        "</cp:coreProperties>\n"
    )


def write_docx(path: Path, turns: tuple[Turn, ...], title: str) -> None:
    parts = (  # [Content_Types].xml first, as Word writes it
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("word/document.xml", document_xml(turns)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", STYLES),
        ("docProps/core.xml", core_xml(title)),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in parts:
            # A fixed time stamp and mode keep the archive byte-identical between runs.
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())


# ---------------------------------------------------------------------------------------
# FG2.vtt
# ---------------------------------------------------------------------------------------

# Pauses between speakers cycle through these (ms); a speaker's own cues follow closely.
SPEAKER_GAPS_MS = (700, 1200, 450, 1600, 900, 2100, 600)
CUE_GAPS_MS = (0, 120, 40)
START_MS = 5000  # the recording starts with a few seconds of silence


def cue_duration_ms(text: str) -> int:
    # About 2.6 words a second, the pace of relaxed conversation, rounded to 10 ms.
    return max(1500, round(len(text.split()) / 2.6 * 100) * 10)


def timed_turns(turns: tuple[Turn, ...]) -> list[list[tuple[int, int, str]]]:
    """Per turn, its cues as (start ms, end ms, text), strictly increasing in time."""
    clock = START_MS
    timed = []
    for i, turn in enumerate(turns):
        if i:
            clock += SPEAKER_GAPS_MS[i % len(SPEAKER_GAPS_MS)]
        cues = []
        for k, text in enumerate(turn.cues):
            if k:
                clock += CUE_GAPS_MS[(i + k) % len(CUE_GAPS_MS)]
            start, clock = clock, clock + cue_duration_ms(text)
            cues.append((start, clock, text))
        timed.append(cues)
    return timed


def vtt_time(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def write_vtt(path: Path, turns: tuple[Turn, ...]) -> None:
    lines = [
        "WEBVTT",
        "",
        "NOTE",
        "Focus group 2. Fictional transcript for FocusCode's test fixtures.",
        "",
    ]
    number = 0
    for turn, cues in zip(turns, timed_turns(turns)):
        for start, end, text in cues:
            number += 1
            # Numbered cue identifiers, as meeting tools write them; readers skip them.
            lines += [str(number), f"{vtt_time(start)} --> {vtt_time(end)}",
                      f"<v {turn.speaker}>{escape(text)}</v>", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------------------------------
# Expected turns, participants, codebook, codings
# ---------------------------------------------------------------------------------------


def ref(group: str, n: int) -> str:
    return f"{group}-{n:04d}"


def write_expected(path: Path, group: str, turns: tuple[Turn, ...], timed: bool) -> None:
    times = timed_turns(turns) if timed else [None] * len(turns)
    rows = []
    for n, (turn, cues) in enumerate(zip(turns, times), start=1):
        rows.append({
            "ref": ref(group, n),
            "speaker": turn.speaker,  # the label as the file gives it; pseudonyms come later
            "text": turn.text,
            "startMs": cues[0][0] if cues else None,
            "endMs": cues[-1][1] if cues else None,
        })
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_participants(fixtures: Path) -> None:
    write_csv(fixtures / "participants.csv",
              ["participant", "gender", "role", "years_of_service"],
              [[PSEUDONYM[p.label], p.gender, p.role, p.years_of_service] for p in PEOPLE])
    lines = [
        "# Speaker labels and pseudonyms",
        "",
        "Written by `tools/make_fixtures.py`. The labels are invented first names; the importer",
        "replaces them with pseudonyms in order of first appearance (FG1 imported before FG2).",
        "`Moderator` is the moderator in both groups and keeps that label.",
        "",
        "| label | group | pseudonym | gender | role |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {p.label} | {p.group} | {PSEUDONYM[p.label]} | {p.gender} | {p.role} |" for p in PEOPLE]
    (fixtures / "pseudonyms.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def yaml_str(s: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar; always quoting keeps names like
    # "Offenders' IT skills" and "Impact of Covid-19" from being read as anything else.
    return json.dumps(s, ensure_ascii=False)


def yaml_code(code: Code, indent: int) -> list[str]:
    pad = " " * indent
    out = [f"{pad}- name: {yaml_str(code.name)}"]
    for key in ("description", "inclusion", "exclusion", "example", "colour"):
        value = getattr(code, key)
        if value is not None:
            out.append(f"{pad}  {key}: {yaml_str(value)}")
    if code.children:
        out.append(f"{pad}  children:")
        for child in code.children:
            out += yaml_code(child, indent + 4)
    return out


def write_codebook(path: Path) -> None:
    lines = [
        "# FocusCode fixture codebook: the six themes of the model study and their subthemes.",
        "# Written by Fixtures/tools/make_fixtures.py; a code's path is Theme/Subtheme.",
        "codes:",
    ]
    for theme in CODEBOOK:
        lines += yaml_code(theme, 2)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def participant_turns():
    for group, turns in GROUPS:
        for n, turn in enumerate(turns, start=1):
            if turn.speaker != MODERATOR:
                yield ref(group, n), turn


def write_codings(directory: Path) -> None:
    for filename, coder, pick in (
        ("coder_a.csv", CODER_A, lambda turn: turn.codes),
        ("coder_b.csv", CODER_B, lambda turn: turn.codes if turn.b_codes is None else turn.b_codes),
    ):
        rows: list[list[object]] = []
        for excerpt, turn in participant_turns():
            codes = pick(turn)
            # Every participant turn gets at least one row: an empty code records
            # "reviewed, nothing applies", which agreement statistics count as a 0.
            rows += [[excerpt, coder, code] for code in codes] or [[excerpt, coder, ""]]
        write_csv(directory / filename, ["excerpt", "coder", "code"], rows)

    diffs = [(excerpt, turn) for excerpt, turn in participant_turns() if turn.b_codes is not None]
    total = sum(1 for _ in participant_turns())
    cell = lambda codes: "; ".join(f"`{c}`" for c in codes) or "(reviewed, none)"
    lines = [
        "# Codings",
        "",
        "Written by `../tools/make_fixtures.py`; do not edit by hand.",
        "",
        f"Two fictional coders, `{CODER_A}` (`coder_a.csv`) and `{CODER_B}` (`coder_b.csv`), each reviewed all",
        f"{total} participant turns of FG1 and FG2. Moderator turns are not coded and have no rows.",
        "",
        "Long form, one row per code applied: `excerpt,coder,code`. `code` is a codebook path",
        "(`Theme/Subtheme`, or `Theme` alone when only the theme applies). A row with an empty",
        "`code` means the coder reviewed the excerpt and applied nothing.",
        "",
        f"`{CODER_A}` holds the codes each turn was written to illustrate. `{CODER_B}` agrees exactly on",
        f"{total - len(diffs)} of the {total} turns and differs on the {len(diffs)} below.",
        "",
        f"| excerpt | {CODER_A} (A) | {CODER_B} (B) | kind |",
        "|---|---|---|---|",
    ]
    lines += [f"| {e} | {cell(t.codes)} | {cell(t.b_codes)} | {t.why} |" for e, t in diffs]
    lines += [
        "",
        "Kinds: *missed* (B left out one of A's codes), *theme only* (B used the theme where A",
        "chose a subtheme), *other code* (B chose a different code, often under another theme),",
        "*extra* (B added a code), *none* (B reviewed the turn and applied nothing).",
    ]
    (directory / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    validate()
    transcripts = FIXTURES / "transcripts"
    expected = transcripts / "expected"
    codings = FIXTURES / "codings"
    for d in (expected, codings):
        d.mkdir(parents=True, exist_ok=True)

    write_docx(transcripts / "FG1.docx", FG1, "Focus group 1")
    write_vtt(transcripts / "FG2.vtt", FG2)
    write_expected(expected / "FG1.turns.json", "FG1", FG1, timed=False)
    write_expected(expected / "FG2.turns.json", "FG2", FG2, timed=True)
    write_participants(FIXTURES)
    write_codebook(FIXTURES / "codebook.yaml")
    write_codings(codings)

    for group, turns in GROUPS:
        officers = sum(1 for t in turns if t.speaker != MODERATOR)
        print(f"{group}: {len(turns)} turns ({officers} participant turns)")


if __name__ == "__main__":
    main()
