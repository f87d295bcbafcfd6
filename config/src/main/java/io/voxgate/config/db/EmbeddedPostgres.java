package io.voxgate.config.db;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server that the switch starts and stops itself: the default store when
 * {@code database.url} is empty.
 *
 * <p>Hand-written on top of zonky's packaged binaries rather than zonky's {@code EmbeddedPostgres},
 * which is a test fixture: it initialises with {@code trust} authentication (any local process
 * becomes superuser) and, as root, keeps the server's root uid inside a user namespace. Here the
 * cluster uses SCRAM passwords, listens on loopback only, the application connects as a
 * non-superuser role that owns its database, and as root the server runs as an unprivileged OS
 * account ({@code setpriv}).
 *
 * <p>Layout under {@code root}: {@code runtime-<version>/} binaries, {@code data/} the cluster
 * (owned by the server's account, 0700), {@code voxgate.lock} held while a switch process owns
 * the cluster. Passwords live in the secrets directory the caller gives.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

    public static final String POSTGRES_VERSION = "18.6.0";
    public static final String DATABASE = "voxgate";
    public static final String APP_ROLE = "voxgate";
    private static final String SUPERUSER = "postgres";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final Path dataDir;
    private final Path secretsDir;
    private final PostgresBinaries binaries;
    private final Optional<OsUser> serverUser;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final int port;
    private volatile boolean stopped;

    private EmbeddedPostgres(Path root, Path secretsDir, PostgresBinaries binaries, Optional<OsUser> serverUser,
                             FileChannel lockChannel, FileLock lock, int port) {
        this.root = root;
        this.dataDir = root.resolve("data");
        this.secretsDir = secretsDir;
        this.binaries = binaries;
        this.serverUser = serverUser;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.port = port;
    }

    /**
     * Starts the cluster under {@code root}, creating it on first use.
     *
     * @param port       TCP port on 127.0.0.1, or 0 for any free port
     * @param osUserName the account that runs the server when this process is root
     */
    public static EmbeddedPostgres start(Path rootDir, Path secretsDir, int port, String osUserName) throws IOException {
        // absolute: the server's processes run in their own working directory
        Path root = rootDir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        Files.createDirectories(secretsDir);
        Files.setPosixFilePermissions(secretsDir, PosixFilePermissions.fromString("rwx------"));
        FileChannel channel = FileChannel.open(root.resolve("voxgate.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException heldByThisProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("another Voxgate process owns the embedded PostgreSQL in " + root
                    + " (lock " + root.resolve("voxgate.lock") + " is held)");
        }
        try {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
            Optional<OsUser> serverUser = OsUser.currentIsRoot()
                    ? Optional.of(OsUser.lookupOrCreateSystemAccount(osUserName)) : Optional.empty();
            PostgresBinaries binaries = PostgresBinaries.unpackInto(root, POSTGRES_VERSION);
            if (serverUser.isPresent()) {
                serverUser.get().requireCanTraverse(binaries.home());
                serverUser.get().requireCanTraverse(root);
            }
            EmbeddedPostgres pg = new EmbeddedPostgres(root, secretsDir, binaries, serverUser, channel, lock,
                    port == 0 ? freeLoopbackPort() : port);
            try {
                pg.startServer();
            } catch (IOException | RuntimeException e) {
                pg.stopServerQuietly(); // whatever step failed, no postmaster outlives the failure
                throw e;
            }
            return pg;
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
    }

    private void startServer() throws IOException {
        stopLeftOverServer();
        // The marker is written when initdb has finished: a cluster without it never held data
        // (initdb was cut short) and is made again rather than trusted.
        if (!Files.exists(root.resolve(INITDB_DONE_MARKER))) {
            initCluster();
        }
        Path logDir = root.resolve("log");
        Files.createDirectories(logDir);
        Files.setPosixFilePermissions(logDir, PosixFilePermissions.fromString("rwx------"));
        Path logFile = logDir.resolve("postgres.log");
        if (serverUser.isPresent()) {
            chown(logDir, serverUser.get());
        }
        // pg_ctl hands -o to a shell: every value is single-quoted, and none contains a quote.
        String options = String.join(" ",
                "-c", "port=" + port,
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=" + shellQuoted(dataDir.toString()),
                "-c", "max_connections=60",
                "-c", "shared_buffers=32MB",
                "-c", "password_encryption=scram-sha-256");
        run("pg_ctl start", asServerUser(List.of(binaries.bin("pg_ctl").toString(), "start", "-w",
                "-t", Long.toString(START_TIMEOUT.toSeconds()), "-D", dataDir.toString(),
                "-l", logFile.toString(), "-o", options)));
        // Idempotent, every start: a first start that died between initdb and here is completed.
        ensureApplicationRoleAndDatabase();
        installAuditGuard(DATABASE);
        log.info("embedded PostgreSQL {} listening on 127.0.0.1:{} (data {}{})", POSTGRES_VERSION, port, dataDir,
                serverUser.map(u -> ", running as OS user " + u.name()).orElse(""));
    }

    private void initCluster() throws IOException {
        PostgresBinaries.deleteRecursively(dataDir);
        Files.createDirectories(dataDir);
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
        String superuserPassword = newSecret(SUPERUSER_PASSWORD_FILE);
        // initdb reads the superuser password from a file the server's account can read; it is
        // deleted right after, the copy of record stays in the secrets directory.
        Path pwfile = root.resolve(".initdb-pw"); // outside the data dir: initdb wants it empty
        Files.deleteIfExists(pwfile);
        Files.createFile(pwfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pwfile, superuserPassword, StandardCharsets.UTF_8);
        if (serverUser.isPresent()) {
            chown(dataDir, serverUser.get());
            chown(pwfile, serverUser.get());
        }
        try {
            run("initdb", asServerUser(List.of(binaries.bin("initdb").toString(), "-D", dataDir.toString(),
                    "-U", SUPERUSER, "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8",
                    "--locale=C", "--no-instructions")));
        } finally {
            Files.deleteIfExists(pwfile);
        }
        Files.writeString(root.resolve(INITDB_DONE_MARKER), POSTGRES_VERSION);
    }

    /**
     * Makes sure role {@value #APP_ROLE} (not a superuser) exists with the password in the secrets
     * directory and owns database {@value #DATABASE}. Role and database names are constants; the
     * password reaches SQL only through format('%L') on the server.
     */
    private void ensureApplicationRoleAndDatabase() throws IOException {
        String appPassword = SecretFiles.createOnce(secretsDir.resolve(APP_PASSWORD_FILE), () -> SecretFiles.randomHex(24));
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), SUPERUSER, readSecret(SUPERUSER_PASSWORD_FILE));
             Statement st = c.createStatement()) {
            boolean roleExists = Sql.one(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", row -> true, APP_ROLE).isPresent();
            String roleSql = Sql.one(c, roleExists
                            ? "SELECT format('ALTER ROLE %I PASSWORD %L', ?::text, ?::text)"
                            : "SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', ?::text, ?::text)",
                    row -> row.getString(1), APP_ROLE, appPassword).orElseThrow();
            st.execute(roleSql);
            if (Sql.one(c, "SELECT 1 FROM pg_database WHERE datname = ?", row -> true, DATABASE).isEmpty()) {
                st.execute("CREATE DATABASE " + DATABASE + " OWNER " + APP_ROLE);
                st.execute("REVOKE ALL ON DATABASE " + DATABASE + " FROM PUBLIC");
            }
        } catch (SQLException e) {
            throw new IOException("cannot prepare the application role and database in the embedded PostgreSQL", e);
        }
    }

    /**
     * Installs (again: it is idempotent) the event triggers that keep the application's own role
     * from switching off or redefining the audit log's append-only triggers ({@link AuditGuard}).
     * As the superuser, which the application never connects as.
     */
    public void installAuditGuard(String database) throws IOException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(database), SUPERUSER, readSecret(SUPERUSER_PASSWORD_FILE));
             Statement st = c.createStatement()) {
            st.execute(AuditGuard.sql());
        } catch (SQLException e) {
            throw new IOException("cannot install the audit log's guard in database " + database, e);
        }
    }

    private void stopServerQuietly() {
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            runIgnoringFailure(asServerUser(List.of(binaries.bin("pg_ctl").toString(), "stop", "-w", "-m", "fast",
                    "-t", Long.toString(STOP_TIMEOUT.toSeconds()), "-D", dataDir.toString())));
        }
    }

    /** After a kill -9 of the switch, pg_ctl's detached server outlives it: stop it before starting. */
    private void stopLeftOverServer() throws IOException {
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            log.warn("embedded PostgreSQL in {} was left running by an earlier process; stopping it", dataDir);
            runIgnoringFailure(asServerUser(List.of(binaries.bin("pg_ctl").toString(), "stop", "-w", "-m", "fast",
                    "-t", Long.toString(STOP_TIMEOUT.toSeconds()), "-D", dataDir.toString())));
        }
    }

    /**
     * How to reach the cluster under {@code root} while another process (the running switch) owns
     * it: the port comes from PostgreSQL's own pid file. Empty when no server is running there.
     */
    public static Optional<DatabaseConnection> runningCluster(Path root, Path secretsDir) throws IOException {
        Path pidFile = root.resolve("data").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 4) {
            return Optional.empty();
        }
        int port = Integer.parseInt(lines.get(3).trim()); // line 4 of postmaster.pid: the port
        String password = Files.readString(secretsDir.resolve(APP_PASSWORD_FILE), StandardCharsets.UTF_8).trim();
        return Optional.of(new DatabaseConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, APP_ROLE, password));
    }

    /** Whether a switch process currently holds the cluster under {@code root}. */
    public static boolean isOwnedByAnotherProcess(Path root) throws IOException {
        Path lockFile = root.resolve("voxgate.lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException heldByThisProcess) {
            return true;
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public DatabaseConnection applicationConnection() throws IOException {
        return new DatabaseConnection(jdbcUrl(), APP_ROLE, readSecret(APP_PASSWORD_FILE));
    }

    public Path dataDirectory() {
        return dataDir;
    }

    /** The PID of the postmaster, from its pid file; empty when the server is not running. */
    public Optional<Long> serverPid() throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(Files.readAllLines(pidFile).getFirst().trim()));
    }

    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            Optional<ProcessHandle> postmaster = serverPid().flatMap(ProcessHandle::of);
            run("pg_ctl stop", asServerUser(List.of(binaries.bin("pg_ctl").toString(), "stop", "-w", "-m", "fast",
                    "-t", Long.toString(STOP_TIMEOUT.toSeconds()), "-D", dataDir.toString())));
            // pg_ctl returns once the pid file is gone, which the postmaster removes just before it
            // exits: wait for the process itself, so "stopped" means no process is left.
            postmaster.ifPresent(EmbeddedPostgres::awaitExit);
            log.info("embedded PostgreSQL stopped");
        } catch (IOException | RuntimeException e) {
            log.error("could not stop the embedded PostgreSQL in {}", dataDir, e);
        } finally {
            try {
                lock.release();
                lockChannel.close();
            } catch (IOException e) {
                log.warn("could not release {}", root.resolve("voxgate.lock"), e);
            }
        }
    }

    private static void awaitExit(ProcessHandle process) {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (process.isAlive()) {
            log.warn("embedded PostgreSQL postmaster {} is still running after pg_ctl stop", process.pid());
        }
    }

    private static final String INITDB_DONE_MARKER = "initdb-done";
    private static final String SUPERUSER_PASSWORD_FILE = "embedded-postgres-superuser.password";
    private static final String APP_PASSWORD_FILE = "embedded-postgres-voxgate.password";

    private String newSecret(String fileName) throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        SecretFiles.writeOwnerOnly(secretsDir.resolve(fileName), secret);
        return secret;
    }

    private String readSecret(String fileName) throws IOException {
        return Files.readString(secretsDir.resolve(fileName), StandardCharsets.UTF_8).trim();
    }

    private List<String> asServerUser(List<String> command) {
        if (serverUser.isEmpty()) {
            return command;
        }
        OsUser user = serverUser.get();
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(),
                "--clear-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void chown(Path path, OsUser user) throws IOException {
        Files.setAttribute(path, "unix:uid", user.uid());
        Files.setAttribute(path, "unix:gid", user.gid());
    }

    private static String shellQuoted(String value) {
        if (value.contains("'")) {
            throw new IllegalArgumentException("path must not contain a single quote: " + value);
        }
        return "'" + value + "'";
    }

    private void run(String what, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(root.toFile());
        // The server's account cannot read root's home; keep the child from trying.
        builder.environment().put("HOME", root.toString());
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IOException(what + " failed (exit " + exit + "): " + output.strip()
                        + "; see " + root.resolve("log").resolve("postgres.log"));
            }
            log.debug("{}: {}", what, output.strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            throw new IOException(what + " interrupted", e);
        }
    }

    private void runIgnoringFailure(List<String> command) {
        try {
            run("pg_ctl", command);
        } catch (IOException e) {
            log.debug("ignored: {}", e.getMessage());
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
