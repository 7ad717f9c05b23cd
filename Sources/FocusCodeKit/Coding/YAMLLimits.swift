import CYaml
import Foundation

/// Bounds on a YAML codebook, checked by streaming libyaml's events before Yams builds a tree.
///
/// Yams composes recursively and resolves an alias to the node it names, so a deeply nested file
/// would overflow the stack and nested aliases (a "billion laughs") would expand exponentially when
/// the tree is walked. A codebook needs none of that: codes nest a few levels (two YAML levels
/// per code level), and aliases are never written by FocusCode or, in practice, by hand.
enum YAMLLimits {
    /// The largest YAML codebook read: a codebook of thousands of codes with definitions is a few MB.
    static let maximumBytes = 16 * 1024 * 1024
    /// The deepest nesting of sequences and mappings: 128 code levels.
    static let maximumDepth = 256
    /// The most aliases (`*name`) a file may use.
    static let maximumAliases = 32

    /// Nil when the text is within bounds, else the problem with its 1-based line.
    static func check(_ text: String) -> (line: Int?, problem: String)? {
        let bytes = Array(text.utf8)
        if bytes.count > maximumBytes {
            return (nil, "it is larger than \(maximumBytes / 1_048_576) MB, more than any codebook")
        }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return (nil, "the YAML parser could not start") }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> (line: Int?, problem: String)? in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var depth = 0
            var aliases = 0
            while true {
                var event = yaml_event_t()
                // A syntax error is left to Yams, which reports it with its context.
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    depth += 1
                    if depth > maximumDepth {
                        return (line, "lists and mappings are nested more than \(maximumDepth) deep, more than any codebook")
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    depth -= 1
                case YAML_ALIAS_EVENT:
                    aliases += 1
                    if aliases > maximumAliases {
                        return (line, "it uses more than \(maximumAliases) YAML aliases (*name); write the values out instead")
                    }
                default:
                    break
                }
            }
        }
    }
}
