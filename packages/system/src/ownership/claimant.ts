/** A claimant id for this start of a process: unique per start, so a restart never mistakes old claims for its own. */
export const claimantId = (owner: string | undefined, random: string) => `${owner ?? "process"}~${random}`;
