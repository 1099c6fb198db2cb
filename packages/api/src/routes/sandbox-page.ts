import { esc } from "@outreach/core/html";
import type { SandboxMessage } from "@outreach/whatsapp/sandbox";

/** The sandbox inbox: every message each sandbox session sent, newest first. */
export const inboxPage = (messages: SandboxMessage[]) => {
  const rows = [...messages]
    .reverse()
    .slice(0, 2000)
    .map(
      (m) =>
        `<tr><td>${esc(m.sent_at)}</td><td>${esc(m.session_id)}</td><td>${esc(m.to)}</td><td>${m.media_url ? `<a href="${esc(m.media_url)}">media</a> ` : ""}${esc(m.text)}</td><td>${esc(m.status)}</td></tr>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Outreach sandbox inbox</title>
<style>body{font:14px system-ui,sans-serif;margin:1rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px;text-align:left;vertical-align:top}</style></head>
<body><h1>Sandbox inbox</h1><p>${messages.length} messages sent by sandbox sessions. JSON: <a href="/sandbox/api/messages">/sandbox/api/messages</a></p>
<table><tr><th>sent at</th><th>session</th><th>to</th><th>message</th><th>status</th></tr>${rows}</table></body></html>`;
};
