package io.voxgate.config.calling;

/** A carrier trunk as the API shows it: whether a password is set, never the password. */
public record Trunk(String name, String host, int port, String username, boolean passwordSet, String outboundPrefix, boolean enabled) {
}
