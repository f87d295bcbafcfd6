package io.voxgate.sip.location;

/** A user's address inside one tenant: the key of the location service. */
public record AddressOfRecord(String tenantSlug, String user) {

    @Override
    public String toString() {
        return user + "@" + tenantSlug;
    }
}
