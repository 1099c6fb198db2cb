export { render } from "../template";
export { cancel, checkCompletion, finalize, pause, pauseSessionJobs, resume, retryFailed } from "./control";
export {
  type CreateInput,
  checkContent,
  checkMediaUrl,
  create,
  createDirect,
  DEFAULT_MAX_DELAY_SECONDS,
  DEFAULT_MIN_DELAY_SECONDS,
  INLINE_SNAPSHOT,
  validZone,
} from "./create";
export { detail, get, isFinal, type JobView, jobRecord, list, progress, publicRecipient, rate, recipients, ref, view } from "./job";
export * from "./messages";
export { HORIZON_MS, LEAD_MS, planJob } from "./planner";
export * from "./port";
export { type EffectivePacing, effectivePacing, preview } from "./preview";
export { createReceiptRecorder } from "./receipts";
export { isStalled, reconcile, recoverSession, WATCH_GRACE_MS } from "./reconcile";
export { recordRejection, sentContent } from "./rejections";
export { type Lane, messageIdFor, outbound } from "./send-parts";
export { createSender, LEASE_MS, RECORD_LINGER_MS } from "./sender";
export { createSentRecorder } from "./sent-recorder";
export { snapshot } from "./snapshot";
export * from "./view";
