/** The dashboard's stylesheet, served as dashboard/assets/dashboard.css (no inline styles under the CSP). */
export const DASHBOARD_CSS = `
:root { --ink: #1f2937; --muted: #4b5563; --line: #d1d5db; --card: #fff; --page: #f3f4f6;
  --accent: #1d4ed8; --ok: #166534; --ok-bg: #dcfce7; --bad: #991b1b; --bad-bg: #fee2e2;
  --run: #1e40af; --run-bg: #dbeafe; --wait: #374151; --wait-bg: #e5e7eb; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--page); }
header, footer { padding: .75rem 1rem; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: baseline; justify-content: space-between;
  background: var(--ink); color: #fff; }
header h1 { margin: 0; font-size: 1.25rem; }
header a { color: #fff; margin-left: 1rem; }
footer { color: var(--muted); font-size: .85rem; }
main { display: grid; gap: 1rem; padding: 1rem; max-width: 72rem; margin: 0 auto;
  grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .25rem 1rem 1rem; min-width: 0; }
.card.wide { grid-column: 1 / -1; }
h2 { font-size: 1.05rem; margin: .75rem 0 .5rem; }
a { color: var(--accent); }
button { font: inherit; min-height: 2.75rem; padding: .4rem 1rem; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--accent); background: #fff; color: var(--accent); }
button.primary { background: var(--accent); color: #fff; font-weight: 600; }
button:hover { filter: brightness(1.1); }
button:disabled { opacity: .6; cursor: progress; }
button.retry { min-height: 2.25rem; padding: .2rem .8rem; }
.key-form { margin: .25rem 0 .75rem; }
.key-form label { display: block; font-weight: 600; margin-bottom: .25rem; }
.key-row { display: flex; flex-wrap: wrap; gap: .5rem; max-width: 36rem; }
.key-row input { flex: 1 1 12rem; min-width: 0; min-height: 2.75rem; padding: .4rem .6rem; font: inherit; color: var(--ink);
  border: 1px solid var(--muted); border-radius: 6px; }
.key-status { margin: .35rem 0 0; color: var(--muted); font-size: .9rem; }
.key-form[data-state="needed"] .key-status { color: var(--bad); font-weight: 600; }
.key-form[data-state="set"] .key-status { color: var(--ok); }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.stages { display: flex; flex-wrap: wrap; gap: .25rem; list-style: none; padding: 0; margin: .5rem 0 0; counter-reset: stage; }
.stages li { flex: 1 1 6rem; padding: .35rem .5rem; border-radius: 4px; background: var(--wait-bg); color: var(--muted);
  text-align: center; font-weight: 600; }
.stages li.past { background: var(--ok-bg); color: var(--ok); }
.stages li.current { background: var(--run-bg); color: var(--run); outline: 2px solid var(--run); }
.stages li.failed { background: var(--bad-bg); color: var(--bad); outline: 2px solid var(--bad); }
#tracker-text { margin: .25rem 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
.jobs th, .jobs td { white-space: nowrap; }
td .error { white-space: normal; color: var(--bad); display: inline-block; min-width: 9rem; }
.queues td { font-variant-numeric: tabular-nums; }
.queues td.dead { color: var(--bad); font-weight: 700; }
.status { display: inline-block; padding: 0 .5rem; border-radius: 999px; font-weight: 600; font-size: .85rem; }
.status-queued { background: var(--wait-bg); color: var(--wait); }
.status-fetching, .status-processing { background: var(--run-bg); color: var(--run); }
.status-done { background: var(--ok-bg); color: var(--ok); }
.status-failed { background: var(--bad-bg); color: var(--bad); }
.map { display: block; width: 100%; height: auto; aspect-ratio: 2 / 1; border-radius: 4px; }
.map .place { fill: #2563eb; stroke: #fff; stroke-width: .6; }
.map .place.northerly { fill: #dc2626; stroke-width: .8; }
.map .centroid path { stroke: #111827; stroke-width: 1.2; }
.map .centroid circle { fill: #f59e0b; stroke: #111827; stroke-width: .5; }
.map .label { font: 600 6px system-ui, sans-serif; paint-order: stroke; stroke: #fff; stroke-width: 1.5px; }
.map .northerly-label { fill: #991b1b; }
.map .centroid-label { fill: #111827; }
.caption { margin: .5rem 0 0; }
.chart { display: block; width: 100%; height: 8rem; background: #f9fafb; }
.bar-done { fill: #16a34a; }
.bar-failed { fill: #dc2626; }
.axis { stroke: var(--muted); stroke-width: .5; }
.legend { color: var(--muted); font-size: .85rem; margin: .25rem 0 0; }
.key { display: inline-block; width: .8rem; height: .8rem; vertical-align: middle; border-radius: 2px; }
.key-done { background: #16a34a; }
.key-failed { background: #dc2626; margin-left: .5rem; }
.warning { color: var(--bad); }
.health { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; margin: 0 0 0.5rem; }
.health dt { font-size: 0.85rem; color: var(--muted); }
.health dd { margin: 0; font-size: 1.4rem; font-variant-numeric: tabular-nums; }
.health dd.bad { color: var(--bad); font-weight: 700; }
.warnings { margin: 0; padding-left: 1.2rem; color: var(--bad); }
.warnings li + li { margin-top: 0.3rem; }
.ok { color: var(--muted); }
.empty { color: var(--muted); }
@media (max-width: 30rem) {
  header nav a { margin: 0 1rem 0 0; }
  main { padding: .5rem; gap: .5rem; }
  .card { padding: .25rem .6rem .6rem; }
}
`;
