namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>
/// The report page's only style sheet, inline: light, printable on A4, readable in greyscale (every colour has a
/// word or symbol beside it), system fonts only. No <c>url()</c>, no <c>@import</c>: the page fetches nothing.
/// </summary>
internal static class DrillReportCss
{
    public const string Sheet = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #fff; color: #1d1d1d; font: 14px/1.45 "DejaVu Sans", "Segoe UI", Arial, Helvetica, sans-serif; }
        main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 40px; }
        h1 { font-size: 26px; margin: 0 0 4px; }
        h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #333; }
        p { margin: 6px 0; }
        code, .mono { font-family: "DejaVu Sans Mono", Consolas, "Courier New", monospace; font-size: 12.5px; overflow-wrap: anywhere; }
        .subtitle { color: #444; margin: 0 0 14px; }
        .verdict { display: flex; align-items: center; gap: 18px; margin: 14px 0 6px; }
        .badge { display: inline-block; flex: none; white-space: nowrap; padding: 8px 22px; border-radius: 6px; border: 3px solid #000; font-size: 26px; font-weight: bold; letter-spacing: 1px; color: #fff; }
        .badge.passed { background: #2e7d32; border-color: #1b5e20; }
        .badge.failed { background: #c62828; border-color: #8e0000; }
        .badge.aborted { background: #f0a500; border-color: #8a5a00; color: #1d1d1d; }
        .badge.running, .badge.pending, .badge.other { background: #eee; border-color: #616161; color: #1d1d1d; }
        .reason { font-size: 16px; }
        .facts { border-collapse: collapse; margin: 6px 0; }
        .facts th { text-align: left; vertical-align: top; padding: 3px 16px 3px 0; white-space: nowrap; color: #444; font-weight: 600; }
        .facts td { padding: 3px 0; }
        .objective { border-left: 4px solid #555; padding: 6px 12px; background: #f6f6f6; margin: 8px 0; }
        table.grid { width: 100%; border-collapse: collapse; margin: 6px 0 10px; }
        table.grid th, table.grid td { border: 1px solid #bbb; padding: 5px 8px; text-align: left; vertical-align: top; }
        table.grid th { background: #efefef; }
        table.grid td.num { text-align: right; white-space: nowrap; }
        table.grid tr { break-inside: avoid; }
        .ok { color: #1b5e20; font-weight: bold; }
        .bad { color: #b71c1c; font-weight: bold; }
        .warn { color: #8a5a00; font-weight: bold; }
        .muted { color: #666; }
        .nowrap { white-space: nowrap; }
        .small { font-size: 12px; }
        figure { margin: 8px 0; border: 1px solid #ccc; padding: 6px; }
        figcaption { font-size: 12.5px; color: #444; margin-top: 4px; }
        svg.timeline { display: block; }
        footer { margin-top: 30px; font-size: 12px; color: #555; border-top: 1px solid #ccc; padding-top: 8px; }
        .badge, svg.timeline, table.grid th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        @page { size: A4 landscape; margin: 12mm; }
        @media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
        """;
}
