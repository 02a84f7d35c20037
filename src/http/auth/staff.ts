import type { FastifyRequest } from 'fastify';
import { IysRequestError } from '../../domain/iys-errors.js';
import type { RegulatorService, Staff } from '../../services/regulator.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    staff?: Staff;
  }
}

/** Registry staff authenticate with their key as a bearer token (`npm run cli -- regulator-key add`). */
export function requireStaff(regulator: RegulatorService) {
  return async (request: FastifyRequest): Promise<void> => {
    const match = /^bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const staff = match ? await regulator.authenticate(match[1]!) : undefined;
    if (!staff) throw IysRequestError.of('H351');
    request.staff = staff;
  };
}

export function staffOf(request: FastifyRequest): Staff {
  if (!request.staff) throw IysRequestError.of('H351');
  return request.staff;
}
