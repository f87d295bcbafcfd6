package io.voxgate.config.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * An operating-system account, resolved through {@code id} so NSS (LDAP, sssd) accounts work too.
 * The embedded PostgreSQL refuses to run as root; when the switch runs as root its server
 * processes run as this account instead (least privilege, not a user-namespace trick).
 */
public record OsUser(String name, int uid, int gid) {

    public static boolean currentIsRoot() {
        return "root".equals(System.getProperty("user.name")) || currentUid() == 0;
    }

    private static int currentUid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return (Integer) uid;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    public static OsUser lookup(String name) {
        return new OsUser(name, idOf(name, "-u"), idOf(name, "-g"));
    }

    private static int idOf(String name, String flag) {
        try {
            Process process = new ProcessBuilder(List.of("id", flag, name)).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("OS user '" + name + "' does not exist: " + out);
            }
            return Integer.parseInt(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot look up OS user '" + name + "' with id(1)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted looking up OS user '" + name + "'", e);
        }
    }

    /** Fails with the first directory on the way to {@code dir} that this account cannot traverse. */
    public void requireCanTraverse(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (!Files.exists(p)) {
                continue;
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            int owner = (Integer) Files.getAttribute(p, "unix:uid");
            int group = (Integer) Files.getAttribute(p, "unix:gid");
            boolean canTraverse = owner == uid ? perms.contains(PosixFilePermission.OWNER_EXECUTE)
                    : group == gid ? perms.contains(PosixFilePermission.GROUP_EXECUTE)
                    : perms.contains(PosixFilePermission.OTHERS_EXECUTE);
            if (!canTraverse) {
                throw new IllegalStateException("OS user '" + name + "' (uid " + uid + "), which runs the embedded"
                        + " PostgreSQL, cannot reach " + dir + ": directory " + p + " is not searchable by it ("
                        + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                        + "). Give it o+x, or move data-dir, or set database.embedded.os-user");
            }
        }
    }
}
