/**
 * A tenant's activity per UTC day: messages sent and received, opt-outs added (for reports), and
 * (issue 30) authenticated API calls and leads detected, for `/usage/daily` and `/usage/history`.
 */
export type ActivityCounts = Partial<Record<"sent" | "received" | "opt_outs" | "api_calls" | "leads", number>>;

export interface DayActivity {
  day: string;
  sent: number;
  received: number;
  opt_outs: number;
  api_calls?: number;
  leads?: number;
}

export interface ActivityRepo {
  count(tenantId: string, day: string, counts: ActivityCounts): Promise<void>;
  range(tenantId: string, fromDay: string, toDay: string): Promise<DayActivity[]>;
}

/** The UTC day of an instant: `2026-11-26`. */
export const dayKey = (ms: number) => new Date(ms).toISOString().slice(0, 10);
