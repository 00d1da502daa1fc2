import type { Construct } from 'constructs';
import { Application, Probe, StatelessApp, Volume, type ApplicationProps } from 'berth';
import type { HelloConfig } from './config.js';

/** The smallest Berth application: one stateless HTTP service. */
export default class Hello extends Application<HelloConfig> {
  constructor(scope: Construct, id: string, props: ApplicationProps<HelloConfig>) {
    super(scope, id, props);
    const c = props.config;
    new StatelessApp(this, 'web', {
      image: c.image,
      replicas: c.replicas ?? 1,
      args: ['-listen=:8080', `-text=${c.message}`],
      ports: [{ port: 8080, servicePort: 80 }],
      config: { LOG_LEVEL: c.logLevel ?? 'info' },
      readiness: Probe.http('/'),
      liveness: Probe.tcp(),
      volumes: [{ path: '/tmp', volume: Volume.emptyDir('tmp') }],
    });
  }
}
