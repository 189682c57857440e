import { describeWithServices } from '@mousetrap/test_kit';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../src/openapi.ts';
import { type ServedApi, summary, useApiSuite } from './harness.ts';

/** The document's schema of the JSON answer of `method path` with `status`, with its components to resolve references in. */
function documentedSchema(path: string, method: string, status: number): object {
  const operation = (openApiDocument.paths[path] as Record<string, { responses: Record<string, unknown> }>)[
    method
  ];
  const response = operation?.responses[String(status)] as
    | { content?: Record<string, { schema: object }> }
    | { $ref: string }
    | undefined;
  if (!response) throw new Error(`the document has no ${status} answer for ${method} ${path}`);
  const resolved =
    '$ref' in response
      ? (openApiDocument.components as unknown as Record<string, Record<string, unknown>>).responses?.[
          response.$ref.split('/').pop() ?? ''
        ]
      : response;
  const schema = (resolved as { content?: Record<string, { schema: object }> }).content?.['application/json']
    ?.schema;
  if (!schema) throw new Error(`the ${status} answer of ${method} ${path} has no JSON schema`);
  return { ...schema, components: openApiDocument.components };
}

describeWithServices(
  'the API’s real answers against its OpenAPI document',
  ['postgres'],
  ({ databaseUrl }) => {
    const suite = useApiSuite(databaseUrl, 'apidoc');
    let api: ServedApi;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);

    /** Asks `method path` and checks its JSON answer against what the document says of that status. */
    async function answerMatches(method: string, url: string, documented: string, expectedStatus: number) {
      const response = await fetch(`${api.url}${url}`, { method, headers: { Accept: 'application/json' } });
      expect(response.status).toBe(expectedStatus);
      const body: unknown = await response.json();
      const validate = ajv.compile(documentedSchema(documented, method.toLowerCase(), response.status));
      expect({ answer: `${method} ${url}`, valid: validate(body), errors: validate.errors ?? [] }).toEqual({
        answer: `${method} ${url}`,
        valid: true,
        errors: [],
      });
      return body;
    }

    beforeAll(async () => {
      api = await suite.serve();
    });

    test('every answer of a job’s way, and the errors, match their documented schema', async () => {
      await answerMatches('GET', '/', '/', 200);
      const { job_id: jobId } = (await answerMatches('POST', '/refresh', '/refresh', 202)) as {
        job_id: string;
      };
      await answerMatches('GET', `/jobs/${jobId}`, '/jobs/{id}', 200);
      await suite.store.startStage(jobId, 'processing');
      await suite.store.completeJob(jobId, summary);
      expect(await answerMatches('GET', `/jobs/${jobId}`, '/jobs/{id}', 200)).toHaveProperty('result');
      await answerMatches('GET', '/', '/', 200);
      await answerMatches('POST', `/jobs/${jobId}/retry`, '/jobs/{id}/retry', 409);
      await answerMatches('GET', '/jobs/not-a-uuid', '/jobs/{id}', 400);
      await answerMatches('GET', '/jobs/00000000-0000-4000-8000-000000000000', '/jobs/{id}', 404);
      await answerMatches('GET', '/health', '/health', 200);
      await answerMatches('GET', '/ready', '/ready', 200);
      await answerMatches('GET', '/dashboard/panels', '/dashboard/panels', 200);
    });

    test('a body that breaks the document is found out: the check can fail', () => {
      const validate = ajv.compile(documentedSchema('/jobs/{id}', 'get', 200));
      expect(validate({ id: 'not-a-uuid', status: 'lost' })).toBe(false);
    });
  },
);
