/**
 * Route documentation that lives on the handler itself, so the OpenAPI document is generated
 * from the code (ops/openapi.ts walks the controllers) and can never list a route that is gone.
 */
import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

/** What a route says about itself. */
export interface RouteDoc {
  summary: string;
  tag: string;
  /** No session needed (sign up, log in, health...). */
  public?: boolean;
  /** Success status (default 200). */
  status?: number;
  /** Query parameters: an object schema, each property one parameter. */
  query?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
  /** Response media type when not JSON (e.g. text/event-stream). */
  produces?: string;
}

/** Metadata key of RouteDoc. */
export const ROUTE_DOC = 'burrow:route-doc';

/** Documents a handler (and marks it public when `doc.public`). */
export const Route = (doc: RouteDoc): MethodDecorator => SetMetadata(ROUTE_DOC, doc);
