import * as Conversation from "@outreach/core/conversation";
import type { Env } from "../app/env";
import { idempotency } from "../app/idempotency";
import { validationHook } from "../app/validation";
import { requireScope } from "../auth";
import { createRoute, OpenAPIHono } from "../openapi";
import * as z from "../openapi/z";
import { body, errors, IdParam, json, Phone } from "../schemas";

/** `POST /messages/send` (MoltFlow's body; also the MCP tool's input). */
export const SendBody = z.object({
  session_id: z.string().min(1).max(100),
  chat_id: z
    .string()
    .max(100)
    .nullish()
    .openapi({ description: "The person's WhatsApp chat id, e.g. `5511999999999@c.us` (or give `phone`).", example: "5511999999999@c.us" }),
  phone: Phone.nullish().openapi({ description: "The person's number (instead of `chat_id`)." }),
  message: z.string().max(4096).openapi({ description: "The text, up to 4,096 characters." }),
});

const MessageSchema = z.object(Conversation.SentMessageView.shape).openapi("Message");

/** MoltFlow's send-one-message API, plus *(ours)* reading a sent message's status. */
export const messageRoutes = () => {
  const app = new OpenAPIHono<Env>({ defaultHook: validationHook });
  const tags = ["Messages"];
  return app
    .openapi(
      createRoute({
        method: "post",
        path: "/send",
        tags,
        summary: "Send one text message to one person",
        description:
          "Queued at once (`201`, status `queued`) and sent through the session's lane like every send: one message of this " +
          "month's quota, never to an opted-out number (`403 contact.opted_out`), never twice (a retry with the same " +
          "`Idempotency-Key` returns the first answer). A message to a contact who wrote within 24 h is a reply: it does not wait " +
          "for the session's pace. Follow it with `GET /messages/{id}`.",
        middleware: [requireScope("messages:manage"), idempotency()],
        request: body(SendBody),
        responses: { 201: json(MessageSchema, "Queued"), 409: errors[404], ...errors },
      }),
      async (c) => c.json(await Conversation.send(c.get("deps"), c.get("tenantId"), c.req.valid("json")), 201),
    )
    .openapi(
      createRoute({
        method: "get",
        path: "/{id}",
        tags,
        summary: "A message sent with POST /messages/send, with its status",
        description:
          "*(ours)* Its status: `queued`, `sent`, `delivered`, `read`, `failed`, `skipped` (opted out meanwhile), `cancelled` (its session logged out first), `unknown`.",
        middleware: [requireScope("messages:read")],
        request: { params: IdParam },
        responses: { 200: json(MessageSchema, "Message"), ...errors },
      }),
      async (c) => c.json(await Conversation.sent(c.get("deps"), c.get("tenantId"), c.req.valid("param").id), 200),
    );
};
