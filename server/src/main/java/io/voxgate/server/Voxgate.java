package io.voxgate.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import io.voxgate.config.db.ConfigStoreException;
import io.voxgate.server.cli.CertsCommand;
import io.voxgate.server.cli.AdminsCommand;
import io.voxgate.server.cli.AuditCommand;
import io.voxgate.server.cli.DevicesCommand;
import io.voxgate.server.cli.RunCommand;
import io.voxgate.server.cli.TenantsCommand;
import io.voxgate.server.cli.UsersCommand;
import io.voxgate.server.settings.SettingsException;
import io.voxgate.server.settings.SettingsLoader;
import io.voxgate.server.settings.VoxgateSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code voxgate}: runs the switch ({@code voxgate run}) and the operator commands. */
@Command(name = "voxgate", mixinStandardHelpOptions = true, version = "Voxgate 0.1.0",
        description = "Secure SIP/SRTP voice switch.",
        subcommands = {RunCommand.class, CertsCommand.class, TenantsCommand.class, UsersCommand.class, DevicesCommand.class, AuditCommand.class, AdminsCommand.class})
public final class Voxgate {

    static final int EXIT_SETTINGS = 2;
    static final int EXIT_FAILURE = 1;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Settings file (default: ./voxgate.yml when it exists, else built-in defaults; env VOXGATE_CONFIG).")
    private Path config;

    public VoxgateSettings settings() {
        SettingsLoader loader = new SettingsLoader();
        Path file = config;
        if (file == null && System.getenv("VOXGATE_CONFIG") != null) {
            file = Path.of(System.getenv("VOXGATE_CONFIG"));
        }
        if (file == null && Files.isRegularFile(Path.of("voxgate.yml"))) {
            file = Path.of("voxgate.yml");
        }
        return file == null ? loader.defaults() : loader.load(file);
    }

    public Map<String, String> environment() {
        return System.getenv();
    }

    public static void main(String[] args) {
        if (Arrays.stream(args).noneMatch("run"::equals)) {
            System.setProperty("voxgate.log.level", "WARN");
        }
        // jitsi-srtp logs through java.util.logging; one log, one format, one level setting
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Voxgate()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("voxgate: " + describe(e));
            return e instanceof SettingsException ? EXIT_SETTINGS : EXIT_FAILURE;
        });
        return cli.execute(args);
    }

    private static String describe(Exception e) {
        if (e instanceof SettingsException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof ConfigStoreException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
