package io.voxgate.admin.http;

/** What the admin API needs to know of the switch: the name authenticator apps show for its codes. */
public record AdminApiSettings(String totpIssuer) {
}
