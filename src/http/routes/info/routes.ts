import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IysRequestError } from '../../../domain/iys-errors.js';
import { findTown, PROVINCES, TOWNS } from '../../../domain/provinces.js';
import { ErrorResponse } from '../consents/schema.js';

const City = Type.Object({ code: Type.String(), name: Type.String() });
const Town = Type.Object({ code: Type.String(), name: Type.String(), city_code: Type.String() });

/**
 * İYS info services (iys-api.md §3.7): city and town codes for retailer addresses, under every spelling
 * clients use (`cities`/`city`, `town`/`towns`). Public data, so no token is required.
 */
export function infoRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Bilgi servisleri (info)'];
    const errors = { '4xx': ErrorResponse };
    const notFound = (code: string) => IysRequestError.of('H904', { location: ['code'], value: code });

    for (const path of ['/info/cities', '/info/city']) {
      app.get(
        path,
        {
          schema: {
            tags,
            summary: "Türkiye's 81 provinces by plate code",
            response: { 200: Type.Array(City) },
          },
        },
        async () => [...PROVINCES],
      );
      app.get(
        `${path}/:code`,
        {
          schema: {
            tags,
            summary: 'One province',
            params: Type.Object({ code: Type.String() }),
            response: { 200: City, ...errors },
          },
        },
        async (request) => {
          const city = PROVINCES.find((p) => p.code === request.params.code.padStart(2, '0'));
          if (!city) throw notFound(request.params.code);
          return city;
        },
      );
    }

    for (const path of ['/info/town', '/info/towns']) {
      app.get(
        path,
        {
          schema: {
            tags,
            summary: 'Districts with their province (filter with ?cityCode=34)',
            querystring: Type.Object({ cityCode: Type.Optional(Type.String()) }),
            response: { 200: Type.Array(Town) },
          },
        },
        async (request) => {
          const cityCode = request.query.cityCode?.padStart(2, '0');
          return cityCode ? TOWNS.filter((t) => t.city_code === cityCode) : [...TOWNS];
        },
      );
      app.get(
        `${path}/:code`,
        {
          schema: {
            tags,
            summary: 'One district',
            params: Type.Object({ code: Type.String() }),
            response: { 200: Town, ...errors },
          },
        },
        async (request) => findTown(request.params.code) ?? Promise.reject(notFound(request.params.code)),
      );
    }
  };
}
