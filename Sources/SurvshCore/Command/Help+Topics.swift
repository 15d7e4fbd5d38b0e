// Help+Topics.swift — finding help for a word that is not a command: a subcommand (`help phtest`,
// `help forest`), one form of a command (`help cox phtest`), an R or Stata name survsh spells
// differently (`cox.zph`, `ggsurvplot`), and analyses survsh does not have (`flexsurvreg`, `cuminc`),
// which are named as not available instead of a misleading "did you mean".

public extension Help {
    /// A command form: the command and one of its subcommand words.
    struct Form: Equatable, Sendable {
        public var command: String
        public var subcommand: String
        public var text: String { "\(command) \(subcommand)" }
    }

    /// Names from R and Stata that survsh spells as one of its command forms.
    static let otherNames: [String: String] = [
        "cox.zph": "cox phtest", "zph": "cox phtest", "estat": "cox phtest", "coxphf": "cox firth",
        "ggsurvplot": "plot km", "ggforest": "plot forest", "forestplot": "plot forest", "boxplot": "plot box",
        "chisq.test": "tabulate", "fisher.test": "tabulate", "survfit.coxph": "cox curves", "resid": "cox residuals",
        "stcox": "cox", "stcompet": "cuminc", "stcrreg": "crr", "competing": "cuminc",
        "weibull": "survreg", "aft": "survreg", "parametric": "survreg", "lognormal": "survreg",
        "loglogistic": "survreg", "exponential": "survreg", "subset": "filter", "mutate": "generate", "factor": "levels",
    ]

    /// Analyses survsh does not have, with what to say instead of a "did you mean".
    static let notAvailable: [String: String] = {
        let parametric = "flexible parametric survival models (R's flexsurvreg, Gompertz, generalized gamma, splines) are not"
            + " available in survsh; survreg (alias streg) fits the Weibull, exponential, lognormal and log-logistic models as R's survreg"
        let regression = "linear and logistic regression (R's lm/glm; Stata's regress/logit) are not available in survsh;"
            + " it is a survival-analysis shell: cox, km, logrank, ttest, wilcoxon"
        let frailty = "frailty and mixed-effects Cox models (coxme, frailty()) are not available; cox ~ ... + cluster(ID)"
            + " gives robust (sandwich) standard errors for clustered data"
        var m: [String: String] = [:]
        for w in ["flexsurv", "flexsurvreg", "gompertz", "gengamma"] { m[w] = parametric }
        for w in ["lm", "glm", "regress", "logit", "logistic", "anova", "aov"] { m[w] = regression }
        for w in ["coxme", "frailty", "mixed"] { m[w] = frailty }
        return m
    }()

    /// Every command form with a subcommand word (`cox phtest`, `plot forest`, `save session`).
    static func forms(_ registry: Registry) -> [Form] {
        registry.commands.flatMap { c in c.spec.subcommands.map { Form(command: c.spec.name, subcommand: $0) } }
    }

    /// The form a word names: a subcommand of exactly one command (`forest` → plot forest), or an
    /// R/Stata name of a form (`cox.zph` → cox phtest).
    static func form(named word: String, _ registry: Registry) -> Form? {
        if let other = otherNames[word.lowercased()] {
            let parts = other.split(separator: " ").map(String.init)
            return Form(command: parts[0], subcommand: parts.count > 1 ? parts[1] : "")
        }
        let matches = forms(registry).filter { $0.subcommand == word }
        return matches.count == 1 ? matches[0] : nil
    }

    /// What to tell someone who typed `word` that is not a command: where it lives, that survsh does
    /// not have it, or the closest command or form; nil when nothing is close.
    static func suggestion(for word: String, _ registry: Registry) -> String? {
        if let why = notAvailable[word.lowercased()] { return why }
        if let f = form(named: word, registry) {
            let target = f.subcommand.isEmpty ? f.command : f.text
            return "'\(word)' is '\(target)' in survsh: see help \(target)"
        }
        guard let close = closestMatch(word, among: registry.allNames + forms(registry).map(\.subcommand)) else { return nil }
        // a subcommand is named with its command: 'forrest' → 'plot forest'
        let form = registry.lookup(close) == nil ? forms(registry).first { $0.subcommand == close } : nil
        return "did you mean '\(form?.text ?? close)'?"
    }

    /// `help CMD SUB`: the usage lines, options, notes and examples of one form of a command.
    static func detail(_ spec: CommandSpec, subcommand sub: String) -> String {
        let prefix = "\(spec.name) \(sub)"
        func isForm(_ line: String) -> Bool { line == prefix || line.hasPrefix(prefix + " ") }
        var lines = ["\(prefix) — a form of \(spec.name): \(spec.summary)", "", "Usage:"]
        lines += spec.synopsis.filter(isForm).map { "  \($0)" }
        let options = spec.options.filter { $0.applies(to: sub) }
        if !options.isEmpty {
            lines += ["", "Options:"]
            let w = options.map { $0.usage.count }.max() ?? 0
            for o in options {
                let def = o.defaultValue.map { " (default \($0))" } ?? ""
                lines.append("  \(o.usage)\(String(repeating: " ", count: w - o.usage.count))  \(o.help)\(def)")
            }
        }
        // Notes about the form start with "SUB:" or name the form; indented lines continue a note.
        var notes: [String] = []
        var inNote = false
        for n in spec.notes {
            if n.hasPrefix(" ") { if inNote { notes.append(n) }; continue }
            inNote = n.hasPrefix(sub + ":") || n.contains(prefix)
            if inNote { notes.append(n) }
        }
        if !notes.isEmpty { lines += ["", "Notes:"] + notes.map { "  " + $0 } }
        let examples = spec.examples.filter(isForm)
        if !examples.isEmpty { lines += ["", "Examples:"] + examples.map { "  \($0)" } }
        lines += ["", "help \(spec.name) shows every form of \(spec.name)."]
        return lines.joined(separator: "\n")
    }
}
