export type PlanId = "free" | "starter" | "pro" | "business" | "unlimited";
export const PLAN_IDS = ["free", "starter", "pro", "business", "unlimited"] as const;

export interface PlanLimits {
  custom_groups: number | null;
  /** WhatsApp sessions (each a socket on the shared worker). */
  sessions: number | null;
  bulk_send: boolean;
  scheduled_messages: boolean;
  reports: number | null;
  messages_per_month: number | null;
  /** Webhook subscriptions. */
  webhooks: number | null;
  /** Monitored WhatsApp groups (MoltFlow: lead detection in 2, 5, 20, 100 groups). */
  monitored_groups: number | null;
  /** Review collectors (MoltFlow: review collection from Pro up; 0 = not included). */
  review_collectors: number | null;
  /** API keys the account may hold at once (revoked keys do not count; expired ones do until deleted). */
  api_keys: number | null;
  /** Monitored groups may answer a new lead with their `response_template` (issue 30). */
  auto_respond: boolean;
}

/** API.md "Plans". `null` means unlimited. */
export const PLANS: Record<PlanId, PlanLimits> = {
  free: {
    custom_groups: 2,
    sessions: 1,
    bulk_send: false,
    scheduled_messages: false,
    reports: 2,
    messages_per_month: 50,
    webhooks: 1,
    monitored_groups: 2,
    review_collectors: 0,
    api_keys: 2,
    auto_respond: false,
  },
  starter: {
    custom_groups: 5,
    sessions: 2,
    bulk_send: true,
    scheduled_messages: true,
    reports: 5,
    messages_per_month: 500,
    webhooks: 2,
    monitored_groups: 5,
    review_collectors: 0,
    api_keys: 5,
    auto_respond: true,
  },
  pro: {
    custom_groups: 20,
    sessions: 5,
    bulk_send: true,
    scheduled_messages: true,
    reports: 10,
    messages_per_month: 1500,
    webhooks: 5,
    monitored_groups: 20,
    review_collectors: 5,
    api_keys: 10,
    auto_respond: true,
  },
  business: {
    custom_groups: 100,
    sessions: 10,
    bulk_send: true,
    scheduled_messages: true,
    reports: null,
    messages_per_month: 3000,
    webhooks: 10,
    monitored_groups: 100,
    review_collectors: 20,
    api_keys: 25,
    auto_respond: true,
  },
  unlimited: {
    custom_groups: null,
    sessions: null,
    bulk_send: true,
    scheduled_messages: true,
    reports: null,
    messages_per_month: null,
    webhooks: null,
    monitored_groups: null,
    review_collectors: null,
    api_keys: null,
    auto_respond: true,
  },
};

export const isPlanId = (v: string): v is PlanId => (PLAN_IDS as readonly string[]).includes(v);

/** Month key for usage counters, in UTC: `2026-11`. */
export const monthKey = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/** Display names of the plans (`GET /billing/plans`). */
export const PLAN_NAMES: Record<PlanId, string> = { free: "Free", starter: "Starter", pro: "Pro", business: "Business", unlimited: "Unlimited (self-hosted)" };

/** The features a plan includes, derived from the same table the code enforces. */
export const featuresOf = (l: PlanLimits): string[] =>
  [
    ["custom_groups", l.custom_groups !== 0],
    ["bulk_send", l.bulk_send],
    ["scheduled_messages", l.scheduled_messages],
    ["scheduled_reports", l.reports !== 0],
    ["webhooks", l.webhooks !== 0],
    ["lead_detection", l.monitored_groups !== 0],
    ["auto_respond", l.auto_respond],
    ["review_collection", l.review_collectors !== 0],
    ["api_keys", l.api_keys !== 0],
  ].flatMap(([name, on]) => (on ? [name as string] : []));

/**
 * `GET /billing/plans`: every plan with its limits (`null`: unlimited) and features, straight from
 * `PLANS` (no second copy). MoltFlow names: `messages_per_month`, `sessions`, `monitored_groups`,
 * `webhooks`; `collectors` is the review collectors' cap.
 */
export const catalog = () => ({ plans: PLAN_IDS.map(planEntry) });

/** One plan as `GET /billing/plans` lists it. */
export const planEntry = (id: PlanId) => {
  const l = PLANS[id];
  return {
    id,
    name: PLAN_NAMES[id],
    limits: {
      messages_per_month: l.messages_per_month,
      sessions: l.sessions,
      custom_groups: l.custom_groups,
      monitored_groups: l.monitored_groups,
      webhooks: l.webhooks,
      collectors: l.review_collectors,
      reports: l.reports,
      api_keys: l.api_keys,
    },
    features: featuresOf(l),
  };
};
