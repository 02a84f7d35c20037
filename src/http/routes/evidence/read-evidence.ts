import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { MAX_EVIDENCE_BYTES } from '../../../domain/evidence-file.js';
import { IysRequestError } from '../../../domain/iys-errors.js';
import { formFieldText } from '../../request-guards.js';

/** Multipart framing and the transaction id around a file of the largest size. */
export const EVIDENCE_BODY_LIMIT = Math.ceil(MAX_EVIDENCE_BYTES * 1.4) + 64 * 1024;

/**
 * An evidence upload: multipart/form-data with `transactionId` and `file`, or JSON
 * `{"transactionId", "content": <base64>}` for clients that only speak JSON. A file over the limit is
 * H995, whatever its declared type.
 */
export async function readEvidence(
  request: FastifyRequest,
): Promise<{ transactionId: unknown; file?: Buffer }> {
  if (!request.isMultipart()) {
    const body = (request.body ?? {}) as { transactionId?: unknown; content?: unknown };
    const file =
      typeof body.content === 'string' && /^[A-Za-z0-9+/=\s]*$/.test(body.content)
        ? Buffer.from(body.content, 'base64')
        : undefined;
    return { transactionId: body.transactionId, file };
  }
  let transactionId: unknown;
  let file: Buffer | undefined;
  for await (const part of request.parts({ limits: { fileSize: MAX_EVIDENCE_BYTES, files: 1, fields: 4 } })) {
    if (part.type === 'file') {
      const data = await (part as MultipartFile).toBuffer().catch((error: { code?: string }) => {
        if (error.code === 'FST_REQ_FILE_TOO_LARGE') throw IysRequestError.of('H995', { location: ['file'] });
        throw error;
      });
      if (part.fieldname === 'file') file = data;
    } else if (part.fieldname === 'transactionId') {
      transactionId = formFieldText(part);
    }
  }
  return { transactionId, file };
}
