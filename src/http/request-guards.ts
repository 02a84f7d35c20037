import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IysRequestError, httpStatusOf, iysError, type IysErrorCode } from '../domain/iys-errors.js';
import { sendIysErrors } from './errors.js';

/** No request body of this API nests deeper; a deeper one is refused before it reaches any parser. */
export const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of a JSON text, by one scan that skips strings: linear and without recursion, so a
 * body nested 5,000 deep is measured, not walked by code that would run out of stack.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** The location (path of keys) of the first string or key holding NUL, walked without recursion; bytes are not text. */
export function findNul(value: unknown): (string | number)[] | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\0')) return path;
    } else if (ArrayBuffer.isView(current)) {
      // A binary body (a file sent as is) is bytes, not text: walking it as an object would make an entry
      // per byte (1.8 GB of heap for a 5 MB file). Its own reader judges its content.
      continue;
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: [...path, index] }));
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\0')) return path;
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/** A multipart form field's text: held to the same rule as a JSON body (no NUL). */
export function formFieldText(part: { fieldname: string; value: unknown }): string {
  const text = String(part.value);
  if (text.includes('\0')) throw IysRequestError.of('H969', { location: [part.fieldname] });
  return text;
}

const FRAMEWORK_CODES: Record<string, IysErrorCode> = {
  FST_ERR_BAD_URL: 'H967',
  FST_ERR_MAX_PARAM_LENGTH: 'H968',
  FST_ERR_ASYNC_CONSTRAINT: 'H967',
};

/** What the router rejects before any route runs (bad %-encoding, an over-long path value), in İYS shape. */
export function frameworkErrors(error: { code?: string }, _request: FastifyRequest, reply: FastifyReply) {
  const code = FRAMEWORK_CODES[error.code ?? ''] ?? 'H967';
  return sendIysErrors(reply, httpStatusOf(code), [iysError(code)]);
}

/**
 * Guards every request before its route sees it: no NUL anywhere (the database refuses it in text, and no
 * legitimate value holds one), JSON no deeper than MAX_JSON_DEPTH, multipart only with its boundary.
 */
export function guardRequests(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // JSON can carry NUL only as the escape \u0000: a body without that text needs no walk (a 1000-item bulk
  // body: 0.02 ms for the look instead of 0.9 ms for the walk).
  const nulFree = new WeakSet<FastifyRequest>();
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > MAX_JSON_DEPTH) return done(IysRequestError.of('H970'), undefined);
    if (!text.includes('\\u0000')) nulFree.add(request);
    parseJson(request, text, done);
  });

  app.addHook('onRequest', async (request) => {
    if (/%00/i.test(request.url) || request.url.includes('\0')) throw IysRequestError.of('H969');
    const type = request.headers['content-type'] ?? '';
    if (/^multipart\/form-data/i.test(type) && !/;\s*boundary=[^;]+/i.test(type))
      throw IysRequestError.of('H905', { location: ['content-type'] });
  });

  app.addHook('preValidation', async (request) => {
    if (nulFree.has(request)) return;
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') {
      if (typeof request.body === 'string' && request.body.includes('\0')) throw IysRequestError.of('H969');
      return;
    }
    const location = findNul(request.body);
    if (location) throw IysRequestError.of('H969', { location });
  });
}
