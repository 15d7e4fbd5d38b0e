// FileSignature.swift — what a data file is, from its first bytes (magic numbers), whatever its name.
//
// Contract: `FileSignature.of(head)` looks at up to the first `FileSignature.headLength` bytes and
// names the format they start: gzip (1F 8B), zip (`PK\3\4`, or `PK\5\6` for an empty archive),
// Stata .dta (`<stata_dta>` for formats 117-119; byte 113-115 then byte order 1/2 for older ones),
// SPSS .sav (`$FL2`) and .zsav (`$FL3`), SAS7BDAT (its 32-byte magic number), SAS transport .xpt
// (`HEADER RECORD*******LIBRARY HEADER RECORD` or `LIBV8 HEADER RECORD`), old Excel/OLE (D0 CF 11 E0);
// `.unknown` for anything else (text, SPSS portable, which has no fixed signature). `head(path:)`
// reads those bytes (empty when the file cannot be opened: the reader reports that).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public enum FileSignature: Equatable, Sendable {
    case gzip, zip, stata, spss, spssCompressed, sas7bdat, sasTransport, oleDocument, unknown

    public static let headLength = 64

    public static func of(_ head: [UInt8]) -> FileSignature {
        func starts(_ prefix: [UInt8]) -> Bool { head.count >= prefix.count && Array(head.prefix(prefix.count)) == prefix }
        func starts(_ text: String) -> Bool { starts(Array(text.utf8)) }
        if starts([0x1F, 0x8B]) { return .gzip }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts("<stata_dta>") { return .stata }
        if head.count >= 4, (113...115).contains(head[0]), head[1] == 1 || head[1] == 2, head[2] == 1, head[3] == 0 { return .stata }
        if starts("$FL2") { return .spss }
        if starts("$FL3") { return .spssCompressed }
        if starts(sas7bdatMagic) { return .sas7bdat }
        if starts("HEADER RECORD*******LIBRARY HEADER RECORD") || starts("HEADER RECORD*******LIBV8 HEADER RECORD") { return .sasTransport }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .oleDocument }
        return .unknown
    }

    static let sas7bdatMagic: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xC2, 0xEA, 0x81, 0x60,
                                         0xB3, 0x14, 0x11, 0xCF, 0xBD, 0x92, 0x08, 0x00, 0x09, 0xC7, 0x31, 0x8C, 0x18, 0x1F, 0x10, 0x11]

    /// The first `headLength` bytes of the file at `path` (fewer for a short file, none when unreadable).
    public static func head(path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return [] }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 || st.st_mode & S_IFMT != S_IFREG { return [] } // pipes: not consumed here
        var bytes = [UInt8](repeating: 0, count: headLength)
        let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, headLength) }
        return Array(bytes.prefix(max(got, 0)))
    }
}
