/**
 * Every operation's `operationId`, keyed by `METHOD path` (the path under `/api/v2`, as the OpenAPI
 * document writes it). Client generators in other languages name their methods from these, so they are
 * stable: never rename one. A new route gets its entry here (`test/integration/openapi-lint.test.ts`
 * fails until it has one); until then the document carries a derived id so nothing is left without.
 * Conventional camelCase: `list…`, `get…`, `create…`, `update…`, `delete…`, then a verb for actions.
 */
export const OPERATION_IDS: Record<string, string> = {
  "GET /usage/current": "getCurrentUsage",
  "GET /usage/history": "listUsageHistory",
  "GET /usage/daily": "listDailyUsage",
  "GET /api-keys": "listApiKeys",
  "POST /api-keys": "createApiKey",
  "DELETE /api-keys/{id}": "deleteApiKey",
  "GET /auth/me": "getCurrentKey",
  "GET /billing/plans": "listPlans",
  "GET /billing/subscription": "getSubscription",
  "GET /sessions": "listSessions",
  "POST /sessions": "createSession",
  "GET /sessions/{id}": "getSession",
  "PATCH /sessions/{id}": "updateSession",
  "DELETE /sessions/{id}": "deleteSession",
  "GET /sessions/{id}/qr": "getSessionQr",
  "POST /sessions/{id}/pairing-code": "requestSessionPairingCode",
  "GET /custom-groups": "listCustomGroups",
  "POST /custom-groups": "createCustomGroup",
  "GET /custom-groups/contacts": "listContacts",
  "GET /custom-groups/wa-groups": "listWhatsAppGroups",
  "POST /custom-groups/from-wa-groups": "createCustomGroupFromWhatsAppGroups",
  "GET /custom-groups/{id}": "getCustomGroup",
  "PATCH /custom-groups/{id}": "updateCustomGroup",
  "DELETE /custom-groups/{id}": "deleteCustomGroup",
  "POST /custom-groups/{id}/members/add": "addCustomGroupMembers",
  "POST /custom-groups/{id}/members/remove": "removeCustomGroupMembers",
  "GET /custom-groups/{id}/export/csv": "exportCustomGroupCsv",
  "GET /custom-groups/{id}/export/json": "exportCustomGroupJson",
  "POST /bulk-send": "createBulkSend",
  "GET /bulk-send": "listBulkSends",
  "POST /bulk-send/preview": "previewBulkSend",
  "GET /bulk-send/{id}": "getBulkSend",
  "GET /bulk-send/{id}/recipients": "listBulkSendRecipients",
  "POST /bulk-send/{id}/pause": "pauseBulkSend",
  "POST /bulk-send/{id}/resume": "resumeBulkSend",
  "POST /bulk-send/{id}/cancel": "cancelBulkSend",
  "POST /bulk-send/{id}/retry-failed": "retryFailedBulkSendRecipients",
  "GET /bulk-send/{id}/progress": "getBulkSendProgress",
  "GET /opt-outs": "listOptOuts",
  "POST /opt-outs": "addOptOuts",
  "DELETE /opt-outs/{phone}": "deleteOptOut",
  "POST /scheduled-messages": "createScheduledMessage",
  "GET /scheduled-messages": "listScheduledMessages",
  "GET /scheduled-messages/preview": "previewSchedule",
  "GET /scheduled-messages/{id}": "getScheduledMessage",
  "PATCH /scheduled-messages/{id}": "updateScheduledMessage",
  "DELETE /scheduled-messages/{id}": "deleteScheduledMessage",
  "POST /scheduled-messages/{id}/pause": "pauseScheduledMessage",
  "POST /scheduled-messages/{id}/resume": "resumeScheduledMessage",
  "POST /scheduled-messages/{id}/cancel": "cancelScheduledMessage",
  "GET /scheduled-messages/{id}/history": "listScheduledMessageHistory",
  "GET /reports/templates": "listReportTemplates",
  "POST /reports": "createReport",
  "GET /reports": "listReports",
  "GET /reports/{id}": "getReport",
  "PATCH /reports/{id}": "updateReport",
  "DELETE /reports/{id}": "deleteReport",
  "POST /reports/{id}/pause": "pauseReport",
  "POST /reports/{id}/resume": "resumeReport",
  "POST /reports/{id}/run": "runReport",
  "POST /reports/run": "runReportOnce",
  "GET /reports/{id}/history": "listReportHistory",
  "GET /reports/{id}/history/{execution_id}": "getReportExecution",
  "POST /messages/send": "sendMessage",
  "GET /messages/{id}": "getMessage",
  "GET /conversations": "listConversations",
  "GET /conversations/changes": "getInboxChanges",
  "GET /conversations/{phone}/messages": "listConversationMessages",
  "GET /webhooks": "listWebhooks",
  "POST /webhooks": "createWebhook",
  "GET /webhooks/{id}": "getWebhook",
  "PATCH /webhooks/{id}": "updateWebhook",
  "DELETE /webhooks/{id}": "deleteWebhook",
  "POST /webhooks/{id}/test": "testWebhook",
  "GET /webhooks/{id}/deliveries": "listWebhookDeliveries",
  "POST /webhooks/{id}/deliveries/{delivery_id}/retry": "retryWebhookDelivery",
  "GET /groups": "listMonitoredGroups",
  "POST /groups": "createMonitoredGroup",
  "GET /groups/available/{session_id}": "listAvailableGroups",
  "GET /groups/{id}": "getMonitoredGroup",
  "PATCH /groups/{id}": "updateMonitoredGroup",
  "DELETE /groups/{id}": "deleteMonitoredGroup",
  "GET /groups/{id}/messages": "listMonitoredGroupMessages",
  "GET /leads": "listLeads",
  "GET /leads/export/csv": "exportLeadsCsv",
  "GET /leads/export/json": "exportLeadsJson",
  "POST /leads/bulk/status": "updateLeadStatuses",
  "POST /leads/bulk/add-to-group": "addLeadsToCustomGroup",
  "GET /leads/{id}": "getLead",
  "PATCH /leads/{id}/status": "updateLeadStatus",
  "GET /reviews/collectors": "listReviewCollectors",
  "POST /reviews/collectors": "createReviewCollector",
  "GET /reviews/collectors/{id}": "getReviewCollector",
  "PATCH /reviews/collectors/{id}": "updateReviewCollector",
  "DELETE /reviews/collectors/{id}": "deleteReviewCollector",
  "POST /reviews/collectors/{id}/run": "runReviewCollector",
  "GET /reviews/stats": "getReviewStats",
  "GET /reviews/testimonials/export": "exportTestimonials",
  "GET /reviews": "listReviews",
  "GET /reviews/{id}": "getReview",
  "PATCH /reviews/{id}": "updateReview",
  "DELETE /reviews/{id}": "deleteReview",
};

const words = (path: string) =>
  path
    .split("/")
    .filter((s) => s && !s.startsWith("{"))
    .flatMap((s) => s.split(/[-_]/))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));

/** The id of an operation missing from the table: the method and the path's words (`GET /a-b/{id}/c` → `getABC`). */
export const derivedOperationId = (method: string, path: string) => method.toLowerCase() + words(path).join("");

interface Operation {
  operationId?: string;
  "x-scopes"?: string[];
}

/**
 * Writes each operation's `operationId` (from the table) and `x-scopes` (the scopes its route's
 * `requireScope` middleware checks: `scopesOf("GET /sessions")`) into an OpenAPI document.
 */
export const annotateOperations = <D extends { paths?: unknown }>(doc: D, scopesOf: (key: string) => readonly string[] | undefined): D => {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Operation>>;
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const key = `${method.toUpperCase()} ${path}`;
      op.operationId = OPERATION_IDS[key] ?? derivedOperationId(method, path);
      const scopes = scopesOf(key);
      if (scopes) op["x-scopes"] = [...scopes];
    }
  }
  return doc;
};

/** Scopes each route requires, read from the router: the handlers `requireScope` made carry theirs. */
export const routeScopes = (routes: readonly { method: string; path: string; handler: unknown }[]) => {
  const out = new Map<string, string[]>();
  for (const r of routes) {
    const scopes = (r.handler as { scopes?: readonly string[] }).scopes;
    if (!scopes) continue;
    const key = `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`;
    out.set(key, [...(out.get(key) ?? []), ...scopes]);
  }
  return out;
};
