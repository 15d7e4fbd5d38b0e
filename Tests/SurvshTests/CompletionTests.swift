// CompletionTests.swift — what Tab offers, from the declarations and the loaded data.

import SurvshCore
import XCTest

final class CompletionTests: XCTestCase {
    func testCommandsOptionsValuesColumnsLevelsAndPaths() {
        let sh = TestShell()
        func cands(_ line: String) -> [String] { Completer.complete(line, session: sh.session).candidates }
        XCTAssertEqual(cands("loa"), ["load"])
        XCTAssertEqual(cands("lo"), ["load", "logrank"])
        XCTAssertTrue(cands("").contains("help"))
        XCTAssertEqual(cands("set "), ["format=", "digits=", "seed=", "collation=", "timeunit=", "convention=", "labels=", "plugin_path=",
                                       "plugin_timeout=", "timing=", "threads=", "lazy="])
        XCTAssertEqual(cands("set convention="), ["convention=r", "convention=sas", "convention=stata"])
        XCTAssertEqual(cands("set format="), ["format=text", "format=json"])
        XCTAssertEqual(cands("set collation="), ["collation=r", "collation=c"])
        XCTAssertEqual(cands("load data/lu"), ["data/lung.csv"])
        XCTAssertTrue(cands("load da").contains("data/"))
        XCTAssertEqual(cands("load data/lung.csv s"), ["sep=", "sheet="])
        XCTAssertEqual(cands("load data/lung.csv se"), ["sep="])
        XCTAssertEqual(cands("load data/lung.csv sep=t"), ["sep=tab"])
        sh.run("load data/lung.csv")
        XCTAssertEqual(cands("filter ph."), ["ph.ecog", "ph.karno"])
        XCTAssertEqual(cands("tabulate se"), ["sex"])
        sh.run("load data/veteran.csv")
        XCTAssertEqual(cands("filter celltype == \"sm"), ["\"smallcell\""])
        XCTAssertEqual(cands("filter celltype == \""), ["\"adeno\"", "\"large\"", "\"smallcell\"", "\"squamous\""])
        XCTAssertEqual(Completer.complete("tabulate kar", session: sh.session).commonPrefix, "karno")
    }
}
