// XMLEventRecorder.swift — an XMLScanHandler that writes down what XMLChunkScanner reports, one line
// per event, for the xlsx fuzz target (which checks that the events do not depend on how the input
// is cut into pieces) and XMLChunkScannerTests.
//
// Contract: start tags become `<NAME a=[VALUE] ...>`, end tags `</NAME>`, text `text:TEXT` (the
// pieces of one text node joined). Text is wanted inside elements whose local name is `t` or `v`, as
// in a worksheet. The scan stops at the first start tag named `stopAt`.

import Foundation

final class XMLEventRecorder: XMLScanHandler {
    private(set) var events: [String] = []
    private var depthInText = 0
    let stopAt: String?

    init(stopAt: String? = nil) { self.stopAt = stopAt }

    var wantsText: Bool { depthInText > 0 }

    func start(_ name: XMLTagName, _ attributes: XMLAttributes) -> Bool {
        var line = "<" + name.string
        for (ns, ne, vs, ve) in attributes.spans {
            let n = String(decoding: UnsafeBufferPointer(start: attributes.base + ns, count: ne - ns), as: UTF8.self)
            let v = String(decoding: UnsafeBufferPointer(start: attributes.base + vs, count: ve - vs), as: UTF8.self)
            line += " \(n)=[\(v)]"
        }
        events.append(line + ">")
        if name.is("t") || name.is("v") { depthInText += 1 }
        return name.string != stopAt
    }

    func end(_ name: XMLTagName) {
        events.append("</" + name.string + ">")
        if name.is("t") || name.is("v") { depthInText -= 1 }
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        let s = String(decoding: bytes, as: UTF8.self)
        if let last = events.last, last.hasPrefix("text:") { events[events.count - 1] = last + s } else { events.append("text:" + s) }
    }

    /// The events of `xml` fed in pieces of `pieces` bytes (cycled; the whole at once when empty),
    /// or the error the scan ended with.
    static func scan(_ xml: [UInt8], pieces: [Int] = [], stopAt: String? = nil) -> Result<[String], XMLScanError> {
        let recorder = XMLEventRecorder(stopAt: stopAt)
        let scanner = XMLChunkScanner(handler: recorder, minimumRetry: 1)
        var at = 0, k = 0
        do throws(XMLScanError) {
            while at < xml.count {
                let size = pieces.isEmpty ? xml.count : max(1, pieces[k % pieces.count])
                let end = min(xml.count, at + size)
                try scanner.feed(Data(xml[at..<end]))
                at = end
                k += 1
            }
            try scanner.finish()
        } catch {
            return .failure(error)
        }
        return .success(recorder.events)
    }
}
