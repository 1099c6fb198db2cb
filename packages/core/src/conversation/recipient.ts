import { normalize } from "../phone";
import { recipientWith, type SendInput } from "./send";

/** The recipient's E.164 from `chat_id` or `phone`, synchronously: the phone tables are loaded with this module. */
export const recipientOf = (input: Pick<SendInput, "chat_id" | "phone">): string => recipientWith(normalize)(input);
