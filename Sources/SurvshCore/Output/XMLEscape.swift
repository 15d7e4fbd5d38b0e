// XMLEscape.swift — text made safe for XML documents (SVG figures, Excel workbooks).

/// Escapes text for XML content and attribute values (&, <, >, both quotes) and replaces
/// characters not allowed in XML 1.0 (control characters other than tab, newline, return) by U+FFFD.
/// Tab, newline and return become spaces (SVG attributes and text), unless `keepingLineBreaks`
/// (spreadsheet cells).
public func xmlEscape(_ s: String, keepingLineBreaks: Bool = false) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        case "\t", "\n", "\r": if keepingLineBreaks { out.unicodeScalars.append(scalar) } else { out += " " }
        default:
            let v = scalar.value
            if v < 0x20 || (v >= 0xFFFE && v <= 0xFFFF) || (v >= 0xD800 && v <= 0xDFFF) {
                out += "\u{FFFD}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}
