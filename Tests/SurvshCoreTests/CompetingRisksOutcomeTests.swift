// CompetingRisksOutcome: the status coding rules (numeric codes, TRUE/FALSE, text with the first level
// or censor=LEVEL as censoring), complete cases under a filter, and the one-line errors. The expected
// codes are written out by hand from the small frames below.
import XCTest
@testable import SurvshCore

final class CompetingRisksOutcomeTests: XCTestCase {
    /// A session over a CSV text.
    func session(_ csv: String) throws -> Session {
        let t = try CSVReader.read(bytes: Array(csv.utf8))
        let s = Session(registry: Registry([]), sink: CapturingSink())
        s.replaceData(DataFrame(columns: t.columns), file: nil)
        return s
    }

    func load(_ s: Session, _ formula: String, censor: String? = nil) throws -> CompetingRisksOutcome {
        let f = try Formula.parse(formula, command: "cuminc")
        let response = try CompetingRisksOutcome.resolve(f, session: s, command: "cuminc")
        return try CompetingRisksOutcome.load(response, covariates: f.covariateColumns, censor: censor, session: s, command: "cuminc")
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body() } catch let e as SurvshError { return e.description } catch { return "\(error)" }
        return "no error"
    }

    func testNumericCodesWithMissingRowsAndGaps() throws {
        let s = try session("t,st,g\n1,0,a\n2,1,a\n3,3,b\n4,NA,b\n5,1,NA\n6,3,a\n7,0,b\n")
        let o = try load(s, "Surv(t, st) ~ g")
        XCTAssertEqual(o.rows, [0, 1, 2, 5, 6])
        XCTAssertEqual(o.time, [1, 2, 3, 6, 7])
        XCTAssertEqual(o.cause, [0, 1, 2, 2, 0])
        XCTAssertEqual(o.causeLabels, ["1", "3"])
        XCTAssertEqual(o.censorLabel, "0")
        XCTAssertEqual(o.eventCounts, [1, 2])
        XCTAssertEqual(o.dropped, 2)
        XCTAssertEqual(o.coding, "st 0 = censored; causes 1, 3")
        XCTAssertEqual(try o.causeIndex("3", command: "crr"), 2)
        XCTAssertEqual(try o.causeIndex("3.0", command: "crr"), 2)
        XCTAssertEqual(message { _ = try o.causeIndex("2", command: "crr") },
                       "error: crr: cause=2 is not a cause of st (expected one of 1 or 3)")
    }

    func testFilterAndCensorCode() throws {
        let s = try session("t,st\n1,9\n2,1\n3,2\n4,9\n")
        s.pushFilter(RowFilter(expression: "t > 1", keep: [false, true, true, true]))
        let o = try load(s, "Surv(t, st)", censor: "9")
        XCTAssertEqual(o.rows, [1, 2, 3])
        XCTAssertEqual(o.cause, [1, 2, 0])
        XCTAssertEqual(o.causeLabels, ["1", "2"])
        XCTAssertEqual(o.censorLabel, "9")
        XCTAssertEqual(o.dropped, 0)
        XCTAssertTrue(o.warnings.isEmpty)
    }

    func testOneTwoWithoutZeroWarns() throws {
        let o = try load(try session("t,st\n1,1\n2,2\n3,1\n"), "Surv(t, st)")
        XCTAssertEqual(o.cause, [1, 2, 1])
        XCTAssertEqual(o.warnings.count, 1)
        XCTAssertTrue(o.warnings[0].contains("censor=1"))
    }

    func testLogicalStatusIsOneCause() throws {
        let o = try load(try session("t,st\n1,0\n2,2\n3,2\n"), "Surv(t, st == 2)")
        XCTAssertEqual(o.cause, [0, 1, 1])
        XCTAssertEqual(o.causeLabels, ["1"])
    }

    func testTextStatusFirstLevelOrCensorOption() throws {
        let csv = "t,ev\n1,pcm\n2,censor\n3,death\n4,pcm\n"
        let o = try load(try session(csv), "Surv(t, ev)")
        XCTAssertEqual(o.censorLabel, "censor")           // sorted first level
        XCTAssertEqual(o.causeLabels, ["death", "pcm"])
        XCTAssertEqual(o.cause, [2, 0, 1, 2])
        XCTAssertTrue(o.coding.contains("the first level"))
        XCTAssertEqual(try o.causeIndex("pcm", command: "crr"), 2)

        let p = try load(try session(csv), "Surv(t, ev)", censor: "pcm")
        XCTAssertEqual(p.causeLabels, ["censor", "death"])
        XCTAssertEqual(p.cause, [0, 1, 2, 0])

        XCTAssertEqual(message { _ = try self.load(try self.session(csv), "Surv(t, ev)", censor: "alive") },
                       "error: cuminc: censor=alive is not a level of ev (expected one of censor, death or pcm)")
    }

    func testDeclaredOutcome() throws {
        let s = try session("t,st\n1,0\n2,1\n3,2\n")
        s.outcome = OutcomeDeclaration(time: "t", event: "st")
        let o = try load(s, "")
        XCTAssertEqual(o.cause, [0, 1, 2])
    }

    func testErrors() throws {
        XCTAssertEqual(message { _ = try self.load(try self.session("t,st\n1,0\n2,1.5\n"), "Surv(t, st)") },
                       "error: cuminc: status st = 1.5 in row 2 is not an integer cause code (expected 0 = censored, 1, 2, ... = causes (whole numbers))")
        XCTAssertEqual(message { _ = try self.load(try self.session("t,st\n1,0\n2,-1\n"), "Surv(t, st)") },
                       "error: cuminc: status st = -1 in row 2 is a negative cause code (expected 0 = censored, 1, 2, ... = causes)")
        XCTAssertEqual(message { _ = try self.load(try self.session("t,st\n1,0\n2,0\n"), "Surv(t, st)") },
                       "error: cuminc: no events of any cause: every st is 0 (censored) (expected at least one row with a cause (STATUS other than the censoring value 0))")
        XCTAssertTrue(message { _ = try self.load(try self.session("a,t,st\n0,1,0\n1,2,1\n"), "Surv(a, t, st)") }
            .hasPrefix("error: cuminc: Surv(START, STOP, STATUS) is not supported by cuminc"))
        XCTAssertTrue(message { _ = try self.load(try self.session("t,st\n1,0\n"), "Surv(t, st)", censor: "x") }
            .hasPrefix("error: cuminc: censor=x is not a whole number"))
        XCTAssertTrue(message { _ = try self.load(try self.session("t,st\n1,0\n"), "") }.contains("no survival outcome"))
        for m in [message { _ = try self.load(try self.session("t,st\n1,0\n2,1.5\n"), "Surv(t, st)") }] {
            XCTAssertFalse(m.contains("\n"))
        }
    }
}
