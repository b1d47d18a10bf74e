/** Builds the OpenAPI 3.1 document from the controllers' routes and their RouteDoc metadata. */
import { Inject, Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { z } from 'zod';
import { ROUTE_DOC, type RouteDoc } from '../common/route_doc.js';

/** The error body every route may answer. */
const errorSchema = z.object({ status: z.number(), message: z.string(), data: z.record(z.string(), z.object({ code: z.string(), message: z.string() })) });

type JsonObject = Record<string, unknown>;

/** Generates the document once per request (cheap: a handful of routes). */
@Injectable()
export class OpenApiService {
  constructor(@Inject(DiscoveryService) private readonly discovery: DiscoveryService, @Inject(MetadataScanner) private readonly scanner: MetadataScanner) {}

  /** The OpenAPI document. */
  document(): JsonObject {
    const paths: Record<string, JsonObject> = {};
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      for (const name of this.scanner.getAllMethodNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function') continue;
        const doc = Reflect.getMetadata(ROUTE_DOC, handler) as RouteDoc | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (!doc || method === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
        const path = ('/' + [base, sub].filter((p) => p && p !== '/').join('/')).replace(/\/+/g, '/').replace(/:(\w+)/g, '{$1}');
        (paths[path] ??= {})[RequestMethod[method].toLowerCase()] = this.operation(doc, path);
      }
    }
    return {
      openapi: '3.1.0',
      info: { title: 'Burrow control API', version: '0.1.0', description: 'Accounts and instances of a Burrow platform. Errors are `{status, message, data}` with a code per field.' },
      components: {
        securitySchemes: { session: { type: 'http', scheme: 'bearer', description: 'The token from /api/auth/signup or /api/auth/login.' } },
        schemas: { Error: z.toJSONSchema(errorSchema) },
      },
      paths,
    };
  }

  private queryParameters(query: RouteDoc['query']): JsonObject[] {
    if (!query) return [];
    const schema = z.toJSONSchema(query, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonObject>; required?: string[] };
    return Object.entries(schema.properties ?? {}).map(([name, property]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property }));
  }

  private operation(doc: RouteDoc, path: string): JsonObject {
    const status = String(doc.status ?? 200);
    const success: JsonObject = { description: doc.summary };
    if (doc.response) success.content = { 'application/json': { schema: z.toJSONSchema(doc.response, { io: 'output', unrepresentable: 'any' }) } };
    if (doc.produces) success.content = { [doc.produces]: { schema: { type: 'string' } } };
    const errorRef = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    const op: JsonObject = {
      summary: doc.summary,
      tags: [doc.tag],
      responses: { [status]: success, '4XX': errorRef, '5XX': errorRef },
      parameters: [
        ...[...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
        ...this.queryParameters(doc.query),
      ],
    };
    if (!doc.public) op.security = [{ session: [] }];
    if (doc.body) op.requestBody = { required: true, content: { 'application/json': { schema: z.toJSONSchema(doc.body, { io: 'input', unrepresentable: 'any' }) } } };
    return op;
  }
}
