package org.sandgate.server.sessions;

import java.time.Duration;
import java.util.Properties;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The retention sweep, scheduled by Quartz: every interval, finished sessions older than the
 * retention period are removed with their sandboxes.
 */
public final class RetentionSweeper extends AbstractLifeCycle {
    private static final String MANAGER = "sessions";
    private static final String RETENTION = "retention";

    private final SessionManager sessions;
    private final Duration retention;
    private final Duration interval;
    private Scheduler scheduler;

    public RetentionSweeper(SessionManager sessions, Duration retention, Duration interval) {
        this.sessions = sessions;
        this.retention = retention;
        this.interval = interval;
    }

    /** The Quartz job: one sweep. */
    @DisallowConcurrentExecution
    public static final class SweepJob implements Job {
        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            try {
                SessionManager manager = (SessionManager) context.getScheduler().getContext().get(MANAGER);
                Duration keep = (Duration) context.getScheduler().getContext().get(RETENTION);
                manager.sweep(keep);
            } catch (SchedulerException | RuntimeException e) {
                throw new JobExecutionException(e);
            }
        }
    }

    @Override
    protected void doStart() throws SchedulerException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "sandgate-retention-" + System.identityHashCode(this));
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", "1");
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        scheduler = new StdSchedulerFactory(p).getScheduler();
        scheduler.getContext().put(MANAGER, sessions);
        scheduler.getContext().put(RETENTION, retention);
        scheduler.scheduleJob(JobBuilder.newJob(SweepJob.class).withIdentity("retention-sweep").build(),
                TriggerBuilder.newTrigger().startNow().withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(interval.toMillis()).repeatForever()).build());
        scheduler.start();
    }

    @Override
    protected void doStop() throws SchedulerException {
        scheduler.shutdown(true);
    }
}
