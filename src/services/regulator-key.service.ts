import { createHash, randomBytes } from 'node:crypto';
import type { ComplaintRepository } from '../repositories/complaint.repository.js';

const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/** API keys of registry staff using the regulator API: shown once, stored as SHA-256 hashes. */
export function createRegulatorKeyService(
  keys: Pick<ComplaintRepository, 'insertRegulatorKey' | 'findRegulatorKey'>,
) {
  return {
    async addKey(name: string): Promise<string> {
      const key = randomBytes(24).toString('base64url');
      await keys.insertRegulatorKey(hashKey(key), name);
      return key;
    },
    /** The key holder's name, or undefined for an unknown or revoked key. */
    async authenticate(key: string): Promise<string | undefined> {
      return (await keys.findRegulatorKey(hashKey(key)))?.name;
    },
  };
}

export type RegulatorKeyService = ReturnType<typeof createRegulatorKeyService>;
