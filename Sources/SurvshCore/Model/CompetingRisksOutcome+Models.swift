// CompetingRisksOutcome+Models.swift — a competing-risks outcome in the regression commands:
// `crr ... cause=K` and `cox ... cause=K` read it through here.
//
// Contract:
// - `model` parses nothing itself: given a parsed formula it resolves the outcome, loads the complete
//   cases of the outcome and every covariate the formula uses (R's na.omit), and finds the cause
//   `cause=K` names (required; a one-line error when absent or when K is not a cause present).
// - `causeSpecific(k)` is the ordinary survival outcome of a cause-specific hazard: events of cause k
//   are events, every other cause is censored, as R's `Surv(time, status == k)`; its response is
//   labelled that way (`Surv(etime, event == 1)`, `Surv(etime, etype == "pcm")`).

extension CompetingRisksOutcome {
    /// The outcome of `formula` over the complete cases of its covariates, and the cause `cause`
    /// names (its code 1...K).
    public static func model(_ formula: Formula, cause: String?, censor: String?, session: Session,
                             command: String) throws -> (outcome: CompetingRisksOutcome, cause: Int) {
        let response = try resolve(formula, session: session, command: command)
        let outcome = try load(response, covariates: formula.covariateColumns, censor: censor, session: session,
                               command: command)
        guard let cause else {
            throw SurvshError.usage(command, "which cause? cause=K is required with a competing-risks outcome",
                                    expected: "cause=" + orList(outcome.causeLabels) + " (a cause of \(response.spec.event))")
        }
        return (outcome, try outcome.causeIndex(cause, command: command))
    }

    /// R's event condition for cause k: `event == 1`, `etype == "pcm"`.
    public func causeCondition(_ k: Int, session: Session) -> String {
        let label = causeLabels[k - 1]
        let text = (try? session.column(response.spec.event, for: "").type) == .text
        return "\(response.spec.event) == " + (text ? "\"\(label)\"" : label)
    }

    /// The survival outcome of cause k's cause-specific hazard: its events are events, the other
    /// causes are censored.
    public func causeSpecific(_ k: Int, session: Session) -> SurvivalData {
        let code = Int32(k)
        let spec = SurvSpec(time: response.spec.time, event: causeCondition(k, session: session))
        return SurvivalData(rows: rows, start: nil, time: time, event: cause.map { $0 == code }, dropped: dropped,
                            warnings: warnings, response: SurvivalResponse(spec: spec))
    }
}
