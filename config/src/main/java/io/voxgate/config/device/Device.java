package io.voxgate.config.device;

import java.util.UUID;

/** A phone or softphone of a tenant, identified by its MAC (lower-case hex, no separators). */
public record Device(UUID id, String mac, String vendor, String model, String ownerExtension, String status) {
}
