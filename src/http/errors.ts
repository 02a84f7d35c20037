import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDataException } from '../db/errors.js';
import {
  IysRequestError,
  httpStatusOf,
  iysError,
  type IysErrorItem,
  type IysErrorCode,
} from '../domain/iys-errors.js';

/**
 * Renders the İYS error body: `{"errors":[{code,message,location,value}]}`. Serialised here rather than by
 * the route's response schema, so an error can never fail serialisation and turn into a 500.
 */
export function sendIysErrors(reply: FastifyReply, status: number, errors: IysErrorItem[]): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify({ errors }));
}

/** Fastify's own rejections (before our handlers run), translated to İYS codes. */
const FASTIFY_CODES: Record<string, IysErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'H014',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'H014',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'H014',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'H905',
  FST_ERR_CTP_BODY_TOO_LARGE: 'H906',
  FST_ERR_CTP_INVALID_TYPE: 'H905',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'H905',
  FST_REQ_FILE_TOO_LARGE: 'H922',
  FST_FILES_LIMIT: 'H923',
  FST_PARTS_LIMIT: 'H923',
  FST_FIELDS_LIMIT: 'H923',
};

/**
 * The one error handler: domain errors keep their code and status; malformed requests get their İYS code;
 * anything unexpected is logged in full and answered with the retryable H015, never with its details.
 */
export function registerErrorHandling(
  app: FastifyInstance,
  /** Answers GETs no route took (the web app's client-side routes); undefined → always the İYS 404. */
  fallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined,
): void {
  app.setErrorHandler(
    (error: FastifyError | IysRequestError, request: FastifyRequest, reply: FastifyReply) => {
      if (error instanceof IysRequestError) {
        if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
        return sendIysErrors(reply, error.status, error.errors);
      }
      if (error.validation) return sendIysErrors(reply, 422, validationErrors(error));
      const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
      if (mapped) return sendIysErrors(reply, httpStatusOf(mapped), [iysError(mapped)]);
      if (error instanceof SyntaxError || error.statusCode === 400) {
        return sendIysErrors(reply, 400, [iysError('H014')]);
      }
      // The database is restarting or unreachable: nothing was done, and trying again shortly will work.
      if (isDatabaseUnavailable(error)) {
        request.log.warn({ code: (error as { code?: string }).code }, 'database unavailable');
        return sendIysErrors(reply.header('retry-after', '5'), 503, [iysError('H972')]);
      }
      // A value the database refuses as data (out of an integer's range, NUL in text, not a date) got past
      // an edge check: still the client's input, so a 4xx; logged, because the edge should have caught it.
      if (isDataException(error)) {
        request.log.warn({ code: (error as { code?: string }).code }, 'input refused by the database');
        return sendIysErrors(reply, 422, [iysError('H923')]);
      }
      // Any other rejection a plugin raised about the request itself stays a client error.
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return sendIysErrors(reply, error.statusCode, [iysError('H923')]);
      }
      request.log.error({ err: error }, 'unhandled error');
      return sendIysErrors(reply, 500, [iysError('H015')]);
    },
  );

  app.setNotFoundHandler(
    (request, reply) =>
      fallback?.(request, reply) ??
      sendIysErrors(reply, 404, [iysError('H904', { location: ['path'], value: request.url.split('?')[0] })]),
  );
}

/** A schema validation failure, as İYS errors: `location` names the part and the field, never the value. */
function validationErrors(error: FastifyError): IysErrorItem[] {
  return (error.validation ?? []).map((issue) => {
    const path = issue.instancePath.split('/').filter((part) => part !== '');
    const missing = (issue.params as { missingProperty?: string }).missingProperty;
    return iysError('H923', {
      location: [error.validationContext ?? 'body', ...path, ...(missing ? [missing] : [])],
    });
  });
}

/**
 * The database went away under the request: refused or reset connections, a server shutting down or
 * starting (57P01–57P03), a connection exception (08xxx), or the driver's own words for a dropped link.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|57P0[123]|08\w{3})$/.test(code)
  )
    return true;
  const message = String((error as Error | null)?.message ?? '');
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}
