// CommandSpec.swift — the one declaration each command makes of itself.
//
// A command is a type conforming to `SurvshCommand`: a static `spec` (name, aliases, summary,
// synopsis, options with allowed values and defaults, examples, conventions) and a static `run`.
// Help, tab completion, usage errors and the README's command table are all generated from the
// spec, so they cannot drift from the code (swift-argument-parser's CommandConfiguration is the model).

public struct OptionSpec: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A bare word that switches something on (`paired`, `ci`, `var.equal`).
        case flag
        /// `name=value` with value from a fixed list.
        case choice([String])
        /// `name=NUMBER`; the closed range it must lie in, when there is one.
        case number(ClosedRange<Double>?)
        /// `name=N1,N2,...`.
        case numbers
        /// `name=TEXT`.
        case text
        /// `name=PATH` (completed as a file path).
        case path
        /// `name=COLUMN` (completed with column names).
        case column
    }

    public var name: String
    public var kind: Kind
    public var defaultValue: String?
    public var help: String
    /// The forms of the command the option belongs to: subcommand words (`phtest`), with
    /// `OptionSpec.plainForm` for the command without a subcommand. nil: every form. The argument
    /// parser refuses an option given to a form that does not use it, so nothing is silently ignored.
    public var forms: [String]?

    /// The form name of a command used without a subcommand (`cox ~ age`, as opposed to `cox firth ~ age`).
    public static let plainForm = ""

    public init(_ name: String, _ kind: Kind, default defaultValue: String? = nil, help: String, forms: [String]? = nil) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
        self.forms = forms
    }

    public static func flag(_ name: String, help: String, forms: [String]? = nil) -> OptionSpec {
        OptionSpec(name, .flag, help: help, forms: forms)
    }

    /// Whether the option may be given to the form `form` (a subcommand word or `plainForm`).
    public func applies(to form: String) -> Bool { forms?.contains(form) ?? true }

    public var isFlag: Bool { kind == .flag }

    /// How the option is written in a synopsis: `conf=log|log-log|plain`, `level=NUMBER`, `paired`.
    public var usage: String {
        switch kind {
        case .flag: return name
        case .choice(let v): return "\(name)=\(v.joined(separator: "|"))"
        case .number: return "\(name)=NUMBER"
        case .numbers: return "\(name)=N1,N2,..."
        case .text: return "\(name)=TEXT"
        case .path: return "\(name)=PATH"
        case .column: return "\(name)=COLUMN"
        }
    }
}

/// What the words that are not options mean, for parsing and completion.
public enum BodyKind: Sendable, Equatable {
    /// No words besides options.
    case none
    /// Free words the command interprets (subcommands, numbers).
    case words
    /// Column names.
    case columns
    /// A file path.
    case path
    /// `[Surv(...)] [~ terms]`.
    case formula
    /// The rest of the line, verbatim, is an expression (no option parsing at all).
    case expression
}

public struct CommandSpec: Sendable {
    public var name: String
    public var aliases: [String]
    /// One line, lower-case start, no period: shown by `help`.
    public var summary: String
    /// Usage lines, each starting with the command name.
    public var synopsis: [String]
    public var body: BodyKind
    public var options: [OptionSpec]
    /// Example lines, each a complete command that runs on the bundled data (a test runs them).
    public var examples: [String]
    /// Conventions and details: which R convention is followed, what is printed.
    public var notes: [String]
    /// Subcommand words offered by completion after the command name (e.g. `plot km`).
    public var subcommands: [String]
    /// Grouping for `help`: "shell", "data", "analysis", "figures".
    public var topic: String
    /// True for commands that act on earlier results or the session (export, help, set, history):
    /// they leave the last command's exportable tables in place instead of replacing them.
    public var keepsLastTables: Bool
    /// A body word after which `name=value` words that name no option stay body words, so that
    /// covariate settings can be written as R users write them (`cox curves at sex=1,2 age=60`).
    public var assignmentsAfter: String?
    /// Which columns of a lazy load (`load FILE lazy=on`) must be parsed before the command runs.
    public var columnUse: ColumnUse = .all

    public init(name: String, aliases: [String] = [], summary: String, synopsis: [String], body: BodyKind,
                options: [OptionSpec] = [], notes: [String] = [], examples: [String] = [],
                subcommands: [String] = [], topic: String, keepsLastTables: Bool = false,
                assignmentsAfter: String? = nil) {
        self.assignmentsAfter = assignmentsAfter
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.synopsis = synopsis
        self.body = body
        self.options = options
        self.examples = examples
        self.notes = notes
        self.subcommands = subcommands
        self.topic = topic
        self.keepsLastTables = keepsLastTables
    }

    public func option(named n: String) -> OptionSpec? { options.first { $0.name == n } }

    /// The spec with `columnUse` set (a command opting in to reading only the columns its line names).
    public func using(_ use: ColumnUse) -> CommandSpec {
        var s = self
        s.columnUse = use
        return s
    }
}

/// The columns a command reads, for a lazy load (see `Session.materialize`).
public enum ColumnUse: Sendable, Equatable {
    /// Any column, or it adds, drops or reorders columns: every pending column is parsed first (the default).
    case all
    /// No column (help, set, load: a new load replaces the pending columns unparsed).
    case none
    /// Only columns its line names and the declared outcome's, and it neither adds, drops nor reorders
    /// columns, except under the subcommands listed (which take `.all`). Should it fail, it is run
    /// again from the same state with every column (so its error names the same columns as ever).
    case named(exceptSubcommands: [String])
}

/// What a command produces: text for people, one JSON object for programs, warnings for both.
public struct CommandOutput: Sendable {
    /// The text shown in the terminal and recorded in the transcript (`#> ` lines). No final newline.
    public var text: String
    /// The JSON object printed under `--format json` (nil: the command has no result to print).
    public var json: JSONValue?
    /// Warnings, printed to stderr as `warning: CMD: ...` and added to the JSON as `warnings`.
    public var warnings: [String]
    /// A drawing for the interactive terminal only (never recorded, never under JSON). Elsewhere a
    /// one-line note on stderr says it was not drawn, so the recorded text is the same everywhere.
    public var graphic: String?
    /// The command ran other lines that were recorded one by one (`replay`): its text is recorded
    /// as comments, so replaying the transcript does not run them twice.
    public var recordAsComment: Bool
    /// The tables printed, in order: they become the session's exportable tables (`export`).
    public var tables: [ResultTable]
    /// The figures drawn, as SVG documents (plot sets one whether or not it wrote a file; a plugin
    /// may send several); never printed or recorded: reports (`report`) show them inline.
    public var figures: [String]
    /// The first figure (most commands draw one).
    public var figure: String? {
        get { figures.first }
        set { figures = newValue.map { [$0] } ?? [] }
    }
    /// The methods the result used, as a report's methods paragraph states them.
    public var methods: [MethodNote]
    /// The command changed nothing in the session (`head`, `describe`, `summarize`; or it changes it
    /// only `afterPrinting`): a Ctrl-C while its text is printed (a long text is printed 2^14 lines at
    /// a time) stops the printing with a note, and one while a long result is readied for printing
    /// (its JSON written, its lines cut for the transcript) stops it before anything is printed; the
    /// line is recorded as interrupted. Otherwise the text is printed whole once the command is done.
    public var interruptiblePrinting: Bool
    /// The command's change to the session, made once its output is printed (`levels COL sorted`:
    /// 10^7 levels take a while to print): with `interruptiblePrinting`, a Ctrl-C while the output is
    /// made or printed leaves the session as it was.
    public var afterPrinting: (@Sendable () -> Void)?

    public init(text: String = "", json: JSONValue? = nil, warnings: [String] = [], graphic: String? = nil,
                recordAsComment: Bool = false, tables: [ResultTable] = [], figure: String? = nil,
                figures: [String] = [], methods: [MethodNote] = [], interruptiblePrinting: Bool = false,
                afterPrinting: (@Sendable () -> Void)? = nil) {
        self.text = text
        self.json = json
        self.warnings = warnings
        self.graphic = graphic
        self.recordAsComment = recordAsComment
        self.tables = tables
        self.figures = (figure.map { [$0] } ?? []) + figures
        self.methods = methods
        self.interruptiblePrinting = interruptiblePrinting
        self.afterPrinting = afterPrinting
    }
}

/// A command module. Implementations are stateless types; all state lives in the `Session`.
public protocol SurvshCommand: Sendable {
    static var spec: CommandSpec { get }
    static func run(_ args: Arguments, in session: Session) throws -> CommandOutput
}
