// EventCoding — reads a numeric event/status column the way R's Surv(time, event) does.
//
// Contract
//   Input:  status values as Doubles (NaN = missing).
//   Output: one Bool? per value (nil = missing or invalid) and the number of invalid non-missing values.
//   Reference: R survival 3.5 `Surv`: if the largest non-missing value is 2, the coding is 1 = censored,
//            2 = event (1 is subtracted from every value); then only 0 and 1 are valid, anything else
//            becomes NA with the warning "Invalid status value, converted to NA". Logical input
//            (TRUE/FALSE) maps to 1/0 before this rule.

/// R's rule for the event indicator of `Surv(time, event)`.
public enum EventCoding {
    /// The coding R chose.
    public enum Scheme: String, Sendable, Equatable {
        /// 0 = censored, 1 = event
        case zeroOne = "0/1"
        /// 1 = censored, 2 = event (largest value 2)
        case oneTwo = "1/2"
    }

    public struct Decoded: Sendable, Equatable {
        public let events: [Bool?]
        public let scheme: Scheme
        /// Non-missing values that are not valid under the scheme (R turns them into NA and warns).
        public let invalidCount: Int
    }

    /// Decodes numeric status values as R's Surv. `cancel` is polled every `Cancellation.stride`
    /// values of both passes; once it fires the result is meaningless (the caller checks `cancel`).
    public static func decode(_ status: [Double], cancel: Cancellation = .never) -> Decoded {
        var largest: Double?   // of the values present, as status.filter { !$0.isNaN }.max()
        cancel.inBlocks(status.indices) { rows in
            for i in rows where !status[i].isNaN && largest.map({ $0 < status[i] }) ?? true { largest = status[i] }
        }
        let scheme: Scheme = largest == 2 ? .oneTwo : .zeroOne
        let shift = scheme == .oneTwo ? 1.0 : 0.0
        var invalid = 0
        var events: [Bool?] = []
        events.reserveCapacity(status.count)
        cancel.inBlocks(status.indices) { rows in
            for i in rows {
                let value = status[i]
                if value.isNaN { events.append(nil); continue }
                let v = value - shift
                if v == 0 { events.append(false) } else if v == 1 { events.append(true) } else {
                    invalid += 1
                    events.append(nil)
                }
            }
        }
        return Decoded(events: events, scheme: scheme, invalidCount: invalid)
    }
}
