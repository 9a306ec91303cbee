/** The report's style sheet, inline: the file is read offline, from a CI artifact or an e-mail. */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa; --focus: #0969da;
  --critical: #6e0b0b; --high: #b42318; --medium: #9a5b00; --low: #1f5fbf; --pass: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif; color: var(--ink); background: #fff; }
header, main { max-width: 1280px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 19px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 16px 0 6px; }
code { font: 13px/1.4 ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; background: var(--panel); padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
.verdict { display: inline-block; font-weight: 700; font-size: 17px; padding: 6px 14px; border-radius: 6px; border: 2px solid; margin: 4px 0 8px; }
.verdict-pass { color: var(--pass); border-color: var(--pass); background: #dafbe1; }
.verdict-fail { color: var(--high); border-color: var(--high); background: #ffebe9; }
.verdict-error { color: #fff; border-color: var(--critical); background: var(--critical); }
.summary { color: var(--muted); margin: 4px 0; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 0; padding: 12px; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
figcaption { font-weight: 600; margin-bottom: 6px; }
.chart { max-width: 100%; height: auto; }
.chart-label, .chart-count { font: 13px system-ui, sans-serif; fill: var(--ink); }
.bar.severity-critical { fill: var(--critical); } .bar.severity-high { fill: var(--high); }
.bar.severity-medium { fill: var(--medium); } .bar.severity-low { fill: var(--low); } .bar.pack { fill: #57606a; }
.bar-unknown { fill-opacity: 0.38; }
.legend { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
.filters { display: flex; flex-wrap: wrap; gap: 12px 18px; align-items: end; padding: 12px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
.filters label { display: flex; flex-direction: column; font-size: 13px; font-weight: 600; gap: 3px; }
.filters input, .filters select { font: inherit; padding: 4px 6px; border: 1px solid #8c959f; border-radius: 6px; background: #fff; min-width: 150px; }
.filters input[type=search] { min-width: 260px; }
#findings-count { margin: 10px 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
table.counts { width: auto; min-width: 220px; align-self: flex-start; }
.scroll { overflow-x: auto; }
#findings-table { table-layout: fixed; min-width: 980px; }
col.c-severity { width: 92px; } col.c-status { width: 108px; } col.c-rule { width: 150px; } col.c-resource { width: 22%; }
caption { text-align: left; font-weight: 600; padding: 6px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 7px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--panel); position: sticky; top: 0; z-index: 1; white-space: nowrap; }
th button { font: inherit; font-weight: 700; border: 0; background: none; padding: 0; cursor: pointer; color: inherit; }
/* The arrows are decoration (empty alternative text): the header's name stays "Severity", aria-sort says the rest. */
th button::after { content: " \\2195" / ""; color: var(--muted); }
th[aria-sort=ascending] button::after { content: " \\2191" / ""; color: var(--ink); }
th[aria-sort=descending] button::after { content: " \\2193" / ""; color: var(--ink); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
td.fix { color: #24292f; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; padding: 0 7px; border-radius: 10px; border: 1px solid; white-space: nowrap; margin: 1px 0; }
.sev-critical { color: #fff; background: var(--critical); border-color: var(--critical); }
.sev-high { color: #fff; background: var(--high); border-color: var(--high); }
.sev-medium { color: #fff; background: var(--medium); border-color: var(--medium); }
.sev-low { color: #fff; background: var(--low); border-color: var(--low); }
.badge-new, .badge-failed { color: var(--high); background: #fff; } .badge-unknown { color: var(--muted); background: #fff; }
.badge-suppressed, .badge-existing { color: var(--muted); background: #fff; border-style: dashed; }
.where { color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
.rule-help { border: 1px solid var(--line); border-radius: 8px; padding: 4px 14px 10px; margin: 10px 0; }
.rule-help p { margin: 6px 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
footer { max-width: 1280px; margin: 30px auto; padding: 0 24px; color: var(--muted); font-size: 13px; }
@media print { .filters, th button::after { display: none; } thead th { position: static; } }
`;
