export { create, checkContent, validZone, INLINE_SNAPSHOT, type CreateInput } from "./create";
export { pause, resume, cancel, retryFailed, finalize, checkCompletion, pauseSessionJobs } from "./control";
export { view, get, ref, type JobView } from "./job";
export { planJob, type SendMessage, HORIZON_MS, LEAD_MS } from "./planner";
export { createSender, messageIdFor, outbound, type Lane, LEASE_MS } from "./sender";
export { onReceipt } from "./receipts";
export { reconcile } from "./reconcile";
export { snapshot } from "./snapshot";
export { render } from "./template";
