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
        // Iterative (explicit stack), in document order, so no file can exhaust the call stack.
        var found: [XMLTreeElement] = []
        var pending: [XMLTreeElement] = children.reversed()
        while let next = pending.popLast() {
            if next.name == name { found.append(next) }
            pending.append(contentsOf: next.children.reversed())
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
        let data: Data
        switch XMLSafety.prepare(input) {
        case .success(let prepared): data = prepared
        case .failure(let problem): return .failure(problem)
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
        guard stack.count < XMLSafety.maximumDepth else {
            if error == nil { error = XMLSafety.depthProblem }
            parser.abortParsing()
            return
        }
        let element = XMLTreeElement(name: localName(elementName), attributes: attrs, line: parser.lineNumber)
        if let parent = stack.last { parent.children.append(element) } else if root == nil { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard error == nil else { return }
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
