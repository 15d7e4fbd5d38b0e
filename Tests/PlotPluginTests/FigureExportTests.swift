import Foundation
import XCTest
@testable import PlotPlugin
import SurvshCore

/// SVG/PNG/PDF files: headers, pixel size, errors. PNG/PDF tests need rsvg-convert (librsvg2-bin)
/// and are skipped, not passed, without it.
final class FigureExportTests: XCTestCase {
    var spec: KMFigureSpec {
        KMFigureSpec(series: [KMFigureTests.seriesA, KMFigureTests.seriesB], showCI: true,
                     riskTable: KMFigureTests.table, title: "Export", width: 640, height: 480)
    }

    /// Width and height from a PNG's IHDR chunk.
    func pngSize(_ data: Data) -> (Int, Int)? {
        let bytes = [UInt8](data)
        guard bytes.count > 24, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        return (be32(16), be32(20))
    }

    func testSVGFileIsTheRenderedText() throws {
        let dir = try scratchDirectory("svg")
        let path = dir.appendingPathComponent("km.SVG").path
        let svg = SVGRenderer.km(spec)
        try FigureExport.write(svg: svg, to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), svg)
    }

    func testPNGHeaderAndPixelSize() throws {
        try XCTSkipIf(FigureExport.findConverter() == nil, "rsvg-convert not installed")
        let dir = try scratchDirectory("png")
        let path = dir.appendingPathComponent("km.png").path
        try FigureExport.write(svg: SVGRenderer.km(spec), to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let size = try XCTUnwrap(pngSize(data))
        XCTAssertEqual(size.0, 640)
        XCTAssertEqual(size.1, 480)
        let zoomed = dir.appendingPathComponent("km2.png").path
        try FigureExport.write(svg: SVGRenderer.km(spec), to: zoomed, scale: 2)
        let size2 = try XCTUnwrap(pngSize(try Data(contentsOf: URL(fileURLWithPath: zoomed))))
        XCTAssertEqual(size2.0, 1280)
        XCTAssertEqual(size2.1, 960)
    }

    func testPDFHeaderAndPageSize() throws {
        try XCTSkipIf(FigureExport.findConverter() == nil, "rsvg-convert not installed")
        let dir = try scratchDirectory("pdf")
        let path = dir.appendingPathComponent("forest.pdf").path
        try FigureExport.write(svg: SVGRenderer.forest(ForestSpec(rows: OtherFigureTests.forestRows, width: 640, height: 320)), to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(String(decoding: data.prefix(5), as: UTF8.self), "%PDF-")
        // 640 × 320 px at 96 dpi = 480 × 240 pt.
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("/MediaBox [ 0 0 480 240 ]") || text.contains("/MediaBox [0 0 480 240]"),
                      "page size 480 × 240 pt expected")
    }

    func testMissingConverterGivesInstallHintAndSVGStillWorks() throws {
        let dir = try scratchDirectory("missing")
        let empty = dir.appendingPathComponent("empty-bin")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let svg = SVGRenderer.km(spec)
        XCTAssertThrowsError(try FigureExport.write(svg: svg, to: dir.appendingPathComponent("x.png").path,
                                                    searchPath: empty.path)) { error in
            XCTAssertEqual(error as? FigureExportError, .converterNotFound)
            XCTAssertEqual("\(error)", "rsvg-convert not found: install it with 'apt-get install librsvg2-bin' (SVG output still works)")
        }
        XCTAssertThrowsError(try FigureExport.write(svg: svg, to: dir.appendingPathComponent("x.pdf").path, searchPath: ""))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.png").path))
        let svgPath = dir.appendingPathComponent("x.svg").path
        XCTAssertNoThrow(try FigureExport.write(svg: svg, to: svgPath, searchPath: empty.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: svgPath))
    }

    func testUnsupportedExtensionAndUnwritablePath() throws {
        let dir = try scratchDirectory("errors")
        let svg = SVGRenderer.km(spec)
        XCTAssertThrowsError(try FigureExport.write(svg: svg, to: dir.appendingPathComponent("fig.jpg").path)) { error in
            XCTAssertEqual(error as? FigureExportError, .unsupportedExtension("jpg"))
            XCTAssertEqual("\(error)", "unsupported file extension '.jpg' (expected .svg, .png or .pdf)")
        }
        XCTAssertThrowsError(try FigureExport.write(svg: svg, to: dir.appendingPathComponent("fig").path)) { error in
            XCTAssertEqual("\(error)", "no extension (expected .svg, .png or .pdf)")
        }
        let missingDir = dir.appendingPathComponent("no/such/dir/fig.svg").path
        XCTAssertThrowsError(try FigureExport.write(svg: svg, to: missingDir)) { error in
            guard case .cannotWrite(let path, let reason)? = error as? FigureExportError else {
                return XCTFail("cannotWrite expected, got \(error)")
            }
            XCTAssertEqual(path, missingDir)
            XCTAssertTrue(reason.contains("does not exist"), reason)
        }
        XCTAssertThrowsError(try FigureExport.write(svg: svg, to: dir.path + "/")) // a directory, no extension
        let asDirectory = dir.appendingPathComponent("taken.svg")
        try FileManager.default.createDirectory(at: asDirectory, withIntermediateDirectories: true)
        XCTAssertThrowsError(try FigureExport.write(svg: svg, to: asDirectory.path)) { error in
            XCTAssertEqual("\(error)", "cannot write '\(asDirectory.path)': it is a directory")
        }
        XCTAssertThrowsError(try FigureData.write(csv: "a\n", to: missingDir + ".csv"))
    }
}
