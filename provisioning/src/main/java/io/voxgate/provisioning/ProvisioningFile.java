package io.voxgate.provisioning;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.voxgate.provisioning.template.Vendor;

/**
 * A per-phone file a phone asks for, by the name its firmware uses: {@code <mac>.cfg} (Yealink,
 * Poly), {@code <MAC>-phone.cfg} (Poly), {@code SEP<MAC>.cnf.xml} (Cisco), {@code cfg<mac>.xml}
 * (Grandstream), {@code <mac>.json} (softphones). Only a bare name at the root is accepted, so no
 * path can reach outside the set of files this server makes.
 *
 * @param vendors the phone families that ask for a file of this name
 */
public record ProvisioningFile(String name, String mac, Set<Vendor> vendors) {

    private static final String HEX12 = "(\\p{XDigit}{12})";
    private static final Pattern MAC_CFG = Pattern.compile(HEX12 + "\\.cfg");
    private static final Pattern POLY_PHONE = Pattern.compile(HEX12 + "-phone\\.cfg");
    private static final Pattern CISCO = Pattern.compile("SEP" + HEX12 + "\\.cnf\\.xml");
    private static final Pattern GRANDSTREAM = Pattern.compile("cfg" + HEX12 + "\\.xml");
    private static final Pattern SOFTPHONE = Pattern.compile(HEX12 + "\\.json");

    /** Empty for anything that is not one phone's file (common files, paths, other names). */
    public static Optional<ProvisioningFile> parse(String path) {
        if (path == null || !path.startsWith("/") || path.indexOf('/', 1) >= 0) {
            return Optional.empty();
        }
        String name = path.substring(1);
        return match(name, MAC_CFG, EnumSet.of(Vendor.YEALINK, Vendor.POLY))
                .or(() -> match(name, POLY_PHONE, EnumSet.of(Vendor.POLY)))
                .or(() -> match(name, CISCO, EnumSet.of(Vendor.CISCO)))
                .or(() -> match(name, GRANDSTREAM, EnumSet.of(Vendor.GRANDSTREAM)))
                .or(() -> match(name, SOFTPHONE, EnumSet.of(Vendor.SOFTPHONE)));
    }

    private static Optional<ProvisioningFile> match(String name, Pattern pattern, Set<Vendor> vendors) {
        Matcher m = pattern.matcher(name);
        return m.matches() ? Optional.of(new ProvisioningFile(name, m.group(1).toLowerCase(Locale.ROOT), Set.copyOf(vendors)))
                : Optional.empty();
    }

    /** The name this vendor's phones ask for, to tell an enrolled client where its file is. */
    public static String nameFor(Vendor vendor, String mac) {
        return switch (vendor) {
            case YEALINK, POLY -> mac + ".cfg";
            case CISCO -> "SEP" + mac.toUpperCase(Locale.ROOT) + ".cnf.xml";
            case GRANDSTREAM -> "cfg" + mac + ".xml";
            case SOFTPHONE -> mac + ".json";
        };
    }

    public boolean isFor(Vendor vendor) {
        return vendors.contains(vendor);
    }
}
