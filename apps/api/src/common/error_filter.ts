/**
 * The one global exception filter: ApiError as is, Nest/Fastify HTTP errors in the same
 * shape, anything else a generic 500 with an `errorId` that is also logged with the cause.
 */
import { randomUUID } from 'node:crypto';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueueUnavailableError } from '@burrow/jobs';
import { ApiError } from './api_error.js';
import type { Logger } from './logger.js';

/** Converts every thrown value into `{status, message, data}`. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  /** Nest calls this for every exception escaping a handler, guard or pipe. */
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const err = this.toApiError(exception, request);
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    void reply.status(err.status).headers(err.headers).send({ status: err.status, message: err.message, data: err.data, ...this.extra(err) });
  }

  private extra(err: ApiError): Record<string, string> {
    return err.status >= 500 && err.headers['x-error-id'] ? { errorId: err.headers['x-error-id'] } : {};
  }

  private toApiError(exception: unknown, request: FastifyRequest): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof QueueUnavailableError) return ApiError.unavailable(exception.message);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return ApiError.notFound();
      if (status < 500) return new ApiError(status, status === 413 ? 'The request body is too large.' : httpMessage(exception));
    }
    const fastifyStatus = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return new ApiError(fastifyStatus, fastifyStatus === 413 ? 'The request body is too large.' : 'The request could not be read (invalid body or headers).');
    }
    const errorId = randomUUID();
    this.logger.error('unhandled error', { errorId, requestId: String(request.id), method: request.method, url: request.url, error: describe(exception) });
    const e = new ApiError(500, 'Something went wrong while processing your request.', {}, undefined, { 'x-error-id': errorId });
    return e;
  }
}

function httpMessage(e: HttpException): string {
  const r = e.getResponse();
  if (typeof r === 'object' && r && typeof (r as { message?: unknown }).message === 'string') return (r as { message: string }).message;
  return e.message;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);
}
