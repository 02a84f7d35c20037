import type { Options as CsvOptions } from 'csv-stringify';

/** A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number, signed: evaluates to itself, so it is left as it is (a phone number keeps its `+`). */
const PLAIN_NUMBER = /^[+-]?\d[\d.,]*$/;

/**
 * Makes a text cell inert in Excel, LibreOffice and Google Sheets: a leading quote makes them show the
 * text instead of evaluating it. Every CSV and XLSX openiys writes passes its text cells through this,
 * because brand names, company titles and e-mail addresses come from other people.
 */
export function inertCell(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/**
 * csv-stringify options with every string cell made inert. Files people download open in Excel, which
 * reads UTF-8 (Turkish letters) only after a byte-order mark: those get one (`forPeople`); files for
 * programs (the provider API's) do not, as most CSV readers would take it for part of the first header.
 */
export function csvOptions(columns: readonly string[], audience: { forPeople?: boolean } = {}): CsvOptions {
  return {
    header: true,
    columns: [...columns],
    cast: { string: inertCell },
    bom: audience.forPeople ?? false,
  };
}
