import { escapeHtml } from '@mousetrap/dashboard';
import type { OpenApiDocument, OperationObject, ResponseObject } from './openapi-types.ts';

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
section { border: 1px solid #ddd; border-radius: 6px; padding: 0 1rem 1rem; margin: 1.5rem 0; }
h2 code { font-size: 1.1rem; }
.method { display: inline-block; min-width: 4rem; padding: 0 .4rem; border-radius: 4px; color: #fff;
  font: bold .9rem monospace; text-align: center; background: #2a6ebb; }
.method.post { background: #2e8540; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border-bottom: 1px solid #eee; padding: .3rem .5rem; text-align: left; vertical-align: top; }
pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; font-size: .85rem; }
`;

const json = (value: unknown) => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = (row: readonly string[], tag: string) =>
    row.map((cell) => `<${tag}>${cell}</${tag}>`).join('');
  return `<table><thead><tr>${cells(head, 'th')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${cells(row, 'td')}</tr>`)
    .join('')}</tbody></table>`;
}

function responseRow(status: string, response: ResponseObject): string[] {
  const headers = Object.keys(response.headers ?? {}).map((name) => `<code>${escapeHtml(name)}</code>`);
  const content = Object.entries(response.content ?? {}).map(
    ([type, { schema }]) => `<code>${escapeHtml(type)}</code>${json(schema)}`,
  );
  return [
    `<code>${escapeHtml(status)}</code>`,
    escapeHtml(response.description),
    headers.join('<br>'),
    content.join(''),
  ];
}

function operation(method: string, path: string, op: OperationObject): string {
  const parts = [
    `<h2><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h2>`,
    `<p><strong>${escapeHtml(op.summary)}</strong></p>`,
  ];
  if (op.description) parts.push(`<p>${escapeHtml(op.description)}</p>`);
  if (op.security) {
    const schemes = op.security.flatMap((requirement) => Object.keys(requirement)).map(escapeHtml);
    parts.push(`<p>Security: ${schemes.map((scheme) => `<code>${scheme}</code>`).join(' or ')}</p>`);
  }
  parts.push(
    '<h3>Parameters</h3>',
    table(
      ['Name', 'In', 'Required', 'Description', 'Schema'],
      op.parameters.map((p) => [
        `<code>${escapeHtml(p.name)}</code>`,
        escapeHtml(p.in),
        p.required ? 'yes' : 'no',
        escapeHtml(p.description),
        json(p.schema),
      ]),
    ),
  );
  if (op.requestBody) {
    parts.push('<h3>Request body</h3>', `<p>${escapeHtml(op.requestBody.description)}</p>`);
  }
  parts.push(
    '<h3>Responses</h3>',
    table(
      ['Status', 'Description', 'Headers', 'Body'],
      Object.entries(op.responses).map(([status, response]) => responseRow(status, response)),
    ),
  );
  return `<section id="${escapeHtml(op.operationId)}">${parts.join('\n')}</section>`;
}

/**
 * Renders an OpenAPI document as one self-contained HTML page (inline style, no scripts, nothing
 * loaded from elsewhere): every operation with its parameters and responses, then the schemas.
 */
export function renderDocsPage(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => operation(method, path, op)),
  );
  const schemas = Object.entries(document.components.schemas).map(
    ([name, schema]) => `<h3 id="schema-${escapeHtml(name)}">${escapeHtml(name)}</h3>${json(schema)}`,
  );
  const { title, version, description } = document.info;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)} <small>${escapeHtml(version)}</small></h1>
<p>${escapeHtml(description)}</p>
<p>OpenAPI ${escapeHtml(document.openapi)} document: <a href="openapi.json">openapi.json</a></p>
${operations.join('\n')}
<h2>Schemas</h2>
${schemas.join('\n')}
</body>
</html>
`;
}
