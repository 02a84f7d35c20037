import { CONSENT_FIELDS } from './consent-input.js';
import type { IysErrorItem } from './iys-errors.js';
import { normaliseTypedPhone } from './recipient.js';

/** The columns of an upload file: the İYS consent fields, in the order of the downloadable template. */
export const UPLOAD_COLUMNS = [
  'recipient',
  'recipientType',
  'type',
  'status',
  'source',
  'consentDate',
  'retailerCode',
  'retailerAccess',
] as const satisfies readonly (typeof CONSENT_FIELDS)[number][];
export const REQUIRED_COLUMNS = ['recipient', 'recipientType', 'type', 'status'] as const;

export const TEMPLATE_EXAMPLE = [
  '+905321234567',
  'BIREYSEL',
  'MESAJ',
  'ONAY',
  'HS_WEB',
  '2026-11-27 14:30:00',
  '',
  '',
];

/**
 * Maps a header row to column positions, matching the İYS field names case-insensitively. Returns the
 * required columns that are missing, which make the whole file unusable.
 */
export function readHeader(cells: unknown[]): { positions: Map<string, number>; missing: string[] } {
  const positions = new Map<string, number>();
  cells.forEach((cell, index) => {
    const name = String(cell ?? '')
      .trim()
      .toLowerCase();
    const column = UPLOAD_COLUMNS.find((c) => c.toLowerCase() === name);
    if (column && !positions.has(column)) positions.set(column, index);
  });
  return { positions, missing: REQUIRED_COLUMNS.filter((c) => !positions.has(c)) };
}

/**
 * One file row as the consent body the API would receive. Spreadsheet cells are made API-shaped: an empty
 * cell is absent, a date cell (or its Excel serial number) becomes `YYYY-MM-DD HH:mm:ss` (read as Türkiye
 * wall-clock time), a phone
 * number that Excel stored as a number (losing its `+`) gets it back, and retailerAccess is a list of codes
 * separated by `;` or `,`.
 */
export function rowToConsentBody(positions: Map<string, number>, cells: unknown[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [column, index] of positions) {
    const cell = plainCell(cells[index]);
    if (cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '')) continue;
    if (column === 'consentDate' && (cell instanceof Date || typeof cell === 'number')) {
      // A number is an Excel serial date (days since 1899-12-30), as a reader without styles sees it.
      const wallClock = cell instanceof Date ? cell : new Date(Math.round((cell - 25569) * 86400) * 1000);
      body.consentDate = wallClock.toISOString().slice(0, 19).replace('T', ' ');
    } else if (column === 'recipient' && typeof cell === 'number') {
      body.recipient = normaliseTypedPhone(String(cell));
    } else if (column === 'retailerCode') {
      const text = String(cell).trim();
      body.retailerCode = /^\d{1,9}$/.test(text) ? Number(text) : text;
    } else if (column === 'retailerAccess') {
      body.retailerAccess = String(cell)
        .split(/[;,]/)
        .map((code) => code.trim())
        .filter((code) => code !== '')
        .map((code) => (/^\d{1,9}$/.test(code) ? Number(code) : code));
    } else if (column === 'recipient') {
      body.recipient = normaliseTypedPhone(String(cell).trim());
    } else {
      body[column] = typeof cell === 'string' ? cell.trim() : String(cell);
    }
  }
  return body;
}

/** Spreadsheet cells can be formulas, hyperlinks or rich text: their shown value is what counts. */
function plainCell(cell: unknown): unknown {
  if (cell === null || typeof cell !== 'object' || cell instanceof Date) return cell;
  const rich = cell as { result?: unknown; text?: unknown; richText?: Array<{ text: string }> };
  if (rich.result !== undefined) return rich.result;
  if (rich.text !== undefined) return rich.text;
  if (Array.isArray(rich.richText)) return rich.richText.map((part) => part.text).join('');
  return String(cell);
}

/** An export's columns: the upload template's, then the registry's own. */
export const EXPORT_COLUMNS = [...UPLOAD_COLUMNS, 'creationDate', 'transactionId'] as const;

/** A row's failure, as the upload's error report lists it. */
export interface UploadError {
  row: number;
  code: string;
  message: string;
  field: string | null;
}

export const errorOf = (row: number, error: IysErrorItem): UploadError => ({
  row,
  code: error.code,
  message: error.message,
  field: error.location?.filter((part) => typeof part === 'string').join('.') || null,
});
