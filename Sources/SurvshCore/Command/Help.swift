// Help.swift — help text generated from the command declarations (never written by hand).

public enum Help {
    static let topicOrder = ["shell", "data", "analysis", "figures"]
    static let topicTitle = ["shell": "Shell", "data": "Data", "analysis": "Analysis", "figures": "Figures"]

    /// `help`: every command with its summary, grouped by topic.
    public static func listing(_ registry: Registry) -> String {
        var lines: [String] = ["survsh \(Session.version) — survival analysis shell. Commands:"]
        let width = registry.commands.map { $0.spec.name.count }.max() ?? 8
        let topics = topicOrder + Set(registry.commands.map { $0.spec.topic }).subtracting(topicOrder).sorted()
        for topic in topics {
            let cmds = registry.commands.filter { $0.spec.topic == topic }
            if cmds.isEmpty { continue }
            lines.append("")
            lines.append("\(topicTitle[topic] ?? topic):")
            for c in cmds {
                let s = c.spec
                let pad = String(repeating: " ", count: width - s.name.count)
                let aka = s.aliases.isEmpty ? "" : " (also: \(s.aliases.joined(separator: ", ")))"
                lines.append("  \(s.name)\(pad)  \(s.summary)\(aka)")
            }
        }
        lines.append("")
        lines.append("Type 'help COMMAND' for its options and examples. Tab completes commands, options and columns.")
        lines.append("Ctrl-C stops a running command within about 0.2 s and keeps the data as they were; Ctrl-D quits.")
        return lines.joined(separator: "\n")
    }

    /// `help CMD`: synopsis, options with allowed values and defaults, notes and examples.
    public static func detail(_ spec: CommandSpec) -> String {
        var lines: [String] = ["\(spec.name) — \(spec.summary)"]
        if !spec.aliases.isEmpty { lines.append("aliases: \(spec.aliases.joined(separator: ", "))") }
        lines.append("")
        lines.append("Usage:")
        lines += spec.synopsis.map { "  \($0)" }
        if !spec.options.isEmpty {
            lines.append("")
            lines.append("Options:")
            let w = spec.options.map { $0.usage.count }.max() ?? 0
            for o in spec.options {
                let pad = String(repeating: " ", count: w - o.usage.count)
                let def = o.defaultValue.map { " (default \($0))" } ?? ""
                let forms = o.forms.map { f in
                    " [" + f.map { $0 == OptionSpec.plainForm ? spec.name : "\(spec.name) \($0)" }.joined(separator: ", ") + "]"
                } ?? ""
                lines.append("  \(o.usage)\(pad)  \(o.help)\(def)\(forms)")
            }
        }
        if !spec.notes.isEmpty {
            lines.append("")
            lines.append("Notes:")
            lines += spec.notes.map { "  " + $0 }
        }
        if !spec.examples.isEmpty {
            lines.append("")
            lines.append("Examples:")
            lines += spec.examples.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    /// The README's command table (Markdown).
    public static func markdownTable(_ registry: Registry) -> String {
        var lines = ["| command | what it does | usage |", "| --- | --- | --- |"]
        for c in registry.commands {
            let s = c.spec
            let usage = s.synopsis.map { "`\($0.replacingOccurrences(of: "|", with: "\\|"))`" }.joined(separator: "<br>")
            lines.append("| `\(s.name)` | \(s.summary) | \(usage) |")
        }
        return lines.joined(separator: "\n")
    }
}
