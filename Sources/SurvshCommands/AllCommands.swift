// AllCommands.swift — the registry: every command module survsh ships, in `help` order.
// Adding a command = one folder under plugins/, one line in Package.swift, one entry here.

import SurvshCore
import ShellPlugin
import DataPlugin
import FilterPlugin

public enum AllCommands {
    public static let list: [any SurvshCommand.Type] = [
        // shell
        HelpCommand.self, QuitCommand.self, SetCommand.self, HistoryCommand.self, ReplayCommand.self, ExportCommand.self,
        // data
        LoadCommand.self, DescribeCommand.self, HeadCommand.self,
        FilterCommand.self, UnfilterCommand.self, GenerateCommand.self, ReplaceCommand.self,
        DropCommand.self, KeepCommand.self, RenameCommand.self, SaveCommand.self, SurvivalCommand.self,
    ]

    public static let registry = Registry(list)
}
