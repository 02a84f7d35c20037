import {
  currentHeadExtending,
  isSignedHead,
  signedHeadProblem,
  type LogKey,
  type SignedHead,
} from '../crypto/log-verify.js';

export interface WitnessReport {
  ok: boolean;
  lines: string[];
  /** The registry's current head, verified: what the witness keeps for its next check. */
  current?: SignedHead;
}

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
  if (!isSignedHead(saved))
    return fail('the saved file is not a signed tree head (as GET /log/v1/sth answers)');
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

    const today = await currentHeadExtending(saved, keys, get);
    const { current } = today;
    if (current)
      lines.push(`current head: ${current.treeSize} leaves, root ${current.rootHash}, signature valid`);
    if (!today.ok) return fail(today.problem);
    lines.push(`consistent: the first ${saved.treeSize} leaves are unchanged`);
    return { ok: true, lines, current: today.current };
  } catch (error) {
    return fail(`could not check: ${error instanceof Error ? error.message : String(error)}`);
  }
}
