/**
 * The key that encrypts WhatsApp auth state (AES-256-GCM) before it is written to DynamoDB, so a
 * table export or a read-only table role cannot take over a session. 64 hex characters:
 *   npx sst secret set AuthStateKey "$(openssl rand -hex 32)" --stage prod
 * Changing it later means pairing every session again.
 */
export const authStateKey = new sst.Secret("AuthStateKey");
