// Palette.swift — colours of the figures.
//
// Curves use the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays
// distinguishable under the common colour-vision deficiencies. The order starts with the pair of
// highest contrast (blue, vermillion); yellow, weak on white, comes last and is darkened (#C9B400
// instead of Okabe–Ito's #F0E442) so it shows on a projector. A single curve is drawn in black.
// Past the eight colours, curves cycle line types (dashed, dotted, dash-dot) so that no two curves
// look alike. Terminal colours are the nearest xterm-256 entries.

/// Colours shared by all figures.
public enum Palette {
    /// Okabe–Ito colours in the order curves receive them.
    public static let series: [String] = [
        "#0072B2", // blue
        "#D55E00", // vermillion
        "#009E73", // bluish green
        "#CC79A7", // reddish purple
        "#E69F00", // orange
        "#56B4E9", // sky blue
        "#000000", // black
        "#C9B400", // yellow, darkened for white backgrounds and projectors
    ]
    /// xterm-256 colour numbers matching `series`.
    static let ansi256: [Int] = [25, 166, 36, 175, 178, 74, 16, 184]
    /// Dash patterns (SVG stroke-dasharray) for the second, third, ... round of colours.
    static let dashes: [String] = ["7 4", "2 3", "9 3 2 3"]

    /// Text and axis ink.
    static let ink = "#1A1A1A"
    /// Secondary text (p-value, notes).
    static let muted = "#4D4D4D"
    /// Axis lines and ticks.
    static let axis = "#333333"
    /// Reference lines.
    static let reference = "#8C8C8C"
    /// Zebra shading of table rows.
    static let shade = "#F2F2F2"

    /// The colour of curve `index` out of `count` curves (black for a lone curve).
    public static func color(_ index: Int, of count: Int) -> String {
        if count == 1 { return "#000000" }
        return series[((index % series.count) + series.count) % series.count]
    }

    /// The line type of curve `index`: solid (nil) for the first eight, then a dash pattern that
    /// changes with every round through the colours.
    public static func dash(_ index: Int) -> String? {
        let round = max(0, index) / series.count
        return round == 0 ? nil : dashes[(round - 1) % dashes.count]
    }

    /// The xterm-256 colour of curve `index` out of `count` (nil = terminal default).
    static func ansiColor(_ index: Int, of count: Int) -> Int? {
        if count == 1 { return nil }
        return ansi256[((index % ansi256.count) + ansi256.count) % ansi256.count]
    }
}
