import { SummarySchema } from '@mousetrap/process_data';
import { toJsonSchemaDefs } from '@valibot/to-json-schema';
import type { SchemaObject } from './openapi-types.ts';
import {
  AcceptedSchema,
  DashboardPanelsSchema,
  ErrorBodySchema,
  HealthSchema,
  JobViewSchema,
  LatestResultSchema,
  ReadinessSchema,
} from './response-schemas.ts';

/** A reference to one of {@link API_SCHEMAS} by name. */
export const schemaRef = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` });

/**
 * The JSON Schemas of the API's bodies, the error body first, derived from the valibot schemas the
 * bodies are made from (response-schemas.ts, the store's JobSchema, process_data's SummarySchema),
 * so that the document cannot drift from them. Checks JSON Schema cannot express (a latitude that
 * is a number in a string) are left out: the document describes, the schemas check.
 */
export const API_SCHEMAS: Readonly<Record<string, SchemaObject>> = asSchemaObjects(
  toJsonSchemaDefs(
    {
      Error: ErrorBodySchema,
      Accepted: AcceptedSchema,
      Summary: SummarySchema,
      LatestResult: LatestResultSchema,
      Job: JobViewSchema,
      Health: HealthSchema,
      Readiness: ReadinessSchema,
      DashboardPanels: DashboardPanelsSchema,
    },
    { target: 'draft-2020-12', typeMode: 'output', errorMode: 'ignore' },
  ),
);

/**
 * JSON Schemas as the document holds them: their references to each other (`#/$defs/<name>`, as
 * JSON Schema writes them) pointed at the document's components.
 */
function asSchemaObjects(schemas: Record<string, object>): Record<string, SchemaObject> {
  const text = JSON.stringify(schemas).replaceAll('"#/$defs/', '"#/components/schemas/');
  return JSON.parse(text) as Record<string, SchemaObject>;
}
