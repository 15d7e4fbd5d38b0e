// XLSXParts.swift — the small XML parts of an .xlsx workbook, parsed with Foundation's XMLParser
// (FoundationXML on Linux): the workbook (sheet names, date system), relationships (which part holds
// which sheet), shared strings (plain and rich-text runs) and styles (which cell formats are dates).
// (The worksheet, the one large part, goes through XMLChunkScanner instead: XLSXSheet.swift.)
//
// Contract: each part is a value built by one `XMLParser` pass (`XLSXXMLPass`); element and attribute
// names are compared without their namespace prefix (`x:c` is `c`, `r:id` is `id`), since writers
// differ in prefixes. A part that is not UTF-8 text, or not well-formed XML, throws a `DataReadError` naming the part,
// the line and what XMLParser said.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One XMLParser pass over a part; subclasses override `start`, `end` and `text`.
class XLSXXMLPass: NSObject, XMLParserDelegate {
    /// Set by a subclass that stops the parse on purpose (`parser.abortParsing()`), so that the
    /// error XMLParser then reports is not taken for damage.
    var stoppedOnPurpose = false

    /// Runs the pass over `data` (part `part` of `file`). Through an InputStream, which XMLParser
    /// reads in 4 KB chunks: given the Data itself, it hands libxml2 all of it in one chunk, and
    /// libxml2 refuses a chunk over 10 MB ("Huge input lookup").
    /// Bytes that are not UTF-8 (or a NUL) are refused first: XMLParser traps on a name that is not
    /// UTF-8 (FoundationXML's start-element callback force-unwraps its decoding; found by fuzzing).
    func run(_ data: Data, part: String, file: String) throws(DataReadError) {
        let check = data.withUnsafeBytes { (b: UnsafeRawBufferPointer) -> ByteScan.TextCheck in
            guard let base = b.baseAddress else { return .text }
            return ByteScan.checkText(base.assumingMemoryBound(to: UInt8.self), b.count, truncated: false)
        }
        switch check {
        case .text: break
        case .nulByte(let offset), .invalidUTF8(let offset):
            throw DataReadError(file: file, message: "xlsx: the part \(part) is not UTF-8 XML (a byte that is not UTF-8 text at byte \(offset))")
        }
        let parser = XMLParser(stream: InputStream(data: data))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = self
        if parser.parse() || stoppedOnPurpose { return }
        let said = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "unknown error"
        throw DataReadError(file: file, message: "xlsx: the part \(part) is not well-formed XML (line \(parser.lineNumber): XMLParser says: \(said))")
    }

    func start(_ name: Substring, _ attributes: [String: String], parser: XMLParser) {}
    func end(_ name: Substring, parser: XMLParser) {}
    func text(_ string: String) {}

    /// `x:c` -> `c`.
    static func local(_ name: String) -> Substring {
        guard let colon = name.lastIndex(of: ":") else { return Substring(name) }
        return name[name.index(after: colon)...]
    }

    /// The attribute whose name without prefix is `name` (`id` finds `r:id`).
    static func attribute(_ name: String, in attributes: [String: String]) -> String? {
        if let v = attributes[name] { return v }
        return attributes.first { local($0.key) == name }?.value
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                attributes attributeDict: [String: String] = [:]) {
        start(Self.local(elementName), attributeDict, parser: parser)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        end(Self.local(elementName), parser: parser)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text(string) }
}

/// xl/workbook.xml: the sheets in tab order and the date system.
final class XLSXWorkbook: XLSXXMLPass {
    struct Sheet { var name: String; var relationship: String }
    private(set) var sheets: [Sheet] = []
    /// `<workbookPr date1904="1"/>`: serial 0 is 1904-01-01 (old Mac Excel) instead of 1899-12-31.
    private(set) var date1904 = false

    override func start(_ name: Substring, _ attributes: [String: String], parser: XMLParser) {
        switch name {
        case "workbookPr":
            let v = Self.attribute("date1904", in: attributes)?.lowercased()
            date1904 = v == "1" || v == "true"
        case "sheet":
            sheets.append(Sheet(name: Self.attribute("name", in: attributes) ?? "Sheet\(sheets.count + 1)",
                                relationship: Self.attribute("id", in: attributes) ?? ""))
        default: break
        }
    }
}

/// xl/_rels/workbook.xml.rels: relationship id -> (part path, type).
final class XLSXRelationships: XLSXXMLPass {
    struct Target { var part: String; var type: String }
    private(set) var targets: [String: Target] = [:]
    /// The folder that relative targets start from (`xl/`).
    let base: String

    init(base: String) { self.base = base }

    override func start(_ name: Substring, _ attributes: [String: String], parser: XMLParser) {
        guard name == "Relationship", let id = attributes["Id"], let target = attributes["Target"] else { return }
        let part = target.hasPrefix("/") ? String(target.dropFirst()) : base + target
        targets[id] = Target(part: part, type: attributes["Type"] ?? "")
    }

    /// The part of the first relationship whose type ends with `/suffix` (`sharedStrings`, `styles`).
    func part(ofType suffix: String) -> String? {
        targets.values.sorted { $0.part < $1.part }.first { $0.type.hasSuffix("/" + suffix) }?.part
    }
}

/// xl/sharedStrings.xml: the text of each `<si>` item, rich-text runs (`<r><t>`) joined, phonetic
/// guides (`<rPh>`) left out.
final class XLSXSharedStrings: XLSXXMLPass {
    private(set) var strings: [String] = []
    private var current = ""
    private var inItem = false, inText = false, inPhonetic = false

    override func start(_ name: Substring, _ attributes: [String: String], parser: XMLParser) {
        switch name {
        case "sst":
            if let count = attributes["uniqueCount"].flatMap(Int.init) { strings.reserveCapacity(min(count, 1 << 24)) }
        case "si": inItem = true; current = ""
        case "t": inText = inItem && !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    override func end(_ name: Substring, parser: XMLParser) {
        switch name {
        case "si": strings.append(current); inItem = false
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }

    override func text(_ string: String) { if inText { current += string } }
}

/// xl/styles.xml: for each cell format (`<cellXfs><xf numFmtId=...>`, indexed by a cell's `s`), what
/// its number format makes of a number.
final class XLSXStyles: XLSXXMLPass {
    private var customFormats: [Int: String] = [:]
    private var formatIds: [Int] = []
    private var inCellXfs = false

    override func start(_ name: Substring, _ attributes: [String: String], parser: XMLParser) {
        switch name {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { customFormats[id] = code }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: formatIds.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
        default: break
        }
    }

    override func end(_ name: Substring, parser: XMLParser) {
        if name == "cellXfs" { inCellXfs = false }
    }

    /// The kind of number each style index shows.
    var kinds: [XLSXNumberFormat.Kind] {
        formatIds.map { id in customFormats[id].map(XLSXNumberFormat.kind(ofCode:)) ?? XLSXNumberFormat.kind(ofBuiltIn: id) }
    }
}

/// What a number format makes of a number: a plain number, a date, a date with a time, a time of day
/// (a clock: `h:mm`, `h:mm AM/PM`, which hides the serial's whole days) or an elapsed time (`[h]:mm:ss`,
/// which shows them as hours).
enum XLSXNumberFormat {
    enum Kind: UInt8 { case number, date, datetime, time, elapsed }

    /// Excel's built-in formats (ECMA-376 part 1, 18.8.30): 14-17 dates, 18-21 times, 22 date-time,
    /// 45 and 47 times (mm:ss, mmss.0), 46 elapsed ([h]:mm:ss); 27-36 and 50-58 are East Asian date formats.
    static func kind(ofBuiltIn id: Int) -> Kind {
        switch id {
        case 14...17, 27...31, 34...36, 50...58: return .date
        case 22: return .datetime
        case 18...21, 32, 33, 45, 47: return .time
        case 46: return .elapsed
        default: return .number
        }
    }

    /// A custom format code: quoted text, `\x` escapes, `_x` spacing and `*x` fill are skipped, and
    /// brackets too except the elapsed-time ones ([h], [mm], [ss]); `General` and exponents (`E+`)
    /// are numbers. Of the first section (the one for positive numbers), y, d and (without h or s) m
    /// mean a date; h, s and AM/PM (A/P) a time.
    static func kind(ofCode code: String) -> Kind {
        var date = false, time = false, month = false, elapsed = false
        let c = Array(code.lowercased().replacingOccurrences(of: "general", with: "").unicodeScalars)
        var i = 0
        func rest(_ s: String) -> Bool { String(String.UnicodeScalarView(c[i..<min(c.count, i + s.unicodeScalars.count)])) == s }
        while i < c.count {
            switch c[i] {
            case ";": return classify(date: date, time: time, month: month, elapsed: elapsed)
            case "\"":
                i += 1
                while i < c.count && c[i] != "\"" { i += 1 }
            case "\\", "_", "*": i += 1
            case "[":
                var inside = ""
                i += 1
                while i < c.count && c[i] != "]" { inside.unicodeScalars.append(c[i]); i += 1 }
                if let first = inside.first, "hms".contains(first), inside.allSatisfy({ $0 == first }) { (time, elapsed) = (true, true) }
            case "e": if i + 1 < c.count, c[i + 1] == "+" || c[i + 1] == "-" { i += 1 } // 0.00E+00
            case "y", "d": date = true
            case "m": month = true
            case "h", "s": time = true
            case "a": if rest("am/pm") || rest("a/p") { time = true }
            default: break
            }
            i += 1
        }
        return classify(date: date, time: time, month: month, elapsed: elapsed)
    }

    private static func classify(date: Bool, time: Bool, month: Bool, elapsed: Bool) -> Kind {
        let isDate = date || (month && !time)
        switch (isDate, time) {
        case (true, false): return .date
        case (true, true): return .datetime
        case (false, true): return elapsed ? .elapsed : .time
        default: return .number
        }
    }
}
