import ArgumentParser
import FocusCodeKit
import Foundation

/// The anonymisation options of `focuscode import`.
struct AnonymisationImportOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("People's names to replace, one per line (whole words, any case; first names and surnames alone too).", valueName: "file"))
    var names: String?

    @Option(name: .long, help: ArgumentHelp("Places to replace, one per line.", valueName: "file"))
    var places: String?

    @Option(name: [.customLong("organisations"), .customLong("organizations")], help: ArgumentHelp("Organisations and units to replace, one per line.", valueName: "file"))
    var organisations: String?

    @Option(name: .long, help: ArgumentHelp("Custom patterns, one per line: TYPE<TAB>regular expression (e.g. STAFF_ID<TAB>\\\\bEM-\\\\d{5}\\\\b).", valueName: "file"))
    var patterns: String?

    @Option(name: .long, help: ArgumentHelp("Speaker pseudonyms to use: CSV label,pseudonym (others get P01, P02, …).", valueName: "file"))
    var pseudonyms: String?

    @Option(name: .long, help: ArgumentHelp("The key file for the way back (placeholder → original): created mode 0600 at the first anonymised import, given again after that. Never in the project's folder.", valueName: "file"))
    var key: String?

    @Flag(name: .long, help: "Allow the key file in the project's own folder.")
    var force = false

    @Flag(name: .customLong("no-detect"), help: "Store the text as read: no detectors (speakers still get pseudonyms).")
    var noDetect = false

    var detect: Bool { !noDetect }

    func validate() throws {
        if noDetect, names != nil || places != nil || organisations != nil || patterns != nil {
            throw ValidationError("--no-detect cannot be combined with --names, --places, --organisations or --patterns.")
        }
    }

    func options() throws -> AnonymisationOptions {
        func list(_ path: String?) throws -> [String] {
            guard let path else { return [] }
            return try AnonymisationLists.entries(file: URL(fileURLWithPath: path))
        }
        let patternList = try patterns.map { try AnonymisationLists.patterns(file: URL(fileURLWithPath: $0)) } ?? []
        return AnonymisationOptions(detect: detect, names: try list(names), places: try list(places),
                                    organisations: try list(organisations), patterns: patternList, keyPath: key, force: force)
    }

    func pseudonymMapping() throws -> [String: String] {
        guard let pseudonyms else { return [:] }
        let url = URL(fileURLWithPath: pseudonyms)
        guard FileManager.default.fileExists(atPath: url.path) else { throw ProjectError.fileMissing(path: url.path) }
        let data = try Data(contentsOf: url)
        return try AnonymisationLists.pseudonyms(try TextDecoding.decode(data, file: url.lastPathComponent).text, file: url.lastPathComponent)
    }
}
