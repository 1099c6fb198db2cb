/** WhatsApp's refusal and restriction codes in words (no Baileys import: the sandbox says the same). */

/** WhatsApp's refusal codes, said for a person (the recipient's `error`, `message.failed`'s `error`). */
export const rejectionReason = (code: string) => {
  switch (code) {
    case "463":
      return "WhatsApp refused the message (463): this account is restricted from starting new chats. Not retried: each retry counts as another reach-out and makes the restriction worse.";
    case "479":
      return "WhatsApp rejected the message (479): the contact's device session is stale or the address is wrong.";
    case "421":
      return "WhatsApp refused the message (421): the contact cannot receive messages from this account.";
    default:
      return `WhatsApp refused the message (error ${code}).`;
  }
};

/** What a restriction code means for the session's jobs. */
export const restrictionReason = (code: string) =>
  code === "463"
    ? "WhatsApp restricted this account from starting new chats (463): messages to contacts without an existing chat are refused."
    : `WhatsApp restricted this account (${code}).`;
