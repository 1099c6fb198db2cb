import type { OnMessagesRecorded } from "@outreach/core/conversation";
import type { Deps } from "@outreach/core/deps";
import * as Lead from "@outreach/core/lead";
import type { OnGroupMessageRecorded } from "@outreach/core/monitor";
import * as OptOut from "@outreach/core/optout";
import * as Review from "@outreach/core/review";

/**
 * Who reads "messages recorded" (the inbound 1:1 messages a session host stored), registered once:
 * a reply becomes a lead, review collectors read the messages, a STOP opts its sender out. A noun that
 * reacts to inbound messages adds one line here.
 */
export const inboundSubscribers = (d: Pick<Deps, "store" | "clock" | "ids" | "events" | "queue">): OnMessagesRecorded[] => [
  Lead.onMessagesRecorded(d),
  Review.onMessagesRecorded(d),
  OptOut.onMessagesRecorded(d),
];

/** Who reads "group message recorded" (a monitored group's message the monitor stored): review collectors. */
export const groupSubscribers = (d: Pick<Deps, "store" | "clock">): OnGroupMessageRecorded[] => [Review.onGroupMessageRecorded(d)];
