package io.voxgate.server.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.voxgate.server.SwitchRuntime;
import io.voxgate.server.Voxgate;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code voxgate run}: starts the switch and keeps it up until SIGTERM or SIGINT. */
@Command(name = "run", description = "Start the switch (embedded PostgreSQL and S3 unless configured otherwise).")
public final class RunCommand implements Callable<Integer> {

    @ParentCommand
    private Voxgate root;

    @Override
    public Integer call() throws Exception {
        SwitchRuntime runtime = new SwitchRuntime(root.settings());
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before the start, so SIGTERM during a slow first start stops what has started.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            org.slf4j.LoggerFactory.getLogger(RunCommand.class).info("stopping Voxgate");
            runtime.close();
            stopped.countDown();
        }, "voxgate-shutdown"));
        runtime.start(root.environment(), System.out);
        stopped.await();
        return 0;
    }
}
