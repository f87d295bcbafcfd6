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

    /**
     * The account, created as a locked system account (no home, no shell) when it does not exist,
     * as a package's install script would. Only root gets here: it is root that must drop to it.
     */
    public static OsUser lookupOrCreateSystemAccount(String name) {
        if ("root".equals(name) || !name.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw new IllegalStateException("database.embedded.os-user '" + name + "' cannot run PostgreSQL:"
                    + " expected an unprivileged account name");
        }
        if (!exists(name)) {
            run(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", "--comment", "Voxgate embedded PostgreSQL", name),
                    "cannot create OS user '" + name + "' for the embedded PostgreSQL; create it or set database.embedded.os-user");
        }
        OsUser user = lookup(name);
        if (user.uid() == 0) {
            throw new IllegalStateException("database.embedded.os-user '" + name + "' has uid 0: expected an unprivileged account");
        }
        return user;
    }

    private static boolean exists(String name) {
        try {
            return new ProcessBuilder(List.of("id", "-u", name)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException e) {
            throw new IllegalStateException("cannot look up OS user '" + name + "' with id(1)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted looking up OS user '" + name + "'", e);
        }
    }

    private static void run(List<String> command, String failure) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(failure + ": " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(failure + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(failure + ": interrupted", e);
        }
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
