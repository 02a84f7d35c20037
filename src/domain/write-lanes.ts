/** How many parts a brand's identities are split into for writing (see ConsentRepository.lockForWrite). */
export const WRITE_LANES = 2;

/** The lane of an identity: from its blind index, whose bytes are uniformly distributed. */
export const laneOf = (recipientKey: Uint8Array): number => recipientKey[0]! % WRITE_LANES;
