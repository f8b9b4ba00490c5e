package dev.latchkey.servlet;

import dev.latchkey.core.Principal;
import dev.latchkey.web.AccessDecision;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The application behind the filter in the container tests: routes that read the caller the way an
 * application would, through the Servlet API and {@link LatchkeyRequests}, and answer what they saw
 * as JSON.
 */
final class ApplicationServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    String path =
        request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    switch (path) {
      case "/profile", "/api/profile" -> profile(request, response);
      case "/health", "/api/status" -> health(request, response);
      case "/forward-to-profile" ->
          request.getRequestDispatcher("/profile").forward(request, response);
      default -> answer(response, 404, "{\"error\":\"no such route\"}");
    }
  }

  private static void profile(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Principal caller = LatchkeyRequests.requirePrincipal(request);
    String json =
        "{\"method\":\""
            + request.getMethod()
            + "\",\"name\":\""
            + request.getUserPrincipal().getName()
            + "\",\"remote_user\":\""
            + request.getRemoteUser()
            + "\",\"subject\":\""
            + caller.subject()
            + "\",\"admin\":"
            + request.isUserInRole("admin")
            + ",\"user\":"
            + request.isUserInRole("user")
            + ",\"auth_type\":\""
            + request.getAuthType()
            + "\"}";
    answer(response, 200, json);
  }

  private static void health(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String via =
        LatchkeyRequests.decision(request)
            .flatMap(AccessDecision::via)
            .map(Enum::name)
            .orElse("none");
    String json =
        "{\"principal\":"
            + LatchkeyRequests.principal(request).isPresent()
            + ",\"user_principal\":"
            + (request.getUserPrincipal() != null)
            + ",\"via\":\""
            + via
            + "\"}";
    answer(response, 200, json);
  }

  private static void answer(HttpServletResponse response, int status, String json)
      throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType("application/json; charset=utf-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
