// ParsingTests.swift — line splitting, option parsing against a declaration, formulas.

import SurvshCore
import XCTest

final class ParsingTests: XCTestCase {
    let spec = CommandSpec(
        name: "km", summary: "test", synopsis: ["km"], body: .formula,
        options: [OptionSpec("conf", .choice(["log", "log-log", "plain"]), default: "log", help: ""),
                  OptionSpec("level", .number(0.0001...0.9999), default: "0.95", help: ""),
                  OptionSpec("times", .numbers, help: ""),
                  .flag("table", help: "")],
        topic: "analysis")

    func testSplitLineRemovesCommentsOutsideQuotes() {
        let s = LineSplitter.split("  filter sex == \"#1\"   # keep men ")
        XCTAssertEqual(s.command, "filter")
        XCTAssertEqual(s.rest, "filter sex == \"#1\"".dropFirst(7).description)
        XCTAssertEqual(LineSplitter.split("   ").command, "")
        XCTAssertEqual(LineSplitter.split("# only a comment").command, "")
    }

    func testWordsKeepParenthesesAndQuotesTogether() throws {
        XCTAssertEqual(try LineSplitter.words("Surv(time, status) ~ sex conf=log-log", command: "km"),
                       ["Surv(time, status)", "~", "sex", "conf=log-log"])
        XCTAssertEqual(try LineSplitter.words("title=\"A b\" x", command: "plot"), ["title=\"A b\"", "x"])
        XCTAssertThrowsError(try LineSplitter.words("Surv(time, status ~ sex", command: "km")) { e in
            XCTAssertEqual((e as? SurvshError)?.description, "error: km: unbalanced '(' (expected a matching ')')")
        }
        XCTAssertThrowsError(try LineSplitter.words("title=\"open", command: "plot")) { e in
            XCTAssertTrue((e as? SurvshError)?.description.contains("unterminated string") == true)
        }
        XCTAssertThrowsError(try LineSplitter.words("a)", command: "km"))
    }

    func testOptionsFlagsAndValidation() throws {
        let a = try Arguments(spec: spec, rest: "Surv(t, s) ~ g conf=log-log times=1,2.5 table")
        XCTAssertEqual(a.body, "Surv(t, s) ~ g")
        XCTAssertEqual(a.string("conf"), "log-log")
        XCTAssertEqual(a.doubles("times"), [1, 2.5])
        XCTAssertTrue(a.has("table"))
        XCTAssertEqual(a.double("level"), 0.95)   // default from the declaration
        func err(_ rest: String) -> String {
            do { _ = try Arguments(spec: spec, rest: rest); return "" } catch { return "\(error)" }
        }
        XCTAssertEqual(err("conf=loglog"), "error: km: unknown value 'loglog' for conf (expected log, log-log or plain); did you mean 'log-log'?")
        XCTAssertEqual(err("cnf=log"), "error: km: unknown option 'cnf' (expected conf, level, times or table); did you mean 'conf'?")
        XCTAssertEqual(err("level=1.5"), "error: km: value 1.5 for level is out of range (expected a number from 0.0001 to 0.9999)")
        XCTAssertEqual(err("level=abc"), "error: km: value 'abc' for level is not a number (expected level=NUMBER)")
        XCTAssertEqual(err("times=1,x"), "error: km: 'x' in times=1,x is not a number (expected times=N1,N2,...)")
        XCTAssertEqual(err("table=1"), "error: km: option 'table' takes no value (expected 'table' alone)")
        XCTAssertEqual(err("conf=log conf=plain"), "error: km: option 'conf' is given twice (conf=log and conf=plain) (expected each option once)")
        // `==` is never an option
        XCTAssertEqual(try Arguments(spec: spec, rest: "a==1").positional, ["a==1"])
    }

    func testFormulaTermsInROrder() throws {
        let f = try Formula.parse("Surv(time, status) ~ age:sex + factor(ph.ecog) + strata(inst) + sex + cluster(id)", command: "cox")
        XCTAssertEqual(f.surv, SurvSpec(time: "time", event: "status"))
        XCTAssertEqual(f.terms.map(\.label), ["factor(ph.ecog)", "sex", "age:sex"])
        XCTAssertEqual(f.strata, ["inst"])
        XCTAssertEqual(f.cluster, "id")
        let g = try Formula.parse("~ a*b", command: "cox")
        XCTAssertNil(g.surv)
        XCTAssertEqual(g.terms.map(\.label), ["a", "b", "a:b"])
        let h = try Formula.parse("Surv(start, stop, event)", command: "km")
        XCTAssertEqual(h.surv?.start, "start")
        XCTAssertFalse(h.hasRightSide)
        XCTAssertThrowsError(try Formula.parse("Surv(time) ~ x", command: "km"))
        XCTAssertThrowsError(try Formula.parse("time ~ x", command: "km"))
        XCTAssertThrowsError(try Formula.parse("~ x + ", command: "km"))
        XCTAssertEqual(try Formula.parse("~ log(x)", command: "km").derived.map(\.name), ["log(x)"])   // as R: an expression term
    }

    func testStatementsSplitOnSemicolonsOutsideQuotes() {
        XCTAssertEqual(ScriptRunner.statements("load a.csv; filter x == \";\" ;; head"), ["load a.csv", "filter x == \";\"", "head"])
    }

    /// The expression tokenizer reads `\"` inside a string as a quote; the splitters agree, so an
    /// escaped quote neither ends the string nor lets a `;` or `#` after it escape the quotes.
    func testBackslashEscapedQuotesStayInsideStrings() throws {
        XCTAssertEqual(ScriptRunner.statements(##"filter x == "a\"b"; head"##), [##"filter x == "a\"b""##, "head"])
        XCTAssertEqual(ScriptRunner.statements(##"filter x == "a\"; b"; head"##), [##"filter x == "a\"; b""##, "head"])
        let s = LineSplitter.split(##"filter x == "a\"#b" # note"##)
        XCTAssertEqual(s.rest, ##"x == "a\"#b""##)
        XCTAssertEqual(try LineSplitter.words(##"x == "a\" b" y"##, command: "filter"), ["x", "==", ##""a\" b""##, "y"])
        XCTAssertThrowsError(try LineSplitter.words(##"x == "a\""##, command: "filter"))
        XCTAssertNoThrow(try ExpressionParser.parse(##"x == "a\"b""##, command: "filter"))
    }

    /// An error that is not a SurvshError names the command by its canonical name, not the alias typed.
    func testUnexpectedErrorsNameTheCanonicalCommand() {
        let sink = CapturingSink()
        let session = Session(registry: Registry([ThrowingCommand.self]), sink: sink)
        let r = session.execute("bang", source: .interactive)
        XCTAssertTrue(r.failed)
        XCTAssertEqual(sink.stderr.count, 1)
        XCTAssertTrue(sink.stderr[0].hasPrefix("error: boom: "), sink.stderr[0])
    }

    func testNumberFormatting() {
        XCTAssertEqual(NumberFormat.significant(0.723456, digits: 4), "0.7235")
        XCTAssertEqual(NumberFormat.significant(96.5, digits: 4), "96.5")
        XCTAssertEqual(NumberFormat.significant(1234567, digits: 4), "1234567")
        XCTAssertEqual(NumberFormat.significant(1.2e-7, digits: 3), "1.2e-07")
        XCTAssertEqual(NumberFormat.significant(nil), "NA")
        // A result that is not a finite number prints NA (the command says why); data labels keep R's spelling.
        for x in [Double.nan, .infinity, -.infinity] {
            XCTAssertEqual(NumberFormat.significant(x), "NA")
            XCTAssertEqual(NumberFormat.rFormat(x, digits: 4), "NA")
            XCTAssertEqual(NumberFormat.fixed(x, decimals: 2), "NA")
        }
        XCTAssertEqual([Double.nan, .infinity, -.infinity, 2.5].map(NumberFormat.label), ["NaN", "Inf", "-Inf", "2.5"])
        // p-values: NumberFormatTests checks pValue against R's format.pval.
    }

    func testEditDistanceSuggestions() {
        XCTAssertEqual(didYouMean("lod", among: ["load", "logrank", "km"]), "did you mean 'load'?")
        XCTAssertNil(didYouMean("zzzzzz", among: ["load", "km"]))
    }
}

/// A command (with an alias) whose run throws an error that is not a SurvshError.
private struct ThrowingCommand: SurvshCommand {
    struct Boom: Error {}
    static let spec = CommandSpec(name: "boom", aliases: ["bang"], summary: "always fails", synopsis: ["boom"],
                                  body: .none, topic: "shell")
    static func run(_ args: Arguments, in session: Session) throws -> CommandOutput { throw Boom() }
}
