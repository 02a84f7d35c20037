/**
 * A hash table from blind indexes to packed consent states, in typed arrays: no string, object or map entry
 * per consent, so a look-up hashes nothing (the key is already an HMAC output, uniformly random) and costs
 * no garbage. 24 bytes per slot (a 16-byte key and an 8-byte state), kept between 35 % and 70 % full.
 *
 * Keys are the first 128 bits of the 256-bit blind index. Two different people would share an entry only if
 * their HMACs agreed on 128 bits: at a billion entries in one table the chance is about 10^-21, far below a
 * hardware fault. Open addressing with linear probing, grown at 70 % load; entries are never removed (the
 * current state of a consent is overwritten, not deleted).
 */
export class FingerprintTable {
  private keys: Int32Array;
  /** The packed state per slot; -1 marks an empty slot (packed states are never negative). */
  private values: Float64Array;
  private mask: number;
  private count = 0;

  /** Starts small: most brands hold few consents, and a table doubles as it fills. */
  constructor(capacity = 16) {
    let slots = 16;
    while (slots < capacity) slots *= 2;
    this.keys = new Int32Array(slots * 4);
    this.values = new Float64Array(slots).fill(-1);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The entry of a blind index given as its 32-character latin1 string (`FieldCipher.blindIndexId`). */
  get(id: string): number | undefined {
    return this.find(word(id, 0), word(id, 4), word(id, 8), word(id, 12));
  }

  getByKey(key: Buffer): number | undefined {
    return this.find(key.readInt32LE(0), key.readInt32LE(4), key.readInt32LE(8), key.readInt32LE(12));
  }

  setByKey(key: Buffer, packed: number): void {
    if (packed < 0) throw new RangeError('packed consent states are never negative');
    if ((this.count + 1) / (this.mask + 1) > 0.7) this.grow();
    const k0 = key.readInt32LE(0);
    const k1 = key.readInt32LE(4);
    const k2 = key.readInt32LE(8);
    const k3 = key.readInt32LE(12);
    const slot = this.slotOf(k0, k1, k2, k3);
    if (this.values[slot] === -1) {
      this.count++;
      this.keys[slot * 4] = k0;
      this.keys[slot * 4 + 1] = k1;
      this.keys[slot * 4 + 2] = k2;
      this.keys[slot * 4 + 3] = k3;
    }
    this.values[slot] = packed;
  }

  private find(k0: number, k1: number, k2: number, k3: number): number | undefined {
    const value = this.values[this.slotOf(k0, k1, k2, k3)]!;
    return value === -1 ? undefined : value;
  }

  /** The slot holding this key, or the empty slot where it belongs. */
  private slotOf(k0: number, k1: number, k2: number, k3: number): number {
    const { keys, values, mask } = this;
    let slot = k0 & mask;
    for (;;) {
      if (values[slot] === -1) return slot;
      const at = slot * 4;
      if (keys[at] === k0 && keys[at + 1] === k1 && keys[at + 2] === k2 && keys[at + 3] === k3) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const { keys, values } = this;
    const slots = values.length * 2;
    this.keys = new Int32Array(slots * 4);
    this.values = new Float64Array(slots).fill(-1);
    this.mask = slots - 1;
    for (let old = 0; old < values.length; old++) {
      if (values[old] === -1) continue;
      const at = old * 4;
      const slot = this.slotOf(keys[at]!, keys[at + 1]!, keys[at + 2]!, keys[at + 3]!);
      this.keys.set(keys.subarray(at, at + 4), slot * 4);
      this.values[slot] = values[old]!;
    }
  }
}

/** Four latin1 characters as the little-endian int32 that `readInt32LE` reads from the same bytes. */
function word(id: string, at: number): number {
  return (
    id.charCodeAt(at) |
    (id.charCodeAt(at + 1) << 8) |
    (id.charCodeAt(at + 2) << 16) |
    (id.charCodeAt(at + 3) << 24)
  );
}
