package io.multistack.itest;

import org.junit.AssumptionViolatedException;
import org.junit.runner.Description;
import org.junit.runner.notification.Failure;
import org.junit.runner.notification.RunNotifier;
import org.junit.runners.model.InitializationError;
import org.ops4j.pax.exam.junit.PaxExam;

/**
 * Pax Exam for test classes that play a {@link SiteHost}: when another process holds UDP
 * 127.0.0.1:4789 (where the appliance sends every tunnel reply) the class is reported as
 * skipped. The check must run here, in the test JVM before the framework starts: Pax Exam
 * reports an assumption that fails inside the framework as a passed test.
 */
public class PaxExamWithSiteHost extends PaxExam {
    public PaxExamWithSiteHost(Class<?> testClass) throws InitializationError {
        super(testClass);
    }

    @Override
    public void run(RunNotifier notifier) {
        if (FreePort.isBound(SiteHost.VXLAN_PORT)) {
            AssumptionViolatedException reason = new AssumptionViolatedException(
                    "UDP 127.0.0.1:" + SiteHost.VXLAN_PORT + " is held by another process: no site host can run");
            for (Description test : getDescription().getChildren()) {
                notifier.fireTestStarted(test);
                notifier.fireTestAssumptionFailed(new Failure(test, reason));
                notifier.fireTestFinished(test);
            }
            return;
        }
        super.run(notifier);
    }
}
