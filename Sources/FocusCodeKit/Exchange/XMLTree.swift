import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One element of a parsed XML document, by local name (namespace prefixes dropped).
///
/// Exporters differ in namespaces and prefixes (`<Project xmlns=…>`, `<qda:Project>`), so the
/// REFI reader matches elements and attributes by their local names only.
final class XMLTreeElement {
    let name: String
    let attributes: [String: String]
    var children: [XMLTreeElement] = []
    var text = ""
    /// The 1-based line where the element starts, for messages.
    let line: Int

    init(name: String, attributes: [String: String], line: Int) {
        self.name = name
        self.attributes = attributes
        self.line = line
    }

    /// The attribute with this local name, ignoring case of the name (`GUID`, `guid`).
    func attribute(_ key: String) -> String? {
        if let v = attributes[key] { return v }
        let lower = key.lowercased()
        return attributes.first { localName($0.key).lowercased() == lower }?.value
    }

    /// Direct children with this local name.
    func children(_ name: String) -> [XMLTreeElement] { children.filter { $0.name == name } }

    /// The first direct child with this local name.
    func child(_ name: String) -> XMLTreeElement? { children.first { $0.name == name } }

    /// All descendants (depth first) with this local name.
    func descendants(_ name: String) -> [XMLTreeElement] {
        var found: [XMLTreeElement] = []
        for child in children {
            if child.name == name { found.append(child) }
            found += child.descendants(name)
        }
        return found
    }
}

func localName(_ qualified: String) -> String {
    qualified.split(separator: ":").last.map(String.init) ?? qualified
}

/// Parses XML into `XMLTreeElement` trees; refuses DTDs (entity-expansion bombs).
final class XMLTreeParser: NSObject, XMLParserDelegate {
    private var stack: [XMLTreeElement] = []
    private var root: XMLTreeElement?
    private var error: String?
    private weak var parser: XMLParser?

    /// The root element, or a description of why the data is not well-formed XML.
    static func parse(_ input: Data) -> Result<XMLTreeElement, ExchangeProblem> {
        // FoundationXML on Linux traps on an element or attribute name that is not valid UTF-8, so the
        // bytes are checked first; UTF-16 (with a BOM) is turned into UTF-8.
        var data = input
        let bom = [UInt8](input.prefix(2))
        if bom == [0xFF, 0xFE] || bom == [0xFE, 0xFF] {
            guard let text = String(data: input.dropFirst(2), encoding: bom == [0xFF, 0xFE] ? .utf16LittleEndian : .utf16BigEndian) else {
                return .failure(ExchangeProblem("it is not valid UTF-16 text"))
            }
            var utf8 = text
            if let range = utf8.range(of: #"encoding\s*=\s*["'][Uu][Tt][Ff]-?16[^"']*["']"#, options: .regularExpression) {
                utf8.replaceSubrange(range, with: "encoding=\"UTF-8\"")
            }
            data = Data(utf8.utf8)
        } else if String(data: input, encoding: .utf8) == nil {
            return .failure(ExchangeProblem("it is not UTF-8 text"))
        }
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!ENTITY".utf8)) != nil {
            return .failure(ExchangeProblem("it declares a DTD, which REFI-QDA files never have"))
        }
        let delegate = XMLTreeParser()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        delegate.parser = parser
        let ok = parser.parse()
        if let root = delegate.root, ok, delegate.error == nil { return .success(root) }
        let line = parser.lineNumber
        let reason = delegate.error ?? parser.parserError.map { "\($0.localizedDescription)" } ?? "it is not well-formed XML"
        return .failure(ExchangeProblem("line \(line): \(reason)"))
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        var attrs: [String: String] = [:]
        for (k, v) in attributes where !k.hasPrefix("xmlns") { attrs[localName(k)] = v }
        let element = XMLTreeElement(name: localName(elementName), attributes: attrs, line: parser.lineNumber)
        if let parent = stack.last { parent.children.append(element) } else if root == nil { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        stack.last?.text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if error == nil { error = "it is not well-formed XML (\(parseError.localizedDescription))" }
    }
}
