import { BatchJob, type BatchJobProps } from '../../../lib/index.js';
import { find, makeApp, synth } from './util.js';

const job = (props: Partial<BatchJobProps> = {}) =>
  synth((app) => new BatchJob(app, 'backup', { image: 'backup:1.0', command: ['backup.sh'], ...props }));

describe('BatchJob', () => {
  test('renders a Job without a schedule', () => {
    const objects = job({ completions: 3, parallelism: 2, backoffLimit: 1, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 3600 });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Job/shop-prod-backup']);
    const spec = find(objects, 'Job').spec;
    expect(spec).toMatchObject({ completions: 3, parallelism: 2, backoffLimit: 1, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 3600 });
    expect(spec.template.spec.restartPolicy).toBe('OnFailure');
    expect(spec).not.toHaveProperty('selector');
    expect(find(job({ restartPolicy: 'Never' }), 'Job').spec.template.spec.restartPolicy).toBe('Never');
  });

  test('renders a CronJob with a schedule, its defaults and the job template', () => {
    const cron = find(job({ schedule: '0 2 * * *', concurrencyPolicy: 'Forbid', backoffLimit: 2, config: { TARGET: 's3' } }), 'CronJob');
    expect(cron.apiVersion).toBe('batch/v1');
    expect(cron.metadata.name).toBe('shop-prod-backup');
    expect(cron.spec).toMatchObject({
      schedule: '0 2 * * *',
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      suspend: false,
    });
    expect(cron.spec.jobTemplate.metadata.labels['app.kubernetes.io/name']).toBe('backup');
    expect(cron.spec.jobTemplate.spec.backoffLimit).toBe(2);
    expect(cron.spec.jobTemplate.spec.template.metadata.annotations['berth.dev/config-hash']).toMatch(/^[0-9a-f]{16}$/);
  });

  test('renders time zone, Replace, deadline, history limits and suspend', () => {
    const spec = find(
      job({
        schedule: '@daily',
        timeZone: 'Europe/Berlin',
        concurrencyPolicy: 'Replace',
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: 5,
        failedJobsHistoryLimit: 0,
        suspend: true,
      }),
      'CronJob',
    ).spec;
    expect(spec).toMatchObject({
      schedule: '@daily',
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: 'Replace',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 5,
      failedJobsHistoryLimit: 0,
      suspend: true,
    });
  });

  test('keeps CronJob names to 52 characters', () => {
    const app = makeApp({ name: 'a-rather-long-release-name-for-this', namespace: 'prod', env: 'prod' });
    const b = new BatchJob(app, 'nightly-database-backup', { image: 'x:1', schedule: '0 2 * * *' });
    const name = (b.cronJob!.toJson() as { metadata: { name: string } }).metadata.name;
    expect(name).toHaveLength(52);
  });

  test('rejects bad cron expressions naming the schedule and a fix', () => {
    expect(() => job({ schedule: '61 * * * *' })).toThrow(
      "shop/backup: 'schedule' ('61 * * * *') is not a valid cron expression (Constraint error, got value 61 expected range 0-59), e.g. '0 2 * * *' for 02:00 every day",
    );
    expect(() => job({ schedule: '* * *' })).toThrow(
      "shop/backup: 'schedule' ('* * *') has 3 fields; a cron schedule has 5 (minute hour day-of-month month day-of-week), e.g. '0 2 * * *'",
    );
    expect(() => job({ schedule: '0 0 2 * * *' })).toThrow("'schedule' ('0 0 2 * * *') has 6 fields");
    expect(() => job({ schedule: 'TZ=UTC 0 2 * * *' })).toThrow(
      "shop/backup: 'schedule' ('TZ=UTC 0 2 * * *') must not contain a time zone: use the 'timeZone' prop",
    );
  });

  test('rejects bad time zones and cron-only props on a one-off Job', () => {
    expect(() => job({ schedule: '0 2 * * *', timeZone: 'Mars/Olympus' })).toThrow(
      "shop/backup: 'timeZone' ('Mars/Olympus') is not an IANA time zone, e.g. 'Etc/UTC' or 'Europe/Berlin'",
    );
    expect(() => job({ concurrencyPolicy: 'Forbid' })).toThrow(
      "shop/backup: 'concurrencyPolicy' ('Forbid') only applies to a scheduled job: set 'schedule' or remove it",
    );
    expect(() => job({ backoffLimit: -1 })).toThrow("shop/backup: 'backoffLimit' (-1) must be an integer >= 0");
    expect(() => job({ schedule: '@hourly', startingDeadlineSeconds: 5 })).toThrow(
      "shop/backup: 'startingDeadlineSeconds' (5) must be an integer >= 10",
    );
  });

  test('matches the snapshot', () => {
    expect(job({ schedule: '30 1 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', secretConfig: { KEY: 'x' } })).toMatchSnapshot();
  });
});
