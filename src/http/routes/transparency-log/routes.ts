import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IysRequestError } from '../../../domain/iys-errors.js';
import type { TransparencyLogService } from '../../../services/transparency-log.service.js';
import { MAX_ENTRIES } from '../../../services/transparency-log.service.js';
import { Jwk, SignedTreeHead } from './schema.js';

const Hash = Type.Optional(Type.String({ description: 'SHA-256, 64 hex characters' }));
const Size = Type.Optional(Type.String({ description: 'a non-negative integer' }));

/**
 * Query values are checked here rather than by the schema, so a malformed one is 400 with its H988 (as the
 * log's API promises, like RFC 9162's), not the provider API's 422 for a body field.
 */
function sizeOf(name: string, raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,15}$/.test(raw))
    throw IysRequestError.of('H988', { location: [name], value: raw ?? null, vars: { name } });
  return Number(raw);
}
function hashOf(name: string, raw: string | undefined): Buffer {
  if (raw === undefined || !/^[0-9a-fA-F]{64}$/.test(raw))
    throw IysRequestError.of('H988', { location: [name], value: raw ?? null, vars: { name } });
  return Buffer.from(raw, 'hex');
}

/**
 * The transparency log's public API (RFC 9162 proofs over every consent movement): no sign-in and no
 * personal data, since leaves are hashes. Anyone can check that the registry never rewrites its history.
 */
export function transparencyLogRoutes(log: TransparencyLogService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Şeffaflık günlüğü (transparency log)'];
    app.get(
      '/log/v1/keys',
      {
        schema: {
          tags,
          summary: 'Keys that sign the tree heads (JWKS)',
          response: { 200: Type.Object({ keys: Type.Array(Jwk) }) },
        },
      },
      async () => log.keys(),
    );
    app.get(
      '/log/v1/sth',
      { schema: { tags, summary: 'The latest signed tree head', response: { 200: SignedTreeHead } } },
      async () => log.signedTreeHead(),
    );
    app.get(
      '/log/v1/proof/inclusion',
      {
        schema: {
          tags,
          summary: 'Audit path of a leaf in the tree of a given size (RFC 9162 §2.1.3)',
          querystring: Type.Object({ leafHash: Hash, treeSize: Size }),
          response: {
            200: Type.Object({
              leafIndex: Type.Integer(),
              treeSize: Type.Integer(),
              auditPath: Type.Array(Type.String()),
            }),
          },
        },
      },
      async ({ query }) =>
        log.inclusion(hashOf('leafHash', query.leafHash), sizeOf('treeSize', query.treeSize)),
    );
    app.get(
      '/log/v1/proof/consistency',
      {
        schema: {
          tags,
          summary: 'That the tree of size first is a prefix of the tree of size second (RFC 9162 §2.1.4)',
          querystring: Type.Object({ first: Size, second: Size }),
          response: {
            200: Type.Object({
              first: Type.Integer(),
              second: Type.Integer(),
              consistency: Type.Array(Type.String()),
            }),
          },
        },
      },
      async ({ query }) => log.consistency(sizeOf('first', query.first), sizeOf('second', query.second)),
    );
    app.get(
      '/log/v1/entries',
      {
        schema: {
          tags,
          summary: `Leaves [start, end), at most ${MAX_ENTRIES}`,
          querystring: Type.Object({ start: Size, end: Size }),
          response: {
            200: Type.Object({
              entries: Type.Array(Type.Object({ leafIndex: Type.Integer(), leafHash: Type.String() })),
            }),
          },
        },
      },
      async ({ query }) => log.entries(sizeOf('start', query.start), sizeOf('end', query.end)),
    );
  };
}
