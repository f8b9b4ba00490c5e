package dev.latchkey.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts the example on {@code http://localhost:8080} ({@code server.port} changes it). Users:
 * {@code admin/password123} (roles admin, user) and {@code alice/wonderland} (role user).
 */
@SpringBootApplication
public class LatchkeyExampleApplication {
  /** Spring instantiates it; the application has no state of its own. */
  public LatchkeyExampleApplication() {}

  /**
   * Runs the application until the process is stopped.
   *
   * @param args Spring Boot's command-line arguments ({@code --server.port=9090}, ...)
   */
  public static void main(String[] args) {
    SpringApplication.run(LatchkeyExampleApplication.class, args);
  }
}
