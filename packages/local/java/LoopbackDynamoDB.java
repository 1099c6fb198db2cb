import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Runs the official DynamoDB Local exactly as `java -jar DynamoDBLocal.jar <args>` does, but listening
 * on 127.0.0.1 only: DynamoDB Local has no option for the bind address, so this sets the host of its
 * Jetty connector before the server starts. Compiled once with `--release 17` (see package.json's
 * `build:java`); the class file is committed so that a Java runtime without a compiler runs it.
 */
public final class LoopbackDynamoDB {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field f = DynamoDBProxyServer.class.getDeclaredField("server");
    f.setAccessible(true);
    Server server = (Server) f.get(proxy);
    for (Connector c : server.getConnectors()) {
      if (c instanceof ServerConnector) ((ServerConnector) c).setHost("127.0.0.1");
    }
    proxy.start();
    proxy.join();
  }
}
