// SurvivalCurveJSON.swift — the JSON objects of a survival curve's rows (the contract's km `table`
// and `at` entries), shared by every command that reports survfit-shaped curves (km, cox curves).

import SurvivalStats

extension KaplanMeierRow {
    /// `{"time","n_risk","n_event","n_censor","surv","std_err","lower","upper"}`.
    public var json: JSONValue {
        var o = JSONObject()
        o["time"] = .num(time)
        o["n_risk"] = .int(nRisk)
        o["n_event"] = .int(nEvent)
        o["n_censor"] = .int(nCensor)
        o["surv"] = .num(surv)
        o["std_err"] = .num(stdErr)
        o["lower"] = .num(lower)
        o["upper"] = .num(upper)
        return o.value
    }
}

extension KaplanMeierTimePoint {
    /// `{"time","surv","std_err","lower","upper","n_risk","n_event","n_censor","beyond_last_followup"}`
    /// (with a note after the curve's last time `lastTime`).
    public func json(lastTime: Double?) -> JSONValue {
        var o = JSONObject()
        o["time"] = .num(time)
        o["surv"] = .num(surv)
        o["std_err"] = .num(stdErr)
        o["lower"] = .num(lower)
        o["upper"] = .num(upper)
        o["n_risk"] = .int(nRisk)
        o["n_event"] = .int(nEvent)
        o["n_censor"] = .int(nCensor)
        o["beyond_last_followup"] = .bool(beyondLastFollowUp)
        if beyondLastFollowUp {
            o["note"] = .string("after the last follow-up (\(NumberFormat.significant(lastTime, digits: 15))): "
                                + "R's summary(times=) drops this time; S(t) carried forward, n at risk 0")
        }
        return o.value
    }
}
