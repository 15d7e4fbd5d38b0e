// AllCommands.swift — the registry: every command module survsh ships, in `help` order.
// Adding a command = one folder under plugins/, one line in Package.swift, one entry here.

import SurvshCore
import ShellPlugin
import DataPlugin
import FilterPlugin
import PlotPlugin
import KMPlugin
import LogrankPlugin
import CoxPlugin
import SurvregPlugin
import CrrPlugin
import TTestPlugin
import SimulatePlugin
import Table1Plugin
import TimeSplitPlugin
import CumincPlugin
import ReportPlugin

public enum AllCommands {
    public static let list: [any SurvshCommand.Type] = [
        // shell
        HelpCommand.self, QuitCommand.self, SetCommand.self, HistoryCommand.self, ReplayCommand.self, TutorialCommand.self,
        PluginCommand.self,
        ExportCommand.self, ReportCommand.self,
        // data
        LoadCommand.self, DescribeCommand.self, HeadCommand.self, SummarizeCommand.self,
        FilterCommand.self, UnfilterCommand.self, GenerateCommand.self, ReplaceCommand.self,
        TabulateCommand.self, DropCommand.self, KeepCommand.self, RenameCommand.self, LevelsCommand.self, RelevelCommand.self,
        SaveCommand.self, SurvivalCommand.self, SplitCommand.self, TVCCommand.self, LandmarkCommand.self,
        KMCommand.self, LogrankCommand.self, CumincCommand.self,
        CoxCommand.self, SurvregCommand.self, CrrCommand.self,
        TTestCommand.self, WilcoxonCommand.self,
        Table1Command.self,
        PlotCommand.self,
        SimulateCommand.self, PowerCommand.self,
    ]

    public static let registry = Registry(list)
}
