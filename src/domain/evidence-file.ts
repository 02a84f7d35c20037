/** Evidence of a consent: a scanned form or a PDF is a few MB; a web-form log far less. */
export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

export type EvidenceMediaType = 'application/pdf' | 'image/png' | 'image/jpeg' | 'application/json';

/** A piece's file name in downloads and archives: `kanit-<id>.<extension of its sniffed type>`. */
export function evidenceFileName(id: string, mediaType: EvidenceMediaType | string): string {
  const extension: Record<EvidenceMediaType, string> = {
    'application/pdf': 'pdf',
    'image/png': 'png',
    'image/jpeg': 'jpg',
    'application/json': 'json',
  };
  return `kanit-${id}.${extension[mediaType as EvidenceMediaType] ?? 'bin'}`;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What a file of evidence really is, judged by its bytes, never by its name or declared type: a PDF, a PNG
 * or JPEG image, or a JSON object or array (a web form's log) in UTF-8. Anything else is not evidence the
 * registry keeps. Pure.
 */
export function sniffEvidence(data: Buffer): EvidenceMediaType | null {
  if (data.length === 0 || data.length > MAX_EVIDENCE_BYTES) return null;
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (data.subarray(0, 8).equals(PNG)) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  try {
    const text = strictUtf8
      .decode(data)
      .replace(/^\uFEFF/, '')
      .trim();
    if (!text.startsWith('{') && !text.startsWith('[')) return null;
    JSON.parse(text);
    return 'application/json';
  } catch {
    return null;
  }
}
