package io.m2mauth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server on 127.0.0.1 that answers POST .../token with tok-1, tok-2, ... (Bearer, one hour,
 * no scope) and accepts every other request (and every token request while {@link #stallTokens} is
 * set) without ever answering; it counts the stalled connections the client closed, so a test can
 * tell that a cancel stopped the transfer itself. One thread per connection, all daemons.
 */
final class StallServer implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  final AtomicInteger tokens = new AtomicInteger();
  final AtomicInteger closedByClient = new AtomicInteger();
  final AtomicBoolean stallTokens = new AtomicBoolean();

  StallServer() throws IOException {
    server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "stall-server");
    t.setDaemon(true);
    t.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket c = server.accept();
        sockets.add(c);
        Thread t = new Thread(() -> serve(c), "stall-server-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket c) {
    try (Socket s = c) {
      s.setSoTimeout(20000);
      InputStream in = s.getInputStream();
      String head = readHead(in);
      if (head == null) {
        return;
      }
      int length = contentLength(head);
      String form = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      boolean token = head.startsWith("POST ") && head.split(" ", 3)[1].endsWith("/token");
      if (token && !stallTokens.get()) {
        int n = tokens.incrementAndGet();
        // scope=api.wide is granted narrower (api.narrow); other scopes are not echoed (granted as asked).
        String granted = form.contains("scope=api.wide") ? ",\"scope\":\"api.narrow\"" : "";
        byte[] body = ("{\"access_token\":\"tok-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":3600" + granted
            + "}").getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
            + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return;
      }
      // Never answer; count the client hanging up.
      try {
        if (in.read() < 0) {
          closedByClient.incrementAndGet();
        }
      } catch (SocketTimeoutException e) {
        // the test is over
      }
    } catch (IOException e) {
      // a connection reset by the client is a close too
      closedByClient.incrementAndGet();
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int last4 = 0;
    for (;;) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      b.write(c);
      last4 = (last4 << 8) | c;
      if (last4 == 0x0d0a0d0a) {
        return b.toString(StandardCharsets.US_ASCII);
      }
    }
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed
      }
    }
  }
}
