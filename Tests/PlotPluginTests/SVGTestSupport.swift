import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// A parsed SVG document: every element with its attributes, text and the classes of its ancestors.
final class SVGTree: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
        var text: String
        /// Space-separated class lists of the enclosing elements, outermost first.
        let ancestorClasses: [String]

        var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
        func has(_ cls: String) -> Bool { classes.contains(cls) }
        func inside(_ cls: String) -> Bool {
            ancestorClasses.contains { $0.split(separator: " ").map(String.init).contains(cls) }
        }
        func number(_ name: String) -> Double? { attributes[name].flatMap(Double.init) }
    }

    private(set) var elements: [Element] = []
    private var stack: [Int] = []
    private(set) var errorMessage: String?

    static func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> SVGTree {
        let tree = SVGTree()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = tree
        let ok = parser.parse()
        if !ok {
            XCTFail("SVG is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? tree.errorMessage ?? "?")",
                    file: file, line: line)
        }
        return tree
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let ancestors = stack.map { elements[$0].attributes["class"] ?? "" }
        elements.append(Element(name: elementName, attributes: attributeDict, text: "", ancestorClasses: ancestors))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let top = stack.last { elements[top].text += string }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        errorMessage = "\(parseError)"
    }

    func all(_ cls: String) -> [Element] { elements.filter { $0.has(cls) } }
    func all(name: String) -> [Element] { elements.filter { $0.name == name } }
}

/// Numbers in an SVG path string, and its command letters.
func pathCommands(_ d: String) -> [Character] { d.filter { $0.isLetter } .map { $0 } }

func pathNumbers(_ d: String) -> [Double] {
    var out: [Double] = []
    var current = ""
    for ch in d {
        if ch.isNumber || ch == "." || (ch == "-" && current.isEmpty) {
            current.append(ch)
        } else {
            if let v = Double(current) { out.append(v) }
            current = ch == "-" ? "-" : ""
        }
    }
    if let v = Double(current) { out.append(v) }
    return out
}

/// Directory of this file (tests locate fixtures through #filePath).
func testDirectory(_ path: String = #filePath) -> URL {
    URL(fileURLWithPath: path).deletingLastPathComponent()
}

/// A scratch directory unique to the test process.
func scratchDirectory(_ name: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("survsh-plot-tests-\(ProcessInfo.processInfo.processIdentifier)")
        .appendingPathComponent(name)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// The x where an M/H/V path ends.
func pathEndX(_ d: String) -> Double? {
    let numbers = pathNumbers(d)
    var x: Double?
    var k = 0
    for command in pathCommands(d) {
        switch command {
        case "M", "L":
            x = numbers[k]
            k += 2
        case "H":
            x = numbers[k]
            k += 1
        case "V":
            k += 1
        default:
            break
        }
    }
    return x
}
