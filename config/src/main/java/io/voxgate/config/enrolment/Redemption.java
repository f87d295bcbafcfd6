package io.voxgate.config.enrolment;

import io.voxgate.config.tenant.Tenant;

/**
 * What presenting an activation code came to. Refusals still name the tenant that issued the code,
 * so the caller can write the attempt into that tenant's audit log.
 */
public sealed interface Redemption {

    /** The code was good and is now used up: enrol the device for this user. */
    record Redeemed(Tenant tenant, String userExtension, String userDisplayName) implements Redemption {
    }

    /** The code was redeemed before, by this or another device. */
    record AlreadyUsed(Tenant tenant) implements Redemption {
    }

    record Expired(Tenant tenant) implements Redemption {
    }

    /** No such code: never issued, mistyped, revoked, or its user deleted. */
    record Unknown() implements Redemption {
    }
}
