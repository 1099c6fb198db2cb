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
  },
};

export const isPlanId = (v: string): v is PlanId => (PLAN_IDS as readonly string[]).includes(v);

/** Month key for usage counters, in UTC: `2026-11`. */
export const monthKey = (ms: number) => new Date(ms).toISOString().slice(0, 7);
