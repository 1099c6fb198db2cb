export { cancel, checkCompletion, finalize, pause, pauseSessionJobs, resume, retryFailed } from "./control";
export { type CreateInput, checkContent, checkMediaUrl, create, createDirect, INLINE_SNAPSHOT, validZone } from "./create";
export { get, type JobView, jobRecord, ref, view } from "./job";
export { HORIZON_MS, LEAD_MS, planJob, type SendMessage } from "./planner";
export { createReceiptRecorder } from "./receipts";
export { reconcile } from "./reconcile";
export { createSender, type Lane, LEASE_MS, messageIdFor, outbound, RECORD_LINGER_MS } from "./sender";
export { snapshot } from "./snapshot";
export { render } from "./template";
