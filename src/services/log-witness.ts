import { signedHeadProblem, verifyConsistency, type LogKey, type SignedHead } from '../crypto/log-verify.js';

export interface WitnessReport {
  ok: boolean;
  lines: string[];
  /** The registry's current head, verified: what the witness keeps for its next check. */
  current?: SignedHead;
}

const isHead = (value: unknown): value is SignedHead => {
  const head = value as Partial<SignedHead> | null;
  return (
    typeof head === 'object' &&
    head !== null &&
    Number.isSafeInteger(head.treeSize) &&
    Number.isSafeInteger(head.timestamp) &&
    typeof head.rootHash === 'string' &&
    typeof head.jws === 'string'
  );
};

/**
 * What an outside witness (the regulator, a newspaper) does with a head it saved earlier: fetch the
 * registry's current head and the consistency proof between the two over the public API, and check both
 * signatures and the proof. A registry that rewrote any of the first `saved.treeSize` leaves cannot pass.
 */
export async function witnessConsistency(
  registryUrl: string,
  saved: unknown,
  pinnedKeys?: LogKey[],
): Promise<WitnessReport> {
  const lines: string[] = [];
  const fail = (line: string): WitnessReport => ({ ok: false, lines: [...lines, line] });
  if (!isHead(saved)) return fail('the saved file is not a signed tree head (as GET /log/v1/sth answers)');
  const base = registryUrl.replace(/\/+$/, '');
  const get = async (path: string): Promise<unknown> => {
    const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return response.json();
  };

  try {
    // Keys pinned by the witness are what it trusts; the registry's list is only a convenience.
    const keys = pinnedKeys ?? ((await get('/log/v1/keys')) as { keys: LogKey[] }).keys;
    const savedProblem = await signedHeadProblem(saved, keys);
    if (savedProblem) return fail(`the saved head of ${saved.treeSize} leaves: ${savedProblem}`);
    lines.push(`saved head: ${saved.treeSize} leaves, root ${saved.rootHash}, signature valid`);

    const current = await get('/log/v1/sth');
    if (!isHead(current)) return fail('the registry answered no signed tree head');
    const currentProblem = await signedHeadProblem(current, keys);
    if (currentProblem) return fail(`the current head of ${current.treeSize} leaves: ${currentProblem}`);
    lines.push(`current head: ${current.treeSize} leaves, root ${current.rootHash}, signature valid`);
    if (current.treeSize < saved.treeSize)
      return fail('the log shrank: the current head is smaller than the saved one');

    const proof =
      current.treeSize === saved.treeSize
        ? []
        : (
            (await get(`/log/v1/proof/consistency?first=${saved.treeSize}&second=${current.treeSize}`)) as {
              consistency: string[];
            }
          ).consistency;
    if (!(await verifyConsistency(saved, current, Array.isArray(proof) ? proof : [])))
      return fail('the current head does NOT extend the saved one: the log was rewritten');
    lines.push(`consistent: the first ${saved.treeSize} leaves are unchanged`);
    return { ok: true, lines, current };
  } catch (error) {
    return fail(`could not check: ${error instanceof Error ? error.message : String(error)}`);
  }
}
