/**
 * The key that encrypts WhatsApp auth state (AES-256-GCM) before it is written to DynamoDB, so a
 * table export or a read-only table role cannot take over a session. 64 hex characters:
 *   npx sst secret set AuthStateKey "$(openssl rand -hex 32)" --stage prod
 * Changing it later means pairing every session again.
 *
 * The worker does not `link` the secret (SST would write its value into the task definition's plain
 * `environment`, readable with `ecs:DescribeTaskDefinition`). It is copied into an SSM SecureString
 * parameter instead, and ECS injects that by reference (`ssm`/`valueFrom`) as `AUTH_STATE_KEY_ENV`
 * when the task starts: the task definition holds only the parameter's ARN.
 */
export const authStateKey = new sst.Secret("AuthStateKey");

/** The environment variable the worker reads the key from (hex); it refuses to start without it. */
export const AUTH_STATE_KEY_ENV = "OUTREACH_AUTH_STATE_KEY";

export const authStateKeyParameter = new aws.ssm.Parameter("AuthStateKeyParameter", {
  name: `/${$app.name}/${$app.stage}/auth-state-key`,
  type: "SecureString",
  value: authStateKey.value,
  description: "Outreach: key of the WhatsApp auth state in DynamoDB (64 hex characters)",
});
