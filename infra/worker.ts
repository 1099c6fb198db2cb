import { events, sends } from "./queues";
import { scheduler } from "./scheduler";
import { authStateKey } from "./secrets";
import { table } from "./storage";

/** WhatsApp needs outbound internet: private subnets with a NAT instance (cheaper than a NAT gateway). */
export const vpc = new sst.aws.Vpc("Vpc", { nat: "ec2" });
export const cluster = new sst.aws.Cluster("Cluster", { vpc });

/**
 * The session host and sender: exactly one task, and a deployment stops the old task before the new
 * one starts (minimum healthy 0 %, maximum 100 %), so a WhatsApp session never has two owners. The
 * lease items in DynamoDB guard the same rule at run time.
 */
export const worker = new sst.aws.Service("Worker", {
  cluster,
  image: { context: ".", dockerfile: "packages/worker/Dockerfile" },
  cpu: "0.5 vCPU",
  memory: "1 GB",
  scaling: { min: 1, max: 1 },
  link: [table, events, sends, scheduler, authStateKey],
  environment: { OUTREACH_LOG_LEVEL: "info" },
  transform: {
    service: {
      deploymentMinimumHealthyPercent: 0,
      deploymentMaximumPercent: 100,
    },
  },
});
