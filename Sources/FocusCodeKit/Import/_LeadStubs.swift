// TEMPORARY until the readers land.
import Foundation
public enum TranscriptReader { public static func read(data: Data, fileName: String, format: TranscriptFormat? = nil) throws -> [Turn] {
    let s = String(decoding: data, as: UTF8.self)
    return s.split(separator: "\n").enumerated().map { i, l in
        let parts = l.split(separator: ":", maxSplits: 1)
        return Turn(speaker: parts.count == 2 ? String(parts[0]) : nil, text: String(parts.last ?? ""), line: i + 1) }
} }
