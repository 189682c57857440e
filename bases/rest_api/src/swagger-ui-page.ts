import { escapeHtml } from '@mousetrap/dashboard';

/**
 * The docs page's Content-Security-Policy: script, style, requests and images from the app only
 * (the page's own "Try it out" requests included), no inline script or style, no framing, no other
 * base or form target. Images may also be `data:` URIs: swagger-ui.css draws its icons (select
 * arrows, checkboxes, the loading spinner) as data: images, which load nothing from anywhere.
 */
export const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/**
 * The page's own script, served as docs/assets/swagger-initializer.js (a file, so the policy
 * needs no inline script): Swagger UI on this API's document, found next to the page so that a
 * path prefix in front of the API still works. No validator badge (validatorUrl would send the
 * document to validator.swagger.io); no ?url= or ?configUrl= from the address bar; the key typed
 * under Authorize is kept in the page's memory only, never in localStorage.
 */
export const SWAGGER_INITIALIZER = `'use strict';
window.ui = SwaggerUIBundle({
  url: new URL('openapi.json', document.baseURI).href,
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  presets: [SwaggerUIBundle.presets.apis],
  deepLinking: true,
  displayRequestDuration: true,
  validatorUrl: null,
  queryConfigEnabled: false,
  persistAuthorization: false,
});
`;

/** The docs page: Swagger UI's stylesheet and bundle, then the initializer, all from docs/assets. */
export function renderSwaggerUiPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
<link rel="stylesheet" href="docs/assets/index.css">
<link rel="icon" href="docs/assets/favicon-32x32.png" type="image/png">
<script src="docs/assets/swagger-ui-bundle.js" defer></script>
<script src="docs/assets/swagger-initializer.js" defer></script>
</head>
<body>
<div id="swagger-ui"><noscript><p>This page needs JavaScript; the document itself is <a href="openapi.json">openapi.json</a>.</p></noscript></div>
</body>
</html>
`;
}
