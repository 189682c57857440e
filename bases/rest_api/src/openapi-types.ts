/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it); kept open, since the page shows it as JSON. */
export type SchemaObject = { readonly [keyword: string]: unknown };

/** A header of a request or a response. */
export interface HeaderObject {
  description: string;
  required?: boolean;
  schema: SchemaObject;
}

/** A parameter of an operation: in the path, or a request header. */
export interface ParameterObject extends HeaderObject {
  name: string;
  in: 'path' | 'header';
}

/** One possible answer of an operation. */
export interface ResponseObject {
  description: string;
  headers?: Readonly<Record<string, HeaderObject>>;
  content?: Readonly<Record<string, { schema: SchemaObject }>>;
}

/** One method on one path. */
export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  security?: readonly Readonly<Record<string, readonly string[]>>[];
  parameters: readonly ParameterObject[];
  requestBody?: {
    description: string;
    required: boolean;
    content: Readonly<Record<string, { schema: SchemaObject }>>;
  };
  responses: Readonly<Record<string, ResponseObject>>;
}

/** An OpenAPI 3.1 document, as much of it as this API uses. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Readonly<Record<string, Readonly<Partial<Record<'get' | 'post', OperationObject>>>>>;
  components: {
    schemas: Readonly<Record<string, SchemaObject>>;
    securitySchemes: Readonly<Record<string, SchemaObject>>;
  };
}
