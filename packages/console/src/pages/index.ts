import type { FunctionComponent } from "preact";
import { Compose } from "./compose";
import { GroupDetail } from "./group";
import { Groups } from "./groups";
import { Inbox } from "./inbox";
import { Job } from "./job";
import { Keys } from "./keys";
import { Leads } from "./leads";
import { MonitoredGroups } from "./monitored";
import { ReportDetail } from "./report";
import { Reports } from "./reports";
import { Scheduled } from "./scheduled";
import { Sends } from "./sends";
import { Sessions } from "./sessions";
import { Usage } from "./usage";
import { Webhooks } from "./webhooks";

export interface PageDef {
  /** In-app path; `:name` segments become the component's `params`. */
  path: string;
  /** The navigation's label; pages without one (details) are reached by links. */
  nav?: string;
  component: FunctionComponent<{ params: Record<string, string> }>;
}

/**
 * Every page of the console. A new page is one file in this folder and one line here (reviews
 * get theirs when their API lands). More specific paths first.
 */
export const PAGES: PageDef[] = [
  { path: "/sessions", nav: "Sessions", component: Sessions },
  { path: "/groups", nav: "Groups", component: Groups },
  { path: "/groups/:id", component: GroupDetail },
  { path: "/sends", nav: "Bulk sends", component: Sends },
  { path: "/sends/new", component: Compose },
  { path: "/sends/:id", component: Job },
  { path: "/scheduled", nav: "Scheduled", component: Scheduled },
  { path: "/reports", nav: "Reports", component: Reports },
  { path: "/reports/:id", component: ReportDetail },
  { path: "/inbox", nav: "Inbox", component: Inbox },
  { path: "/monitored", nav: "Monitored groups", component: MonitoredGroups },
  { path: "/leads", nav: "Leads", component: Leads },
  { path: "/webhooks", nav: "Webhooks", component: Webhooks },
  { path: "/usage", nav: "Usage & opt-outs", component: Usage },
  { path: "/keys", nav: "API keys", component: Keys },
];
