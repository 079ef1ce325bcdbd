/*
 * Starts the official DynamoDB Local jar the way its own main class does, with two differences the local runtime
 * needs (functions/local/dynamodb-local.ts runs this file with Java's single-file source launcher, Java 11+):
 *
 * 1. It listens on loopback only. The jar has no host option: its Jetty server is built with a port alone, which
 *    binds every interface, and DynamoDB Local checks no credentials. Before starting, the connectors of that
 *    Jetty server are given the host of the system property `dynamodb.local.host` (default 127.0.0.1).
 * 2. It does not outlive its parent. With `-Ddynamodb.local.watchStdin=true` it reads its standard input, a pipe
 *    held by the Node process that started it; when that pipe closes (the parent exited, even by SIGKILL) it
 *    stops a moment later (SETTLE_MS: DynamoDB Local answers a write a few milliseconds before it is on disk).
 *
 * Every other argument is DynamoDB Local's own (-port, -dbPath, -inMemory, -sharedDb, -disableTelemetry, ...).
 */
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class DynamoDbLocalLauncher {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("dynamodb.local.host", "127.0.0.1");
    if (Boolean.getBoolean("dynamodb.local.watchStdin")) watchParent();

    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server jetty = (Server) field.get(proxy);
    int bound = 0;
    for (Connector connector : jetty.getConnectors()) {
      if (connector instanceof ServerConnector) {
        ((ServerConnector) connector).setHost(host);
        bound++;
      }
    }
    // Never fall back to listening everywhere.
    if (bound == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind to " + host);
    proxy.start();
  }

  /**
   * How long a write DynamoDB Local has answered may still take to reach its SQLite file: a halt right after the
   * answer loses it (measured: a transaction answered 6 ms before a SIGKILL of the engine was gone after a restart).
   * The parent is gone, and it was the one client, so nothing new arrives meanwhile.
   */
  private static final long SETTLE_MS = 250;

  private static void watchParent() {
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // The parent never writes; anything read is ignored.
        }
      } catch (Exception ignored) {
        // A broken pipe is the parent going away too.
      }
      try {
        Thread.sleep(SETTLE_MS);
      } catch (InterruptedException ignored) {
        // Halting now is all that is left to do.
      }
      // No shutdown hooks: the writes answered have settled, and a hook could hang.
      Runtime.getRuntime().halt(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
