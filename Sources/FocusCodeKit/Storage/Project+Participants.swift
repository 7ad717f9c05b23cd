import Foundation
import GRDB

extension Project {
    /// Sets attributes (name → value) on one participant, in one transaction. An empty value removes the attribute.
    public func setAttributes(_ attributes: [(name: String, value: String)], on pseudonym: String, actor: String? = nil) throws {
        try write { db in
            let id = try participantId(db, pseudonym)
            for (name, value) in attributes {
                try Self.validateAttributeName(name)
                try Self.setAttribute(db, participant: id, name: name, value: value)
            }
            try AuditLog.record(db, actor: actor, action: "participant.set", objectKind: "participant", objectRef: pseudonym,
                                detail: "attributes=" + attributes.map(\.name).joined(separator: ","))
        }
    }

    /// Imports participant attributes from CSV text (wide form: a `participant` column of pseudonyms,
    /// one column per attribute; empty cells are left alone). Every row is checked before anything is
    /// written; the first problems found are reported with their line numbers. Returns the rows applied.
    @discardableResult
    public func importAttributes(csv text: String, fileName: String, actor: String? = nil) throws -> Int {
        let records: [CSVRecord]
        switch Result(catching: { () throws(CSVError) -> [CSVRecord] in try CSV.parse(text) }) {
        case .success(let parsed): records = parsed
        case .failure(let error): throw ProjectError.badRow(file: fileName, line: error.line, problem: error.problem)
        }
        guard let header = records.first else { throw ImportError.emptyFile(file: fileName) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let key = names.firstIndex(where: { $0.lowercased() == "participant" }) else {
            throw ProjectError.badRow(file: fileName, line: header.line,
                                      problem: "the header needs a 'participant' column (pseudonyms such as P01), then one column per attribute")
        }
        for (i, name) in names.enumerated() where i != key {
            do { try Self.validateAttributeName(name) } catch {
                throw ProjectError.badRow(file: fileName, line: header.line, problem: "column \(i + 1) has an invalid attribute name '\(name)'")
            }
        }
        return try write { db in
            var applied = 0
            for record in records.dropFirst() {
                if record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
                guard record.fields.count == names.count else {
                    throw ProjectError.badRow(file: fileName, line: record.line,
                                              problem: "expected \(names.count) fields as in the header, found \(record.fields.count)")
                }
                let pseudonym = record.fields[key].trimmingCharacters(in: .whitespaces)
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM participants WHERE pseudonym = ?", arguments: [pseudonym]) else {
                    throw ProjectError.badRow(file: fileName, line: record.line,
                                              problem: "no participant '\(pseudonym)' in this project ('focuscode participants' lists them)")
                }
                for (i, name) in names.enumerated() where i != key {
                    let value = CSV.restored(record.fields[i].trimmingCharacters(in: .whitespaces))
                    if !value.isEmpty { try Self.setAttribute(db, participant: id, name: name, value: value) }
                }
                applied += 1
            }
            try AuditLog.record(db, actor: actor, action: "participant.import", objectKind: "participant", objectRef: nil,
                                detail: "rows=\(applied)")
            return applied
        }
    }

    func participantId(_ db: Database, _ pseudonym: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM participants WHERE pseudonym = ?", arguments: [pseudonym]) else {
            throw ProjectError.unknownParticipant(pseudonym)
        }
        return id
    }

    static func setAttribute(_ db: Database, participant: Int64, name: String, value: String) throws {
        if value.isEmpty {
            try db.execute(sql: "DELETE FROM participant_attributes WHERE participant_id = ? AND name = ?", arguments: [participant, name])
        } else {
            try db.execute(sql: """
                INSERT INTO participant_attributes(participant_id, name, value) VALUES (?, ?, ?)
                ON CONFLICT(participant_id, name) DO UPDATE SET value = excluded.value
                """, arguments: [participant, name, value])
        }
    }

    /// Attribute names become CSV/JSON column names, so they are kept simple.
    static func validateAttributeName(_ name: String) throws {
        let ok = !name.isEmpty && name.count <= 40 && name.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-"
        } && !["participant", "moderator", "groups", "turns", "words"].contains(name.lowercased())
        if !ok { throw ProjectError.invalidAttribute(name) }
    }
}
