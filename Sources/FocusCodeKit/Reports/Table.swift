import Foundation

/// A value in a table cell, typed so that CSV, JSON and the terminal each show it right.
public enum Cell: Sendable, Equatable {
    case text(String)
    case int(Int)
    case double(Double, digits: Int)
    case bool(Bool)
    case null

    /// The value as plain text (CSV, terminal). Null is empty.
    public var plain: String {
        switch self {
        case .text(let s): return s
        case .int(let i): return String(i)
        case .double(let d, let digits): return String(format: "%.\(digits)f", d)
        case .bool(let b): return b ? "yes" : "no"
        case .null: return ""
        }
    }
}

extension Cell: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(_ value: String?) { self = value.map(Cell.text) ?? .null }
    public init(_ value: Int?) { self = value.map(Cell.int) ?? .null }
}

/// How a column's cells line up.
public enum ColumnAlignment: Sendable, Equatable {
    case left, right
}

/// A column: a stable machine name (CSV header, JSON key) and a title for people.
public struct Column: Sendable, Equatable {
    public var key: String
    public var title: String
    /// Long free text: the terminal renderer shortens it to fit the screen.
    public var isWide: Bool
    /// A heading shared by consecutive columns with the same band (e.g. a group's n, % and participants).
    public var band: String?
    /// Forced alignment; nil lets the renderer right-align columns of numbers.
    public var alignment: ColumnAlignment?
    public init(_ key: String, _ title: String? = nil, wide: Bool = false, band: String? = nil, alignment: ColumnAlignment? = nil) {
        self.key = key
        self.title = title ?? key.replacingOccurrences(of: "_", with: " ")
        self.isWide = wide
        self.band = band
        self.alignment = alignment
    }
}

/// A listing or report table, computed once and rendered by any `TableRenderer`.
public struct Table: Sendable, Equatable {
    public var columns: [Column]
    public var rows: [[Cell]]
    /// A line for people above the table (what it counts); not part of CSV or JSON rows.
    public var caption: String?
    /// Lines for people below the table (how it counts); not part of CSV or JSON rows.
    public var notes: [String]
    /// Rows whose first cell is a heading of the rows below it (a theme above its subthemes); Markdown sets it in bold.
    public var headingRows: Set<Int>
    public init(columns: [Column], rows: [[Cell]], caption: String? = nil, notes: [String] = [], headingRows: Set<Int> = []) {
        self.columns = columns
        self.rows = rows
        self.caption = caption
        self.notes = notes
        self.headingRows = headingRows
    }
}

/// The output formats every listing supports.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

/// Renders a table in one format. Renderers format; they never compute.
public protocol TableRenderer {
    func render(_ table: Table) -> String
}

/// RFC 4180 CSV: a header of column keys, then one line per row.
public struct CSVTableRenderer: TableRenderer {
    public init() {}
    public func render(_ table: Table) -> String {
        var out = CSV.row(table.columns.map(\.key))
        for row in table.rows { out += CSV.row(row.map(\.plain)) }
        return out
    }
}

/// A JSON array of objects keyed by column key, in column order; null for empty cells.
public struct JSONTableRenderer: TableRenderer {
    public init() {}
    public func render(_ table: Table) -> String {
        var out = "[\n"
        for (i, row) in table.rows.enumerated() {
            let fields = zip(table.columns, row).map { column, cell in "\(JSON.string(column.key)): \(JSON.value(cell))" }
            out += "  {" + fields.joined(separator: ", ") + "}" + (i < table.rows.count - 1 ? ",\n" : "\n")
        }
        return out + "]\n"
    }
}

/// Aligned columns for a terminal; numbers right-aligned; wide text shortened to `maxWidth`.
public struct TerminalTableRenderer: TableRenderer {
    public var maxWidth: Int
    public init(maxWidth: Int = 120) { self.maxWidth = maxWidth }

    public func render(_ table: Table) -> String {
        var out = ""
        if let caption = table.caption { out += caption + "\n\n" }
        let notes = table.notes.isEmpty ? "" : "\n" + table.notes.joined(separator: "\n") + "\n"
        if table.rows.isEmpty { return out + "(none)\n" + notes }
        let texts = table.rows.map { $0.map { $0.plain.replacingOccurrences(of: "\n", with: " ⏎ ") } }
        var widths = table.columns.enumerated().map { i, c in
            max(c.title.count, texts.map { $0[i].count }.max() ?? 0)
        }
        let gap = 2
        let fixed = table.columns.enumerated().filter { !$0.element.isWide }.map { widths[$0.offset] + gap }.reduce(0, +)
        let wideCount = table.columns.filter(\.isWide).count
        if wideCount > 0 {
            let room = max(20, (maxWidth - fixed) / wideCount - gap)
            for (i, c) in table.columns.enumerated() where c.isWide { widths[i] = min(widths[i], room) }
        }
        // Each band must be as wide as its columns and gaps together; widen its last column if the title is longer.
        var bands: [(title: String, start: Int, end: Int)] = []
        for (i, c) in table.columns.enumerated() {
            guard let band = c.band else { continue }
            if let last = bands.last, last.title == band, last.end == i - 1 { bands[bands.count - 1].end = i } else { bands.append((band, i, i)) }
        }
        for band in bands {
            let span = widths[band.start...band.end].reduce(0, +) + gap * (band.end - band.start)
            if band.title.count > span { widths[band.end] += band.title.count - span }
        }
        let numeric = table.columns.indices.map { i in
            if let alignment = table.columns[i].alignment { return alignment == .right }
            return table.rows.allSatisfy { row in
                switch row[i] { case .int, .double, .null: return true; default: return false }
            }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, s in
                var cell = s
                if cell.count > widths[i] { cell = String(cell.prefix(max(0, widths[i] - 1))) + "…" }
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return numeric[i] ? pad + cell : cell + pad
            }.joined(separator: String(repeating: " ", count: gap)).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        if !bands.isEmpty {
            // Band titles centred over their columns; columns without a band get blanks.
            var bandLine = ""
            var i = 0
            while i < table.columns.count {
                if i > 0 { bandLine += String(repeating: " ", count: gap) }
                if let band = bands.first(where: { $0.start == i }) {
                    let span = widths[band.start...band.end].reduce(0, +) + gap * (band.end - band.start)
                    let left = (span - band.title.count) / 2
                    bandLine += String(repeating: " ", count: left) + band.title + String(repeating: " ", count: span - left - band.title.count)
                    i = band.end + 1
                } else {
                    bandLine += String(repeating: " ", count: widths[i])
                    i += 1
                }
            }
            out += bandLine.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        out += line(table.columns.map(\.title)) + "\n"
        out += line(widths.map { String(repeating: "─", count: $0) }) + "\n"
        for row in texts { out += line(row) + "\n" }
        return out + notes
    }
}

/// Minimal JSON text helpers, so that key order follows the table (JSONSerialization does not keep it).
public enum JSON {
    /// A JSON string literal.
    public static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// A cell as a JSON value.
    public static func value(_ cell: Cell) -> String {
        switch cell {
        case .text(let s): return string(s)
        case .int(let i): return String(i)
        case .double(let d, _): return d.isFinite ? "\(d)" : "null"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }
}

extension OutputFormat {
    /// The renderer for this format.
    public func renderer(maxWidth: Int = 120) -> any TableRenderer {
        switch self {
        case .table: return TerminalTableRenderer(maxWidth: maxWidth)
        case .csv: return CSVTableRenderer()
        case .json: return JSONTableRenderer()
        }
    }
}
