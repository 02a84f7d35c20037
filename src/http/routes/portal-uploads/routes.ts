import { PassThrough, Readable } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { csvOptions, inertCell } from '../../spreadsheet.js';
import type { FastifyReply } from 'fastify';
import { IysRequestError } from '../../../domain/iys-errors.js';
import { EXPORT_COLUMNS, TEMPLATE_EXAMPLE, UPLOAD_COLUMNS } from '../../../domain/upload-row.js';
import { formatWireDate } from '../../../domain/wire-date.js';
import type { PortalAccountService } from '../../../services/portal-account.service.js';
import type { ProviderPortalService } from '../../../services/provider-portal.service.js';
import type { UploadService } from '../../../services/upload.service.js';
import { portalUserOf, requirePortalUser } from '../../auth/portal-session.js';
import { ErrorResponse } from '../consents/schema.js';

const Upload = Type.Object({
  id: Type.String(),
  brandCode: Type.Integer(),
  fileName: Type.String(),
  format: Type.String(),
  status: Type.String(),
  /** Marked as a migration of past records: sends no message; an ONAY that would is refused (H981). */
  migration: Type.Boolean(),
  totalRows: Type.Union([Type.Integer(), Type.Null()]),
  rowsDone: Type.Integer(),
  rowsApplied: Type.Integer(),
  rowsFailed: Type.Integer(),
  rowsPerSecond: Type.Integer(),
  secondsLeft: Type.Union([Type.Integer(), Type.Null()]),
  failure: Type.Union([Type.String(), Type.Null()]),
  failureCode: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
type UploadView = Awaited<ReturnType<UploadService['get']>>;
const presentUpload = (u: UploadView) => ({
  ...u,
  receivedAt: formatWireDate(u.receivedAt),
  finishedAt: u.finishedAt ? formatWireDate(u.finishedAt) : null,
});

const attachment = (reply: FastifyReply, type: string, fileName: string) =>
  reply.type(type).header('content-disposition', `attachment; filename="${fileName}"`);

/** A sheet holds at most 1,048,576 rows: a larger export continues on the next sheet. */
const ROWS_PER_SHEET = 1_000_000;

/** Streams rows into an XLSX download, one sheet per million rows, each with the header. */
function writeXlsx(
  reply: FastifyReply,
  columns: readonly string[],
  rows: AsyncIterable<unknown[]>,
): FastifyReply {
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useSharedStrings: false,
    useStyles: false,
  });
  void (async () => {
    let sheet: ExcelJS.Worksheet | undefined;
    let rowsInSheet = ROWS_PER_SHEET;
    let sheets = 0;
    for await (const row of rows) {
      if (rowsInSheet === ROWS_PER_SHEET) {
        sheet?.commit();
        sheet = workbook.addWorksheet(`izinler-${++sheets}`);
        sheet.addRow([...columns]).commit();
        rowsInSheet = 0;
      }
      sheet!.addRow(row.map((cell) => (typeof cell === 'string' ? inertCell(cell) : cell))).commit();
      rowsInSheet++;
    }
    if (!sheet)
      workbook
        .addWorksheet('izinler-1')
        .addRow([...columns])
        .commit();
    sheet?.commit();
    await workbook.commit();
  })().catch((error: unknown) => {
    reply.log.error({ err: error }, 'xlsx export failed');
    output.destroy(error as Error);
  });
  return reply.send(output);
}

/** Consent files in the portal: template, upload, progress, error report, and exports. */
export function portalUploadRoutes(deps: {
  portalAccounts: PortalAccountService;
  uploads: UploadService;
  providerPortal: ProviderPortalService;
}): FastifyPluginAsyncTypebox {
  const { uploads } = deps;
  return async (app) => {
    const tags = ['Firma portalı (provider portal)'];
    const errors = { '4xx': ErrorResponse };
    const Params = Type.Object({ id: Type.String() });

    app.get(
      '/api/portal/uploads/template.csv',
      { schema: { tags, summary: 'The upload template (CSV)' } },
      async (_, reply) =>
        attachment(reply, 'text/csv; charset=utf-8', 'izin-sablonu.csv').send(
          // A byte-order mark, so Excel shows Turkish letters (see csvOptions).
          `\uFEFF${UPLOAD_COLUMNS.join(',')}\r\n${TEMPLATE_EXAMPLE.join(',')}\r\n`,
        ),
    );
    app.get(
      '/api/portal/uploads/template.xlsx',
      { schema: { tags, summary: 'The upload template (XLSX)' } },
      async (_, reply) =>
        writeXlsx(
          attachment(
            reply,
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
            'izin-sablonu.xlsx',
          ),
          UPLOAD_COLUMNS,
          Readable.from([TEMPLATE_EXAMPLE]),
        ),
    );

    await app.register(async (scope) => {
      const company = scope.withTypeProvider<TypeBoxTypeProvider>();
      company.addHook('preHandler', requirePortalUser(deps.portalAccounts));

      company.get(
        '/api/portal/uploads',
        {
          schema: {
            tags,
            summary: 'The last 50 uploads with their progress',
            response: { 200: Type.Array(Upload) },
          },
        },
        async (request) => (await uploads.list(portalUserOf(request))).map(presentUpload),
      );
      company.get(
        '/api/portal/uploads/:id',
        {
          schema: {
            tags,
            summary: 'One upload: rows done / total, rate, time left',
            params: Params,
            response: { 200: Upload, ...errors },
          },
        },
        async (request) => presentUpload(await uploads.get(portalUserOf(request), request.params.id)),
      );
      company.get(
        '/api/portal/uploads/:id/errors.csv',
        { schema: { tags, summary: 'The per-row error report (row, code, message, field)', params: Params } },
        async (request, reply) => {
          const rows = await uploads.errors(portalUserOf(request), request.params.id);
          const csv = Readable.from(rows).pipe(
            stringify(csvOptions(['row', 'code', 'message', 'field'], { forPeople: true })),
          );
          return attachment(reply, 'text/csv; charset=utf-8', `hatalar-${request.params.id}.csv`).send(csv);
        },
      );
      for (const format of ['csv', 'xlsx'] as const) {
        company.get(
          `/api/portal/brands/:brandCode/consents.${format}`,
          {
            config: { auditAs: `consents.export.${format}` },
            schema: {
              tags,
              summary: `Export a brand's current consents as ${format.toUpperCase()} (streamed)`,
              params: Type.Object({ brandCode: Type.String() }),
            },
          },
          async (request, reply) => {
            const rows = await deps.providerPortal.exportConsents(
              portalUserOf(request),
              request.params.brandCode,
            );
            const name = `izinler-${request.params.brandCode}.${format}`;
            if (format === 'xlsx')
              return writeXlsx(
                attachment(reply, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', name),
                EXPORT_COLUMNS,
                rows,
              );
            const csv = Readable.from(rows).pipe(stringify(csvOptions(EXPORT_COLUMNS, { forPeople: true })));
            return attachment(reply, 'text/csv; charset=utf-8', name).send(csv);
          },
        );
      }
    });

    await app.register(async (scope) => {
      const writers = scope.withTypeProvider<TypeBoxTypeProvider>();
      writers.addHook('preHandler', requirePortalUser(deps.portalAccounts, ['admin', 'operator']));
      writers.post(
        '/api/portal/uploads/:id/cancel',
        {
          schema: {
            tags,
            summary: 'Cancel an upload that is waiting or running; rows applied so far stay applied',
            params: Params,
            response: { 200: Upload, ...errors },
          },
        },
        async (request) => presentUpload(await uploads.cancel(portalUserOf(request), request.params.id)),
      );
      writers.post(
        '/api/portal/brands/:brandCode/uploads',
        {
          // The multipart envelope around the file; the file itself is bounded by the upload service.
          bodyLimit: uploads.maxBytes + 1024 * 1024,
          schema: {
            tags,
            summary:
              'Upload a CSV or XLSX file of consents (multipart, field `file`); applied in the background. The same file twice is applied once.',
            params: Type.Object({ brandCode: Type.String() }),
            querystring: Type.Object({
              migration: Type.Optional(
                Type.Union([Type.Literal('true'), Type.Literal('false')], {
                  description:
                    "true: a migration of the company's past records, which sends no one a message; an ONAY that would notify (not HS_2015, dated after the company joined) is refused with H981",
                }),
              ),
            }),
            response: { 200: Type.Object({ id: Type.String(), duplicate: Type.Boolean() }), ...errors },
          },
        },
        async (request) => {
          if (!request.isMultipart())
            throw IysRequestError.of('H940', { location: ['file'], vars: { field: 'file' } });
          const file = (await request.file({ limits: { fileSize: uploads.maxBytes, files: 1 } })) as
            MultipartFile | undefined;
          if (!file) throw IysRequestError.of('H940', { location: ['file'], vars: { field: 'file' } });
          return uploads.receive(
            portalUserOf(request),
            request.params.brandCode,
            { fileName: file.filename, stream: file.file, truncated: () => file.file.truncated },
            { migration: request.query.migration === 'true' },
          );
        },
      );
    });
  };
}
