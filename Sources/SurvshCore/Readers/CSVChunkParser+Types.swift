// CSVChunkParser+Types.swift — the lazy load's type scan over plain records: each field's end and
// shape from the classes of its first 16 bytes, nothing converted and nothing stored but a stand-in.
//
// Contract:
// - `scanPlainRecords` runs only in a type scan (`CSVSettings.typesOnly`) whose NA tokens look like
//   no number (`plainTypeScan`), of a file without quote characters or (`plainQuotes`) of chunks
//   the driver checks for newlines inside quotes. From a record start it takes whole records while
//   every field is plain: a number column's field empty or of a certain `NumberShape` that the
//   column's kind holds (an integer column takes only integers), a text or skipped column's field
//   anything up to its stop or, with `plainQuotes`, a quote, bytes without a quote or LF, and a quote
//   (the tokenizer's quoted field without a doubled quote; one starting with a blank is left to the
//   general loop, which may find it quoted), and each field ended as the record demands (the
//   delimiter before the last column, LF or CRLF after it). Each number cell's slot gets 0 (finite:
//   the scan counts no NaN or Inf for it), and the kinds never change here. A quote inside an
//   unquoted field is data, as the tokenizer reads it.
// - It returns at the first record it cannot take whole, with `p`, `row` and `line` at that record:
//   the general loop then parses it (type changes, NA tokens, blanks, errors, long numbers, the
//   buffer's last 16 bytes), so the scan's findings and errors are exactly those of the general loop.
// Why: a field's end, its shape and its column's kind checked together cost a few vector compares
//   and a dozen integer operations, where the general loop dispatches on the kind, trims blanks and
//   tests terminators byte by byte (2026-12-07, the 10^7-row benchmark file: see `readLazily`).
//   Classes computed 64 bytes at a time and shifted to each field's start, which takes the load off
//   the chain from one field to the next, were slower: load of that file 2.27 against 1.65 s of user
//   CPU (5 interleaved runs; four 16-byte steps and five 128-bit shifts per number field cost more).

import CSurvshByteClasses

extension CSVChunkParser {
    @inline(__always)
    func scanPlainRecords(_ p: inout UnsafePointer<UInt8>, _ row: inout Int, _ line: inout Int) {
        let delim = settings.delimiter
        let last = settings.columnCount - 1
        let limit = settings.bufferEnd - 16
        let end = chunk.end
        let capacity = chunk.rowCapacity
        let columns = self.columns
        let quotes = settings.plainQuotes
        let blanks = settings.blanks
        while p < end && row < capacity {
            // (an empty line is no record: the general loop skips it)
            if settings.cancel.stops(at: row) || p.pointee == asciiLF || p.pointee == asciiCR { return }
            var f = p
            var c = 0
            while true {
                if f > limit { return }
                let k = survsh_byte_classes16(f, delim)
                let stop = UInt32(k.stop)
                let col = columns + c
                var e = f + stop.trailingZeroBitCount
                switch col.pointee.kind {
                case .text, .skip:
                    if quotes && f.pointee == asciiQuote {
                        // simply quoted: the next quote ends it (the terminator test below refuses a
                        // doubled quote or data after it); a newline first goes to the general loop
                        var q = f + 1
                        while q.pointee != asciiQuote && q.pointee != asciiLF { q += 1 }
                        if q.pointee != asciiQuote { return }
                        e = q + 1
                    } else if quotes && blanks.contains(f.pointee) {
                        return
                    } else if stop == 0 {
                        e = ByteWords.firstStop(from: f + 16, before: settings.bufferEnd, delimiter: delim)
                    }
                case .real, .integer:
                    if e != f && NumberShape.shape(of: k).length(in: col.pointee.kind) == nil { return }
                    col.pointee.slots[row] = 0
                default:
                    return
                }
                // (a number's shape is unsure when its field has no stop within 16 bytes)
                let x = e.pointee
                if c < last {
                    if x != delim { return }
                    f = e + 1
                    c += 1
                    continue
                }
                if x == asciiLF {
                    f = e + 1
                } else if x == asciiCR && e[1] == asciiLF {
                    f = e + 2
                } else {
                    return
                }
                break
            }
            p = f
            row += 1
            line += 1
        }
    }
}
