import XCTest
@testable import FocusCodeKit

/// What each detector must catch and what it must leave alone.
final class DetectorTests: XCTestCase {
    func testEmailAddresses() {
        var a = makeRedactor()
        XCTAssertEqual(a.redacted("Mail ruth.baker@example.org or j_o+1@mail.example.co.uk."),
                       "Mail [EMAIL-1] or [EMAIL-2].")
        XCTAssertEqual(a.kinds("Contact: Info@Example.ORG"), ["EMAIL"])
        // Not addresses: a handle, an at sign in prose, a domain without a dot.
        XCTAssertEqual(a.kinds("Meet @ 10, or ask @someone, or ruth@home"), [])
    }

    func testPhoneNumbers() {
        var a = makeRedactor()
        XCTAssertEqual(a.redacted("Ring 07700 900123, 07700-900-456, (01632) 960 001 or +44 7700 900789."),
                       "Ring [PHONE-1], [PHONE-2], [PHONE-3] or [PHONE-4].")
        XCTAssertEqual(a.kinds("International: +1 555 010 1234 and 0033 1 23 45 67 89"), ["PHONE", "PHONE"])
        // The same number written two ways is one placeholder.
        XCTAssertEqual(a.redacted("07700900123 is +447700900123"), "[PHONE-1] is [PHONE-1]")
        // Not phone numbers: years, times, counts, short numbers, a sum.
        XCTAssertEqual(a.kinds("In 2019 at 10.30 we had 1,000 cases, 999 calls, 42 officers and £12,500."), [])
        XCTAssertEqual(a.kinds("Between 2019 and 2021, 14 years in."), [])
    }

    func testURLs() {
        var a = makeRedactor()
        XCTAssertEqual(a.redacted("See https://eastmoor.example.org/team?id=4, www.example.com and harbourside-police.example.net/news."),
                       "See [URL-1], [URL-2] and [URL-3].")
        // Not URLs: abbreviations, a decimal, a missing space after a full stop.
        XCTAssertEqual(a.kinds("e.g. this, i.e. that, 3.5 times, the end.Then more, St.John"), [])
    }

    func testUKPostcodes() {
        var a = makeRedactor()
        XCTAssertEqual(a.redacted("At EM1 2XY, M1 1AA, B33 8TH, CR2 6XH, DN55 1PT, W1A 0AX and EC1A 1BB."),
                       "At [POSTCODE-1], [POSTCODE-2], [POSTCODE-3], [POSTCODE-4], [POSTCODE-5], [POSTCODE-6] and [POSTCODE-7].")
        XCTAssertEqual(a.kinds("lower case sw1a 1aa too"), ["POSTCODE"])
        // Not postcodes: mixed case words, a group name, Covid-19, a ratio.
        XCTAssertEqual(a.kinds("FG1 met, Covid-19 hit, A1 road, 3 to 1, Ab1 2cd"), [])
    }

    func testNationalInsuranceNumbers() {
        var a = makeRedactor()
        XCTAssertEqual(a.redacted("NI QQ 12 34 56 C and QQ123456A."), "NI [NINO-1] and [NINO-2].")
        // Not NI numbers: wrong suffix letter, too few digits.
        XCTAssertEqual(a.kinds("QQ 12 34 56 Z and QQ 12 34 5 C"), [])
    }

    func testDatesOfBirth() {
        var a = makeRedactor()
        XCTAssertEqual(a.redacted("He was born on 12/03/1985 and his DOB is 1985-03-12; date of birth: 3rd of May 1990."),
                       "He was born on [DOB-1] and his DOB is [DOB-2]; date of birth: [DOB-3].")
        XCTAssertEqual(a.kinds("born March 4, 1979, and her birthday is 4 March"), ["DOB", "DOB"])
        // A date without a birth cue is not redacted, but goes on the review list.
        XCTAssertEqual(a.kinds("The meeting on 12 March 2020 was moved."), [])
        XCTAssertEqual(a.candidates("The meeting on 12 March 2020 was moved."), ["12 March 2020"])
        // Not dates: a date without year and without cue, a score, a version.
        XCTAssertEqual(a.redact("See you on 3 May, it was 3-1, version 2.1.3").candidates, [])
    }

    func testVehicleRegistrations() {
        var a = makeRedactor()
        XCTAssertEqual(a.redacted("A silver car, AB12 CDE, then A123 BCD and ABC 123D."), "A silver car, [VEHICLE-1], then [VEHICLE-2] and [VEHICLE-3].")
        // Not registrations: lower case, ordinary capitals.
        XCTAssertEqual(a.kinds("ab12 cde, THE NHS TEAM"), [])
    }

    func testNamesFromListWholeWordCaseInsensitiveWithPossessives() {
        var a = makeRedactor(names: ["Sarah Jones", "Anne-Marie O'Neill"])
        XCTAssertEqual(a.redacted("Sarah's team and SARAH, and Sarah Jones’s car; ask Jones."),
                       "[NAME-1]'s team and [NAME-1], and [NAME-2]’s car; ask [NAME-3].")
        XCTAssertEqual(a.redacted("anne-marie o’neill and Anne-Marie"), "[NAME-4] and [NAME-5]")
        // Whole words only: names inside other words stay.
        XCTAssertEqual(a.kinds("Sarahs, Jonesy and ajones stay"), [])
    }

    func testNamesThatAreOrdinaryWordsMatchOnlyCapitalised() {
        var a = makeRedactor(names: ["Mark", "Will"])
        XCTAssertEqual(a.redacted("Mark said we will mark it."), "[NAME-1] said we will mark it.")
    }

    func testSpeakerLabelsGiveNamesButRolesDoNot() {
        var a = makeRedactor(speakers: ["DC Ruth Baker", "Moderator", "Speaker 2", "Paul"])
        XCTAssertEqual(a.redacted("Thanks Ruth, and Paul. Baker agreed. The moderator and speaker spoke."),
                       "Thanks [NAME-2], and [NAME-4]. [NAME-3] agreed. The moderator and speaker spoke.")
    }

    func testPlacesAndOrganisationsFromLists() {
        var a = makeRedactor(places: ["Eastmoor", "Harbour View Road"], organisations: ["Westgate Police Station"])
        XCTAssertEqual(a.redacted("From eastmoor via Harbour View Road to westgate police station."),
                       "From [PLACE-1] via [PLACE-2] to [ORG-1].")
        // An entry made only of ordinary words counts only when capitalised.
        XCTAssertEqual(a.kinds("a harbour view road"), [])
        // Parts of a place or organisation are not redacted alone.
        XCTAssertEqual(a.kinds("The police station on the road."), [])
    }

    func testCustomPatterns() throws {
        let patterns = try AnonymisationLists.patterns("# staff numbers\nSTAFF_ID\t\\bEM-\\d{5}\\b\nCASE  \\b\\d{2}/\\d{4,6}/\\d{2}\\b\n", file: "p.txt")
        var a = makeRedactor(patterns: patterns)
        XCTAssertEqual(a.redacted("Officer EM-12345 on case 24/123456/21 (not EM-123)."), "Officer [STAFF_ID-1] on case [CASE-1] (not EM-123).")
        XCTAssertThrowsError(try AnonymisationLists.patterns("lower\tx", file: "p.txt")) { error in
            XCTAssertEqual((error as? AnonymisationError)?.errorDescription, "p.txt:1: the type must be upper-case letters, digits or '_' (e.g. STAFF_ID)")
        }
        XCTAssertThrowsError(try AnonymisationLists.patterns("NAME\t(Ruth", file: "p.txt")) { error in
            let message = (error as? AnonymisationError)?.errorDescription ?? ""
            XCTAssertEqual(message, "p.txt:1: not a valid regular expression")
            XCTAssertFalse(message.contains("Ruth"))
        }
    }

    func testReviewCandidates() {
        var a = makeRedactor()
        let outcome = a.redact("We met the team at Bridgend and DCI Moss from OPX, ref AB1234X, call 12345678 or @ruth_b. The Police and Covid.")
        XCTAssertEqual(outcome.candidates.map(\.text), ["Bridgend", "Moss", "OPX", "AB1234X", "12345678", "@ruth_b"])
        XCTAssertEqual(outcome.candidates.map(\.reason), [.capitalised, .capitalised, .acronym, .code, .digits, .handle])
        XCTAssertEqual(outcome.replacements, [])
        // Ordinary capitalised words are not candidates.
        XCTAssertEqual(a.candidates("On Monday in March, Police and NHS staff said Covid-19 and Christmas were hard. I’d say so."), [])
    }

    func testPlaceholdersInTextAreLeftAlone() {
        var a = makeRedactor()
        let outcome = a.redact("[NAME-1] met [ORG-2] and [STAFF_ID-3].")
        XCTAssertEqual(outcome.text, "[NAME-1] met [ORG-2] and [STAFF_ID-3].")
        XCTAssertEqual(outcome.candidates, [])
    }

    func testSamePlaceholderForSameOriginalAcrossKindsOfSpelling() {
        var a = makeRedactor(names: ["Ruth"], places: ["Eastmoor"])
        XCTAssertEqual(a.redacted("Ruth, RUTH and ruth in Eastmoor; EASTMOOR."), "[NAME-1], [NAME-1] and [NAME-1] in [PLACE-1]; [PLACE-1].")
    }

    func testNonASCIINames() {
        var a = makeRedactor(names: ["Zoë Łukasz"])
        XCTAssertEqual(a.redacted("ZOË and Łukasz’s."), "[NAME-1] and [NAME-2]’s.")
    }
}
