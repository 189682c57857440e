import { escapeHtml } from './escape-html.ts';
import { type DashboardPageOptions, renderKeyForm } from './key-form.ts';
import { renderPanels } from './panels.ts';
import type { DashboardSnapshot } from './snapshot.ts';

const STAGES = ['queued', 'fetching', 'processing', 'done'] as const;

function section(name: string, title: string, body: string, wide = false): string {
  return `<section class="card${wide ? ' wide' : ''}" aria-labelledby="title-${name}">
<h2 id="title-${name}">${title}</h2>
<div id="panel-${name}">${body}</div>
</section>`;
}

/**
 * The whole dashboard page, rendered with a first snapshot so that it shows the state at once
 * (and without JavaScript); its script and stylesheet are served by the app beside it.
 */
export function renderDashboardPage(snapshot: DashboardSnapshot, options: DashboardPageOptions = {}): string {
  const panels = renderPanels(snapshot, options);
  const stages = STAGES.map((stage) => `<li data-stage="${stage}">${stage}</li>`).join('');
  const generated = escapeHtml(snapshot.now.toISOString());
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mousetrap pipeline</title>
<link rel="stylesheet" href="dashboard/assets/dashboard.css">
<link rel="icon" href="dashboard/assets/favicon.svg" type="image/svg+xml">
<script src="dashboard/assets/dashboard.js" defer></script>
</head>
<body>
<header>
<h1>mousetrap pipeline</h1>
<nav aria-label="API"><a href="docs">API docs</a> <a href="metrics">metrics</a> <a href="ready">readiness</a></nav>
</header>
<main>
<section class="card wide" aria-labelledby="title-start">
<h2 id="title-start">Start a job</h2>
${renderKeyForm(options)}
<p><button type="button" id="refresh-button" class="primary">Refresh data</button>
<noscript>This page needs JavaScript to start jobs and to update itself.</noscript></p>
<div id="tracker" data-status="idle" aria-live="polite">
<p id="tracker-text">Press “Refresh data” to fetch places and watch the job move through the pipeline.</p>
<ol class="stages" aria-label="Stages">${stages}</ol>
</div>
</section>
${section('map', 'Latest result', panels.map, true)}
${section('queues', 'Queues', panels.queues)}
${section('health', 'Health', panels.health)}
${section('activity', 'Throughput', panels.activity)}
${section('jobs', 'Recent jobs', panels.jobs, true)}
</main>
<footer>Updated <time id="updated" datetime="${generated}">${escapeHtml(snapshot.now.toISOString().slice(11, 19))} UTC</time>; the page polls the API every 2 seconds.</footer>
</body>
</html>
`;
}
