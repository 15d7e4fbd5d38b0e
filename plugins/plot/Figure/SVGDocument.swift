// SVGDocument.swift — a tiny deterministic SVG writer.
//
// Contract: elements are appended in drawing order; attributes keep the order they are given in;
// coordinates are written with at most two decimals (no exponent, no locale, no "-0"); text and
// attribute values are XML-escaped and characters XML 1.0 forbids are replaced by U+FFFD. No ids are
// generated, no timestamps are written: the same calls produce the same bytes.

import Foundation
import SurvshCore

/// The font every figure uses; rsvg-convert resolves it through fontconfig (Nimbus Sans,
/// Liberation Sans or Arial on most systems).
let figureFontFamily = "Helvetica, Arial, sans-serif"

/// A coordinate or length as SVG text: at most 2 decimals, trailing zeros dropped.
public func svgNumber(_ v: Double) -> String {
    guard v.isFinite else { return "0" }
    let scaled = (abs(v) * 100).rounded()
    if scaled == 0 { return "0" }
    if scaled >= 9e15 { return v > 0 ? "9e13" : "-9e13" }
    let n = UInt64(scaled)
    let intPart = n / 100
    let frac = n % 100
    var text = String(intPart)
    if frac != 0 {
        text += frac % 10 == 0 ? "." + String(frac / 10) : (frac < 10 ? ".0" : ".") + String(frac)
    }
    return v < 0 ? "-" + text : text
}

/// An element attribute; `SVGDocument` writes them in the order given.
struct SVGAttr {
    let name: String
    let value: String
    init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
    init(_ name: String, _ value: Double) {
        self.name = name
        self.value = svgNumber(value)
    }
}

/// Appends SVG elements and renders the document.
struct SVGDocument {
    let width: Double
    let height: Double
    private var lines: [String] = []
    private var depth = 1

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    private static func attributes(_ attrs: [SVGAttr]) -> String {
        attrs.map { " \($0.name)=\"\(xmlEscape($0.value))\"" }.joined()
    }

    private mutating func emit(_ line: String) {
        lines.append(String(repeating: "  ", count: depth) + line)
    }

    /// `<tag attrs/>`
    mutating func element(_ tag: String, _ attrs: [SVGAttr]) {
        emit("<\(tag)\(SVGDocument.attributes(attrs))/>")
    }

    /// `<tag attrs>text</tag>`
    mutating func element(_ tag: String, _ attrs: [SVGAttr], text: String) {
        emit("<\(tag)\(SVGDocument.attributes(attrs))>\(xmlEscape(text))</\(tag)>")
    }

    mutating func open(_ tag: String, _ attrs: [SVGAttr] = []) {
        emit("<\(tag)\(SVGDocument.attributes(attrs))>")
        depth += 1
    }

    mutating func close(_ tag: String) {
        depth = max(1, depth - 1)
        emit("</\(tag)>")
    }

    /// A group `<g class=...>` around `body`.
    mutating func group(_ attrs: [SVGAttr], _ body: (inout SVGDocument) -> Void) {
        open("g", attrs)
        body(&self)
        close("g")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil, extra: [SVGAttr] = []) {
        var attrs = extra + [SVGAttr("x1", x1), SVGAttr("y1", y1), SVGAttr("x2", x2), SVGAttr("y2", y2),
                             SVGAttr("stroke", stroke), SVGAttr("stroke-width", width)]
        if let dash { attrs.append(SVGAttr("stroke-dasharray", dash)) }
        element("line", attrs)
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                       extra: [SVGAttr] = []) {
        element("rect", extra + [SVGAttr("x", x), SVGAttr("y", y), SVGAttr("width", max(0, width)),
                                 SVGAttr("height", max(0, height)), SVGAttr("fill", fill)])
    }

    /// A text element. `anchor`: start, middle or end; `rotate`: degrees about (x, y).
    mutating func text(_ string: String, x: Double, y: Double, size: Double, anchor: String = "start",
                       weight: String? = nil, style: String? = nil, fill: String = Palette.ink,
                       rotate: Double? = nil, extra: [SVGAttr] = []) {
        var attrs = extra + [SVGAttr("x", x), SVGAttr("y", y), SVGAttr("font-size", size)]
        if anchor != "start" { attrs.append(SVGAttr("text-anchor", anchor)) }
        if let weight { attrs.append(SVGAttr("font-weight", weight)) }
        if let style { attrs.append(SVGAttr("font-style", style)) }
        attrs.append(SVGAttr("fill", fill))
        if let rotate {
            attrs.append(SVGAttr("transform", "rotate(\(svgNumber(rotate)) \(svgNumber(x)) \(svgNumber(y)))"))
        }
        element("text", attrs, text: string)
    }

    /// The complete document, ending in a newline.
    func render() -> String {
        let w = svgNumber(width)
        let h = svgNumber(height)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\""
        out += " viewBox=\"0 0 \(w) \(h)\" font-family=\"\(figureFontFamily)\">\n"
        out += "  <rect class=\"background\" x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#FFFFFF\"/>\n"
        for line in lines { out += line + "\n" }
        out += "</svg>\n"
        return out
    }
}

/// Builds path data ("M10 20H30V40") with formatted numbers.
struct PathBuilder {
    private(set) var data = ""
    mutating func move(_ x: Double, _ y: Double) { data += "M\(svgNumber(x)) \(svgNumber(y))" }
    mutating func lineTo(_ x: Double, _ y: Double) { data += "L\(svgNumber(x)) \(svgNumber(y))" }
    mutating func horizontal(_ x: Double) { data += "H\(svgNumber(x))" }
    mutating func vertical(_ y: Double) { data += "V\(svgNumber(y))" }
    mutating func relative(_ command: String, _ v: Double) { data += command + svgNumber(v) }
    mutating func closePath() { data += "Z" }
    var isEmpty: Bool { data.isEmpty }
}

/// Approximate text widths in Helvetica (Adobe AFM advance widths, 1/1000 em) for layout.
enum TextMetrics {
    private static let ascii: [Int] = [
        // 32 ' ' … 126 '~'
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    ]

    /// Width in user units of `s` at font size `size` (bold ≈ 6% wider).
    static func width(_ s: String, size: Double, bold: Bool = false) -> Double {
        var units = 0
        for scalar in s.unicodeScalars {
            let v = Int(scalar.value)
            if v >= 32 && v <= 126 {
                units += ascii[v - 32]
            } else if v == 0x2013 || v == 0x2212 {
                units += 556
            } else {
                units += 600
            }
        }
        return Double(units) * size / 1000 * (bold ? 1.06 : 1)
    }
}

extension SVGDocument {
    /// `svg` displayed `scale` times larger: the root element's width and height are multiplied and
    /// its viewBox kept, so text, lines and spacing all grow together (fontsize=, theme=slide).
    static func displayScaled(_ svg: String, by scale: Double) -> String {
        guard scale != 1, let root = svg.range(of: "<svg "),
              let rootEnd = svg[root.upperBound...].firstIndex(of: ">") else { return svg }
        var head = String(svg[root.lowerBound..<rootEnd])
        for name in ["width", "height"] {
            guard let a = head.range(of: " \(name)=\""), let close = head[a.upperBound...].firstIndex(of: "\""),
                  let v = Double(head[a.upperBound..<close]) else { continue }
            head.replaceSubrange(a.upperBound..<close, with: svgNumber(v * scale))
        }
        return String(svg[..<root.lowerBound]) + head + String(svg[rootEnd...])
    }
}

