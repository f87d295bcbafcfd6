package io.voxgate.admin.http;

/**
 * What the admin API needs to know of the switch.
 *
 * @param totpIssuer                  the name authenticator apps show for the switch's codes
 * @param requestsPerMinutePerAddress unauthenticated requests (logins) a source address may make a minute
 * @param requestsPerMinutePerToken   requests one session's token may make a minute
 */
public record AdminApiSettings(String totpIssuer, int requestsPerMinutePerAddress, int requestsPerMinutePerToken) {
}
