package dev.latchkey.web;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A request built by a test: method, path, headers (repeatable), address and body. */
final class TestRequest implements WebRequest {
  private final String method;
  private final String path;
  private final Map<String, List<String>> headers = new TreeMap<>();
  private String clientAddress = "192.0.2.10";
  private byte[] body = new byte[0];
  private String query;

  private TestRequest(String method, String path) {
    this.method = method;
    this.path = path;
  }

  static TestRequest get(String path) {
    return new TestRequest("GET", path);
  }

  static TestRequest post(String path) {
    return new TestRequest("POST", path);
  }

  static TestRequest of(String method, String path) {
    return new TestRequest(method, path);
  }

  TestRequest header(String name, String value) {
    headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
    return this;
  }

  TestRequest json(String json) {
    header("Content-Type", "application/json");
    return body(json);
  }

  TestRequest body(String text) {
    this.body = text.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  TestRequest body(byte[] bytes) {
    this.body = bytes.clone();
    return this;
  }

  TestRequest query(String rawQuery) {
    this.query = rawQuery;
    return this;
  }

  @Override
  public java.util.Optional<String> query() {
    return java.util.Optional.ofNullable(query);
  }

  TestRequest from(String address) {
    this.clientAddress = address;
    return this;
  }

  /** The cookie pair of a {@code Set-Cookie} value: {@code name=value}. */
  TestRequest cookie(String setCookie) {
    return header("Cookie", setCookie.substring(0, setCookie.indexOf(';')));
  }

  TestRequest bearer(String token) {
    return header("Authorization", "Bearer " + token);
  }

  TestRequest crossSite(String origin) {
    return header("Sec-Fetch-Site", "cross-site").header("Origin", origin);
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public List<String> headers(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  @Override
  public String clientAddress() {
    return clientAddress;
  }

  @Override
  public InputStream body() {
    return new ByteArrayInputStream(body);
  }
}
