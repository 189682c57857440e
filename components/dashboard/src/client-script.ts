/**
 * The dashboard's script, served as dashboard/assets/dashboard.js: it starts and retries jobs,
 * follows one job through its stages (GET jobs/<id>), and swaps in fresh panels every 2 seconds
 * (GET dashboard/panels), keeping the keyboard focus where it was. An API key the operator enters
 * is kept in sessionStorage (this tab only; never a cookie, a URL or a log) and sent as X-API-Key
 * on POSTs; a 401 shows the key field and asks for the key. Plain browser JavaScript, no
 * framework; text from the API is set with textContent, panels come rendered and escaped by the app.
 */
export const DASHBOARD_SCRIPT = `'use strict';
(() => {
  const POLL_MS = 2000;
  const TRACK_MS = 400;
  const STAGES = ['queued', 'fetching', 'processing', 'done'];
  const byId = (id) => document.getElementById(id);
  const tracker = byId('tracker');
  const trackerText = byId('tracker-text');
  const refreshButton = byId('refresh-button');
  const keyForm = byId('key-form');
  const keyInput = byId('api-key');
  const keyStatus = byId('key-status');
  const keyForget = byId('key-forget');
  const KEY_ITEM = 'mousetrap.apiKey';
  const shown = new Map();
  let tracked = null;
  let pollTimer = null;

  // sessionStorage can be switched off; the key then lasts as long as the page.
  let apiKey = '';
  try {
    apiKey = sessionStorage.getItem(KEY_ITEM) || '';
  } catch {}

  function keepKey(key) {
    apiKey = key;
    try {
      if (key) sessionStorage.setItem(KEY_ITEM, key);
      else sessionStorage.removeItem(KEY_ITEM);
    } catch {}
  }

  function showKey(state, text) {
    keyForm.dataset.state = state;
    keyStatus.textContent = text;
    keyForget.hidden = !apiKey;
  }

  function askForKey() {
    const refused = apiKey !== '';
    keepKey('');
    keyForm.hidden = false;
    showKey('needed', (refused ? 'The API refused this key.' : 'The API needs its key.') + ' Enter it here, then press the button again.');
    keyInput.focus();
  }

  keyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    keyInput.value = '';
    if (!key) {
      if (!apiKey) showKey('needed', 'Type the key first.');
      keyInput.focus();
      return;
    }
    keepKey(key);
    showKey('set', 'Key set for this tab: Refresh data and Retry send it.');
  });

  keyForget.addEventListener('click', () => {
    keepKey('');
    showKey('missing', 'Key forgotten.');
    keyInput.focus();
  });

  if (apiKey) {
    keyForm.hidden = false;
    showKey('set', 'Key set for this tab: Refresh data and Retry send it.');
  }

  async function call(method, path) {
    const headers = { Accept: 'application/json' };
    if (method === 'POST' && apiKey) headers['X-API-Key'] = apiKey;
    const response = await fetch(path, { method, headers });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.message || method + ' ' + path + ' answered ' + response.status);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function say(status, text) {
    tracker.dataset.status = status;
    trackerText.textContent = text;
  }

  function showJob(job) {
    const reached = STAGES.indexOf(job.status);
    const failedAt = job.processing_at ? 2 : job.fetching_at ? 1 : 0;
    for (const item of tracker.querySelectorAll('[data-stage]')) {
      const index = STAGES.indexOf(item.dataset.stage);
      const failed = job.status === 'failed' && index === failedAt;
      const past = job.status === 'done' ? index <= reached : job.status === 'failed' ? index < failedAt : index < reached;
      item.className = failed ? 'failed' : past ? 'past' : index === reached ? 'current' : '';
      if (index === reached || failed) item.setAttribute('aria-current', 'step');
      else item.removeAttribute('aria-current');
    }
    tracker.dataset.job = job.id;
    const attempts = job.attempts === 1 ? '1 attempt' : job.attempts + ' attempts';
    let text = 'Job ' + job.id.slice(0, 8) + ': ' + job.status + ' (' + attempts + ')';
    if (job.status === 'done' && job.result) {
      const [lat, lon] = job.result.centroid;
      text += '; centroid ' + lat.toFixed(2) + ', ' + lon.toFixed(2);
    }
    if (job.status === 'failed') text += ': ' + (job.error || 'no reason given');
    say(job.status, text);
  }

  async function track(jobId) {
    tracked = jobId;
    while (tracked === jobId) {
      let job;
      try {
        job = await call('GET', 'jobs/' + encodeURIComponent(jobId));
      } catch (error) {
        say('error', 'Could not read job ' + jobId.slice(0, 8) + ': ' + error.message);
        return;
      }
      if (tracked !== jobId) return;
      showJob(job);
      if (job.status === 'done' || job.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, TRACK_MS));
    }
    await refreshPanels();
  }

  async function start(path, what) {
    say('starting', what + '…');
    let body;
    try {
      body = await call('POST', path);
    } catch (error) {
      if (error.status === 401) {
        say('error', what + ' failed: the API needs its key. Enter it under “API key” and try again.');
        askForKey();
      } else say('error', what + ' failed: ' + error.message);
      return;
    }
    refreshPanels();
    track(body.job_id);
  }

  function swap(name, html) {
    const host = byId('panel-' + name);
    if (!host || shown.get(name) === html) return;
    const focused = document.activeElement;
    const focusId = focused && focused.id && host.contains(focused) ? focused.id : null;
    host.innerHTML = html;
    shown.set(name, html);
    if (focusId) {
      const again = byId(focusId);
      if (again) again.focus();
    }
  }

  async function refreshPanels() {
    clearTimeout(pollTimer);
    try {
      const body = await call('GET', 'dashboard/panels');
      for (const [name, html] of Object.entries(body.panels)) swap(name, html);
      const updated = byId('updated');
      updated.dateTime = body.generated_at;
      updated.textContent = body.generated_at.slice(11, 19) + ' UTC';
      document.body.dataset.stale = 'false';
    } catch (error) {
      document.body.dataset.stale = 'true';
      byId('updated').textContent = 'not since the last answer (' + error.message + ')';
    }
    pollTimer = setTimeout(poll, POLL_MS);
  }

  function poll() {
    if (document.hidden) pollTimer = setTimeout(poll, POLL_MS);
    else refreshPanels();
  }

  refreshButton.addEventListener('click', async () => {
    refreshButton.disabled = true;
    try {
      await start('refresh', 'Starting a job');
    } finally {
      refreshButton.disabled = false;
    }
  });

  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-retry]');
    if (!button) return;
    button.disabled = true;
    start('jobs/' + encodeURIComponent(button.dataset.retry) + '/retry', 'Retrying job ' + button.dataset.retry.slice(0, 8));
  });

  pollTimer = setTimeout(poll, POLL_MS);
})();
`;
