import { Lazy } from 'cdk8s';
import * as k8s from './imports/k8s-lib.js';
import type { Construct } from 'constructs';
import { CronExpressionParser } from 'cron-parser';
import { Workload, type WorkloadProps } from './workload.js';
import { propError } from './private/errors.js';
import { MAX_CONTROLLER_NAME_LENGTH, objectName } from './private/naming.js';
import { checkInt } from './private/validate.js';

export interface BatchJobProps extends WorkloadProps {
  /**
   * Run as a CronJob on this schedule (5-field cron or a macro like `@daily`); without it, a Job runs once.
   * @default no schedule: a one-off Job
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
   */
  readonly schedule?: string;
  /**
   * IANA time zone of `schedule`, e.g. `Europe/Berlin`.
   * @default the kube-controller-manager's time zone
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones
   */
  readonly timeZone?: string;
  /**
   * What happens when a run is due while the previous one still runs: `Allow` both, `Forbid` skips the new run,
   * `Replace` stops the old one.
   * @default 'Allow'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
   */
  readonly concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  /**
   * Seconds after a missed schedule time during which the run may still start.
   * @default no deadline
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
   */
  readonly startingDeadlineSeconds?: number;
  /**
   * Finished successful Jobs kept.
   * @default 3
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Failed Jobs kept.
   * @default 1
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
   */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Suspend future runs (the CronJob stays).
   * @default false
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
   */
  readonly suspend?: boolean;
  /**
   * Successful pods needed for the Job to complete.
   * @default 1
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#parallel-jobs
   */
  readonly completions?: number;
  /**
   * Pods running at once.
   * @default 1
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
   */
  readonly parallelism?: number;
  /**
   * Retries before the Job is marked failed.
   * @default 6
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-backoff-failure-policy
   */
  readonly backoffLimit?: number;
  /**
   * Seconds the Job may run in total before it is stopped and failed.
   * @default no limit
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * Seconds after finishing before the Job and its pods are deleted.
   * @default kept
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/
   */
  readonly ttlSecondsAfterFinished?: number;
  /**
   * `OnFailure` restarts the container in the same pod; `Never` makes a new pod per retry.
   * @default 'OnFailure'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/
   */
  readonly restartPolicy?: 'OnFailure' | 'Never';
}

const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const CRON_ONLY = [
  'timeZone',
  'concurrencyPolicy',
  'startingDeadlineSeconds',
  'successfulJobsHistoryLimit',
  'failedJobsHistoryLimit',
  'suspend',
] as const;

/**
 * A batch workload: a Job `<release>-<service>`, or a CronJob when `schedule` is set (at most 52 characters,
 * so the Jobs it creates can be named).
 */
export class BatchJob extends Workload {
  /** The Job, when there is no `schedule`. */
  readonly job?: k8s.KubeJob;
  /** The CronJob, when `schedule` is set. */
  readonly cronJob?: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: BatchJobProps) {
    super(scope, id, props, 'batch');
    checkInt(this, 'completions', props.completions, 1);
    checkInt(this, 'parallelism', props.parallelism, 0);
    checkInt(this, 'backoffLimit', props.backoffLimit, 0);
    checkInt(this, 'activeDeadlineSeconds', props.activeDeadlineSeconds, 1);
    checkInt(this, 'ttlSecondsAfterFinished', props.ttlSecondsAfterFinished, 0);

    const jobSpec = (): k8s.JobSpec => ({
      completions: props.completions,
      parallelism: props.parallelism,
      backoffLimit: props.backoffLimit,
      activeDeadlineSeconds: props.activeDeadlineSeconds,
      ttlSecondsAfterFinished: props.ttlSecondsAfterFinished,
      template: this.renderPodTemplate({ restartPolicy: props.restartPolicy ?? 'OnFailure' }),
    });

    if (props.schedule === undefined) {
      for (const prop of CRON_ONLY) {
        if (props[prop] !== undefined) throw propError(this, prop, props[prop], "only applies to a scheduled job: set 'schedule' or remove it");
      }
      this.job = new k8s.KubeJob(this, 'Job', {
        metadata: this.workloadMetadata(this.resourceName),
        spec: Lazy.any({ produce: jobSpec }),
      });
      return;
    }

    this.validateSchedule(props.schedule);
    if (props.timeZone !== undefined) this.validateTimeZone(props.timeZone);
    checkInt(this, 'startingDeadlineSeconds', props.startingDeadlineSeconds, 10);
    checkInt(this, 'successfulJobsHistoryLimit', props.successfulJobsHistoryLimit, 0);
    checkInt(this, 'failedJobsHistoryLimit', props.failedJobsHistoryLimit, 0);
    const name = objectName([this.application.release.name, this.name], MAX_CONTROLLER_NAME_LENGTH);
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: this.workloadMetadata(name, MAX_CONTROLLER_NAME_LENGTH),
      spec: Lazy.any({
        produce: (): k8s.CronJobSpec => ({
          schedule: props.schedule!.trim(),
          timeZone: props.timeZone,
          concurrencyPolicy: props.concurrencyPolicy ?? 'Allow',
          startingDeadlineSeconds: props.startingDeadlineSeconds,
          successfulJobsHistoryLimit: props.successfulJobsHistoryLimit ?? 3,
          failedJobsHistoryLimit: props.failedJobsHistoryLimit ?? 1,
          suspend: props.suspend ?? false,
          jobTemplate: { metadata: { labels: { ...this.labels }, annotations: { ...this.annotations } }, spec: jobSpec() },
        }),
      }),
    });
  }

  private validateSchedule(schedule: string): void {
    const expr = schedule.trim();
    if (/^(CRON_)?TZ=/.test(expr)) {
      throw propError(this, 'schedule', schedule, "must not contain a time zone: use the 'timeZone' prop");
    }
    if (CRON_MACROS.has(expr)) return;
    const fields = expr.split(/\s+/).length;
    if (fields !== 5) {
      throw propError(this, 'schedule', schedule, `has ${fields} fields; a cron schedule has 5 (minute hour day-of-month month day-of-week), e.g. '0 2 * * *'`);
    }
    try {
      CronExpressionParser.parse(expr);
    } catch (e) {
      throw propError(this, 'schedule', schedule, `is not a valid cron expression (${(e as Error).message}), e.g. '0 2 * * *' for 02:00 every day`);
    }
  }

  private validateTimeZone(timeZone: string): void {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
    } catch {
      throw propError(this, 'timeZone', timeZone, "is not an IANA time zone, e.g. 'Etc/UTC' or 'Europe/Berlin'");
    }
  }
}
