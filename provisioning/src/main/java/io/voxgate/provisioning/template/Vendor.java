package io.voxgate.provisioning.template;

import java.util.Locale;

/** The phone families Voxgate writes configuration for, each with its own file format. */
public enum Vendor {
    YEALINK, POLY, CISCO, GRANDSTREAM, SOFTPHONE;

    /** As stored in the devices table and named in template file names: {@code yealink}, {@code poly}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Vendor fromId(String id) {
        for (Vendor vendor : values()) {
            if (vendor.id().equalsIgnoreCase(id == null ? "" : id.strip())) {
                return vendor;
            }
        }
        if ("polycom".equalsIgnoreCase(id == null ? "" : id.strip())) {
            return POLY;
        }
        throw new IllegalArgumentException("unknown phone vendor '" + id + "': expected yealink, poly, cisco, grandstream or softphone");
    }
}
