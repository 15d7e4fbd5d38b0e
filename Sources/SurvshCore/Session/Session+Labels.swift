// Session+Labels.swift — how printed tables and figures name a column under `set labels=on|off`.
//
// Contract: with `settings.labels` off (the default) every function here returns its input
// unchanged. With it on, a column that has a variable label (`Column.label`, from a Stata, SPSS or
// SAS file) is shown by its label wherever printed text names it: a header or axis title
// (`displayName`), a group label as survfit writes strata (`sex=1, ph.ecog=0` -> `Sex=1, ECOG=0`;
// `displayGroup`), and a model term as R names coefficients (`sexm` -> `Sex: m`, `factor(stage)3`
// -> `Stage: 3`, `age:sexm` -> `Age:Sex: m`; `displayTerm`). Columns without a label keep their
// name. JSON results never change: they always carry the names.

extension Session {
    /// The column's label under `set labels=on`, else `name`.
    public func displayName(_ name: String) -> String {
        guard settings.labels, let label = frame.column(name)?.label else { return name }
        return label
    }

    /// A group label `var=level[, var=level ...]` with each labelled column shown by its label (a
    /// part without `=` that names a column, as a paired t-test labels its two columns, too).
    public func displayGroup(_ group: String) -> String {
        guard settings.labels else { return group }
        return group.components(separatedBy: ", ").map { part in
            guard let eq = part.firstIndex(of: "=") else { return displayName(part) }
            return displayName(String(part[..<eq])) + part[eq...]
        }.joined(separator: ", ")
    }

    /// A coefficient name as R builds it (`age`, `sexm`, `factor(stage)3`, `strata(inst)`, `a:b`)
    /// with each labelled column shown by its label and a level after `: `.
    public func displayTerm(_ term: String) -> String {
        guard settings.labels else { return term }
        return term.components(separatedBy: ":").map(displayTermPart).joined(separator: ":")
    }

    private func displayTermPart(_ part: String) -> String {
        for wrapper in ["factor(", "strata(", "relevel("] where part.hasPrefix(wrapper) {
            guard let close = part.firstIndex(of: ")") else { return part }
            let inner = part[part.index(part.startIndex, offsetBy: wrapper.count)..<close]
            let name = String(inner.prefix { $0 != "," })
            guard frame.column(name)?.label != nil else { return part }
            let level = part[part.index(after: close)...]
            return displayName(name) + (level.isEmpty ? "" : ": " + level)
        }
        if frame.column(part) != nil { return displayName(part) }
        // `sexm`: the longest labelled column name that starts the term, then the level.
        let candidates = frame.columns.filter { $0.label != nil && part.hasPrefix($0.name) && part.count > $0.name.count }
        guard let column = candidates.max(by: { $0.name.count < $1.name.count }) else { return part }
        return displayName(column.name) + ": " + part.dropFirst(column.name.count)
    }
}
