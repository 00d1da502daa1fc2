/** Config of the hello application: one HTTP service. */
export interface HelloConfig {
  /** Container image of the hello service. */
  readonly image: string;
  /**
   * Number of pods.
   * @default 1
   */
  readonly replicas?: number;
  /** Greeting the service answers with. */
  readonly message: string;
  /**
   * Log verbosity.
   * @default 'info'
   */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
}
