/**
 * The dashboard's Content-Security-Policy: everything (script, style, images, requests) from the
 * app itself only; no inline script or style, no framing, no other base or form target.
 */
export const DASHBOARD_CONTENT_SECURITY_POLICY =
  "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
