package io.voxgate.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.user.User;
import io.voxgate.config.user.CredentialSeal;
import io.voxgate.config.user.UserDirectory;
import io.voxgate.server.Voxgate;
import io.voxgate.server.database.ConfigStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code voxgate users ...}: a tenant's users and their SIP passwords. A password is never taken
 * from the command line (it would show in ps and shell history): from an environment variable,
 * from stdin, or generated and printed once.
 */
@Command(name = "users", description = "Add users, set SIP passwords, list users.")
public final class UsersCommand {

    @ParentCommand
    private Voxgate root;

    @Spec
    private CommandSpec spec;

    static final class PasswordSource {
        @Option(names = "--password-env", paramLabel = "VARIABLE", description = "Read the SIP password from this environment variable")
        String env;

        @Option(names = "--password-stdin", description = "Read the SIP password from the first line of stdin")
        boolean stdin;
    }

    @Command(name = "add", description = "Add a user with an extension and a SIP password.")
    int add(@Option(names = "--tenant", required = true) String slug,
            @Option(names = "--extension", required = true, description = "2-10 digits") String extension,
            @Option(names = "--name", required = true, description = "Display name") String name,
            @Option(names = "--email") String email,
            @ArgGroup(exclusive = true) PasswordSource source) throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            Tenant tenant = tenant(store, slug);
            Password password = password(source);
            User user = new UserDirectory(store.database(), seal()).add(tenant, extension, name, email, password.value());
            spec.commandLine().getOut().println("user " + user.extension() + " added to " + tenant.slug()
                    + ", SIP account sip:" + user.sipUsername() + "@" + tenant.primaryDomain() + password.shownOnce());
        }
        return 0;
    }

    @Command(name = "passwd", description = "Set a user's SIP password.")
    int passwd(@Option(names = "--tenant", required = true) String slug,
               @Option(names = "--extension", required = true) String extension,
               @ArgGroup(exclusive = true) PasswordSource source) throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            Tenant tenant = tenant(store, slug);
            Password password = password(source);
            if (!new UserDirectory(store.database(), seal()).setPassword(tenant, extension, password.value())) {
                throw new IllegalArgumentException("tenant " + slug + " has no extension " + extension);
            }
            spec.commandLine().getOut().println("SIP password of " + extension + " in " + slug + " changed" + password.shownOnce());
        }
        return 0;
    }

    @Command(name = "list", description = "List a tenant's users.")
    int list(@Option(names = "--tenant", required = true) String slug) throws Exception {
        try (ConfigStore store = ConfigStore.openForCommand(root.settings(), root.environment())) {
            Tenant tenant = tenant(store, slug);
            var out = spec.commandLine().getOut();
            out.printf("%-10s %-16s %-8s %s%n", "EXTENSION", "SIP USERNAME", "STATUS", "NAME");
            for (User u : new UserDirectory(store.database()).list(tenant)) {
                out.printf("%-10s %-16s %-8s %s%n", u.extension(), u.sipUsername(), u.status(), u.displayName());
            }
        }
        return 0;
    }

    private static Tenant tenant(ConfigStore store, String slug) {
        return new TenantDirectory(store.database()).find(slug)
                .orElseThrow(() -> new IllegalArgumentException("no tenant '" + slug + "' (see: voxgate tenants list)"));
    }

    private record Password(String value, boolean generated) {
        String shownOnce() {
            return generated ? "\nSIP password (shown once): " + value : "";
        }
    }

    private Password password(PasswordSource source) throws IOException {
        if (source == null) {
            return new Password(Passwords.random(), true);
        }
        if (source.stdin) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                throw new IllegalArgumentException("--password-stdin: no password on stdin");
            }
            return new Password(line, false);
        }
        String value = root.environment().get(source.env);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + source.env + " (--password-env) is not set");
        }
        return new Password(value, false);
    }

    /** The switch's credential seal, so the password can go into the user's phones' configuration. */
    private CredentialSeal seal() throws java.io.IOException {
        return CredentialSeal.fromSecretsDirectory(root.settings().secretsDir());
    }
}
