package io.voxgate.provisioning;

import java.nio.charset.StandardCharsets;

/**
 * What a Poly phone gets for {@code <mac>.cfg}: its master configuration file, which holds no
 * settings but names the files to load next (Poly UC Software Administrator Guide, "Master
 * Configuration File"). It names one, {@code <mac>-phone.cfg}, the rendered template, and no
 * firmware ({@code APP_FILE_PATH} empty: upgrades stay the operator's decision). The phone may try
 * to upload its local overrides under that name; this server answers uploads with 405.
 */
final class PolyMasterFile {

    private PolyMasterFile() {
    }

    static String settingsFileName(String mac) {
        return mac + "-phone.cfg";
    }

    static byte[] forPhone(String mac) {
        return ("""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <!-- Voxgate master configuration file for Poly %s: the settings are in CONFIG_FILES -->
                <APPLICATION APP_FILE_PATH="" CONFIG_FILES="%s" MISC_FILES="" LOG_FILE_DIRECTORY="" OVERRIDES_DIRECTORY=""
                    CONTACTS_DIRECTORY="" LICENSE_DIRECTORY="" USER_PROFILES_DIRECTORY="" CALL_LISTS_DIRECTORY=""/>
                """.formatted(mac, settingsFileName(mac))).getBytes(StandardCharsets.UTF_8);
    }
}
