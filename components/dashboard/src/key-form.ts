/** How the dashboard page is rendered, beyond the data it shows. */
export interface DashboardPageOptions {
  /**
   * Whether the API wants a key on its POSTs (API_KEY is set): the page then shows the key field
   * from the start. Without it the field stays hidden until a POST is refused with 401.
   * @default false
   */
  apiKeyRequired?: boolean;
  /** A trace UI's page of one trace, `{traceId}` where the id goes: each traced job links to it. @default undefined */
  traceUiUrl?: string | undefined;
}

/**
 * The API key field: the operator types the key, the page's script keeps it in sessionStorage
 * (this tab only) and sends it as X-API-Key on the page's POSTs. The input has no `name`, so no
 * form submission can ever carry the key into a URL, even with the script not running.
 */
export function renderKeyForm(options: DashboardPageOptions): string {
  const hidden = options.apiKeyRequired === true ? '' : ' hidden';
  return `<form id="key-form" class="key-form" data-state="missing"${hidden}>
<label for="api-key">API key</label>
<div class="key-row">
<input id="api-key" type="password" autocomplete="off" autocapitalize="off" spellcheck="false" aria-describedby="key-status">
<button type="submit" id="key-save">Use key</button>
<button type="button" id="key-forget" hidden>Forget key</button>
</div>
<p id="key-status" class="key-status" role="status">This API needs its key to start and retry jobs. The page keeps it in this browser tab only.</p>
</form>`;
}
