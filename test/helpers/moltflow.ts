import { inject } from "vitest";

/**
 * Issue 14: the requests MoltFlow's published outreach client makes (same paths, bodies and headers —
 * `Accept: *\/*`, `Content-Type: application/json`, the key in `X-API-Key`), each answer parsed as JSON
 * where the client calls `.json()` (every call but the CSV export), and `raise_for_status()` on each.
 */
export const moltflow = (key: string) => {
  const base = `${inject("runtimeUrl")}/api/v2`;
  const send = async (method: string, path: string, json?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "X-API-Key": key, "Content-Type": "application/json", Accept: "*/*" },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  const call = async (method: string, path: string, json?: unknown) => (await send(method, path, json)).json() as Promise<any>;
  return {
    // groups
    listGroups: () => call("GET", "/custom-groups"),
    createGroup: (name: string, members: { phone: string; name?: string }[]) => call("POST", "/custom-groups", { name, members }),
    getGroup: (id: string) => call("GET", `/custom-groups/${id}`),
    updateGroup: (id: string, name: string) => call("PATCH", `/custom-groups/${id}`, { name }),
    addMembers: (id: string, contacts: { phone: string; name?: string }[]) => call("POST", `/custom-groups/${id}/members/add`, { contacts }),
    removeMembers: (id: string, memberIds: string[]) => call("POST", `/custom-groups/${id}/members/remove`, { member_ids: memberIds }),
    contacts: () => call("GET", "/custom-groups/contacts"),
    waGroups: (sessionId: string) => call("GET", `/custom-groups/wa-groups?session_id=${sessionId}`),
    fromWaGroups: (name: string, waGroups: { wa_group_id: string; session_id: string }[]) =>
      call("POST", "/custom-groups/from-wa-groups", { name, wa_groups: waGroups }),
    exportCsv: async (id: string) => (await send("GET", `/custom-groups/${id}/export/csv`)).text(),
    exportJson: (id: string) => call("GET", `/custom-groups/${id}/export/json`),
    deleteGroup: (id: string) => call("DELETE", `/custom-groups/${id}`),
    // bulk send
    createBulk: (body: object) => call("POST", "/bulk-send", body),
    listBulk: () => call("GET", "/bulk-send"),
    getBulk: (id: string) => call("GET", `/bulk-send/${id}`),
    pauseBulk: (id: string) => call("POST", `/bulk-send/${id}/pause`),
    resumeBulk: (id: string) => call("POST", `/bulk-send/${id}/resume`),
    cancelBulk: (id: string) => call("POST", `/bulk-send/${id}/cancel`),
    bulkProgress: (id: string) => call("GET", `/bulk-send/${id}/progress`),
    // scheduled
    createScheduled: (body: object) => call("POST", "/scheduled-messages", body),
    listScheduled: () => call("GET", "/scheduled-messages"),
    getScheduled: (id: string) => call("GET", `/scheduled-messages/${id}`),
    updateScheduled: (id: string, body: object) => call("PATCH", `/scheduled-messages/${id}`, body),
    pauseScheduled: (id: string) => call("POST", `/scheduled-messages/${id}/pause`),
    resumeScheduled: (id: string) => call("POST", `/scheduled-messages/${id}/resume`),
    cancelScheduled: (id: string) => call("POST", `/scheduled-messages/${id}/cancel`),
    deleteScheduled: (id: string) => call("DELETE", `/scheduled-messages/${id}`),
    history: (id: string) => call("GET", `/scheduled-messages/${id}/history`),
    // group_monitor.py (what it sends: every field it defaults, the optional ones only when given)
    listMonitored: () => call("GET", "/groups"),
    listAvailable: (sessionId: string) => call("GET", `/groups/available/${sessionId}`),
    addMonitored: (sessionId: string, waGroupId: string, o: { name?: string; monitor_mode?: string; monitor_keywords?: string[]; webhook_url?: string } = {}) =>
      call("POST", "/groups", {
        session_id: sessionId,
        wa_group_id: waGroupId,
        monitor_mode: o.monitor_mode ?? "first_message",
        auto_respond: false,
        auto_label_leads: false,
        ...(o.name ? { name: o.name } : {}),
        ...(o.monitor_keywords ? { monitor_keywords: o.monitor_keywords } : {}),
        ...(o.webhook_url ? { webhook_url: o.webhook_url } : {}),
      }),
    getMonitored: (id: string) => call("GET", `/groups/${id}`),
    updateMonitored: (id: string, body: object) => call("PATCH", `/groups/${id}`, body),
    deleteMonitored: (id: string) => call("DELETE", `/groups/${id}`),
    // leads.py (requests encodes params in this order)
    listLeads: (o: { status?: string; source_group_id?: string; limit?: number; offset?: number } = {}) =>
      call(
        "GET",
        `/leads?limit=${o.limit ?? 50}&offset=${o.offset ?? 0}${o.status ? `&status=${o.status}` : ""}${o.source_group_id ? `&source_group_id=${o.source_group_id}` : ""}`,
      ),
    getLead: (id: string) => call("GET", `/leads/${id}`),
    updateLeadStatus: (id: string, status: string) => call("PATCH", `/leads/${id}/status`, { status }),
    bulkLeadStatus: (ids: string[], status: string) => call("POST", "/leads/bulk/status", { lead_ids: ids, status }),
    bulkAddToGroup: (ids: string[], customGroupId: string) => call("POST", "/leads/bulk/add-to-group", { lead_ids: ids, custom_group_id: customGroupId }),
    exportLeadsCsv: async (status?: string) => (await send("GET", `/leads/export/csv${status ? `?status=${status}` : ""}`)).text(),
    exportLeadsJson: (status?: string) => call("GET", `/leads/export/json${status ? `?status=${status}` : ""}`),
    // reviews.py (Python's booleans arrive as "True"/"False")
    listCollectors: (includeInactive = false) => call("GET", `/reviews/collectors?include_inactive=${includeInactive ? "True" : "False"}`),
    createCollector: (name: string, sessionId: string, o: { include_keywords?: string[]; languages?: string[]; description?: string } = {}) =>
      call("POST", "/reviews/collectors", {
        name,
        session_id: sessionId,
        source_type: "all",
        min_positive_words: 3,
        min_sentiment_score: 0.6,
        ...(o.include_keywords ? { include_keywords: o.include_keywords } : {}),
        ...(o.languages ? { languages: o.languages } : {}),
        ...(o.description ? { description: o.description } : {}),
      }),
    getCollector: (id: string) => call("GET", `/reviews/collectors/${id}`),
    updateCollector: (id: string, body: object) => call("PATCH", `/reviews/collectors/${id}`, body),
    deleteCollector: (id: string) => call("DELETE", `/reviews/collectors/${id}`),
    runCollector: (id: string) => call("POST", `/reviews/collectors/${id}/run`),
    listReviews: (o: { collector_id?: string; approved_only?: boolean } = {}) =>
      call(
        "GET",
        `/reviews?approved_only=${o.approved_only ? "True" : "False"}&include_hidden=False&limit=50&offset=0${o.collector_id ? `&collector_id=${o.collector_id}` : ""}`,
      ),
    getReview: (id: string) => call("GET", `/reviews/${id}`),
    approveReview: (id: string) => call("PATCH", `/reviews/${id}`, { is_approved: true }),
    hideReview: (id: string) => call("PATCH", `/reviews/${id}`, { is_hidden: true }),
    deleteReview: (id: string) => call("DELETE", `/reviews/${id}`),
    reviewStats: (collectorId?: string) => call("GET", `/reviews/stats${collectorId ? `?collector_id=${collectorId}` : ""}`),
    exportTestimonials: (format = "json") => call("GET", `/reviews/testimonials/export?format=${format}`),
    // sessions and usage
    sessions: () => call("GET", "/sessions"),
    usage: () => call("GET", "/usage/current"),
    // admin.py
    usageHistory: (months = 6) => call("GET", `/usage/history?months=${months}`),
    usageDaily: (days = 30) => call("GET", `/usage/daily?days=${days}`),
    plans: () => call("GET", "/billing/plans"),
    subscription: () => call("GET", "/billing/subscription"),
    me: () => call("GET", "/auth/me"),
  };
};
